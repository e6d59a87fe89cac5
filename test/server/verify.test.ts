// `oncely verify` against oncely/server on each store (every guarantee holds), against a server
// with no idempotency at all (caught), and its command line.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PGlite } from '@electric-sql/pglite'
import Redis from 'ioredis'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { parseVerifyArgs } from '../../src/cli/verify/args.js'
import { DEFAULTS, otherBody, parseHeader, render } from '../../src/cli/verify/options.js'
import { formatReport, runVerify } from '../../src/cli/verify/run.js'
import { startPaymentsApp, type AppBackend } from './fixtures/app.js'
import { sayWhySkipped, startPostgres, startRedis } from './support/services.js'
import { oncelyCli } from './support/verify.js'

const postgres = await startPostgres()
const redisServer = await startRedis()
sayWhySkipped('verify on postgres', postgres)
sayWhySkipped('verify on redis', redisServer)
const pool = 'url' in postgres ? new pg.Pool({ connectionString: postgres.url, max: 20 }) : undefined
const redis = 'url' in redisServer ? new Redis(redisServer.url) : undefined
const pglite = new PGlite()

afterAll(async () => {
  await pool?.end()
  redis?.disconnect()
  await pglite.close()
  if ('stop' in postgres) await postgres.stop()
  if ('stop' in redisServer) await redisServer.stop()
})

const backends: Array<[string, AppBackend | undefined]> = [
  ['pglite', { kind: 'pglite', db: pglite }],
  ['postgres', pool && { kind: 'postgres', pool }],
  ['redis', redis && { kind: 'redis', client: redis }],
]

describe.each(backends)('oncely verify against oncely/server on %s', (name, backend) => {
  it.skipIf(!backend)('finds every guarantee holding, none left unchecked', async () => {
    const app = await startPaymentsApp(backend!, { prefix: `verify-${name}` })
    try {
      const report = await runVerify({ ...DEFAULTS, url: `${app.url}/payments`, effects: `${app.url}/effects`, failHeader: ['X-Fail', '1'], slowHeader: ['X-Slow', '400'], rounds: 10, concurrency: 4 })
      console.log(`\n[verify] oncely/server on ${name}\n${formatReport(report)}`)

      expect(report.passed).toBe(true)
      const guarantees = report.results.filter((r) => r.level === 'guarantee')
      expect(guarantees.map((r) => `${r.id}:${r.verdict}`)).toEqual(['replay:holds', 'concurrent:holds', 'in-progress:holds', 'in-progress-slow:holds', 'mismatch:holds', 'failure-not-cached:holds'])
      expect(report.results.find((r) => r.id === 'replay-marked')?.detail).toBe('yes')
      expect(report.results.find((r) => r.id === 'key-forms')?.detail).toMatch(/^yes/)
      expect(report.results.find((r) => r.id === 'missing-key')?.detail).toBe('400')
      expect(report.results.find((r) => r.id === 'mismatch')?.detail).toMatch(/^422/)
    } finally {
      await app.close()
    }
  }, 30_000)
})

describe('oncely verify against a server that ignores the key', () => {
  it('reports the replay and the concurrency guarantees failing, and the run as failed', async () => {
    let effects = 0
    const server = createServer((req, res) => {
      if (req.url === '/effects') return void res.end(String(effects))
      req.resume()
      req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ payment: ++effects })))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const report = await runVerify({ ...DEFAULTS, url: `${url}/pay`, effects: `${url}/effects`, rounds: 3 })

      expect(report.passed).toBe(false)
      const verdict = (id: string) => report.results.find((r) => r.id === id)?.verdict
      expect([verdict('replay'), verdict('concurrent'), verdict('mismatch')]).toEqual(['fails', 'fails', 'fails'])
      expect(verdict('failure-not-cached')).toBe('skipped')
      expect(formatReport(report)).toMatch(/3 guarantees FAIL\.\nNot checked: .*failure-not-cached/)
    } finally {
      server.close()
    }
  })
})

describe('the oncely command line', () => {
  it('exits 0 and prints the table when every guarantee holds', async () => {
    const app = await startPaymentsApp({ kind: 'pglite', db: pglite }, { prefix: 'cli' })
    try {
      const run = await oncelyCli(['verify', `${app.url}/payments`, '--effects', `${app.url}/effects`, '--fail-header', 'X-Fail: 1', '--rounds', '3'])

      expect(run.stdout).toMatch(/\| repeated key replays the first answer, one effect +\| holds +\|/)
      expect(run.code).toBe(0)
    } finally {
      await app.close()
    }
  }, 60_000)

  it('exits 2 with the usage on a bad command line', async () => {
    const run = await oncelyCli(['verify'])

    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/Give exactly one URL[\s\S]*Usage: oncely verify/)
  }, 60_000)

  it.each([
    { args: ['not a url'], error: /Not a URL/ },
    { args: ['http://x.test', '-c', '0'], error: /--concurrency must be a positive integer/ },
    { args: ['http://x.test', '--key-format', 'quoted'], error: /--key-format must be sf-string or bare/ },
    { args: ['http://x.test', '-H', 'no colon'], error: /Name: value/ },
  ])('refuses $args', ({ args, error }) => {
    expect(() => parseVerifyArgs(args)).toThrow(error)
  })

  it('reads options and replaces the default content type when a header names it', () => {
    const { options } = parseVerifyArgs(['http://x.test/p', '-X', 'put', '-H', 'Content-Type: text/plain', '-H', 'Authorization: Bearer t', '--key-format', 'bare'])

    expect(options).toMatchObject({ method: 'PUT', keyFormat: 'bare', headers: [['Content-Type', 'text/plain'], ['Authorization', 'Bearer t']] })
  })

  it.each([
    { template: '{"a":"{{nonce}}","k":"{{key}}"}', expected: '{"a":"n1","k":"K"}', other: '{"a":"other-n1","k":"K"}' },
    { template: '{"amount":1}', expected: '{"amount":1}', other: '{"amount":1,"oncelyVerify":"other-n1"}' },
    { template: 'plain', expected: 'plain', other: undefined },
  ])('renders $template and its other payload', ({ template, expected, other }) => {
    expect(render(template, { nonce: 'n1', key: 'K' })).toBe(expected)
    expect(otherBody(template, { nonce: 'n1', key: 'K' })).toBe(other)
  })

  it('parses headers', () => {
    expect(parseHeader('X-Fail:1')).toEqual(['X-Fail', '1'])
  })
})
