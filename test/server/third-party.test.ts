// `oncely verify` against idempotency middleware people install today: express-idempotency with its
// Redis adapter (express-idempotency-redis-adapter, node-redis), wired as their READMEs say, on a
// real redis-server. It looks the key up, then writes it with a plain SET: two same-key requests
// sent at once can both act. verify must catch that and exit non-zero.
import { createRequire } from 'node:module'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULTS } from '../../src/cli/verify/options.js'
import { formatReport, runVerify } from '../../src/cli/verify/run.js'
import { sayWhySkipped, startRedis } from './support/services.js'
import { oncelyCli } from './support/verify.js'

const require = createRequire(import.meta.url)
const { idempotency, getSharedIdempotencyService } = require('express-idempotency') as typeof import('express-idempotency')
const RedisAdapter = (require('express-idempotency-redis-adapter') as { default: new (options: { connectionConfig: { url: string } }) => { connect(): Promise<void>; disconnect(): Promise<void> } }).default

const redisServer = await startRedis()
sayWhySkipped('express-idempotency + redis', redisServer)

let server: Server | undefined
let adapter: InstanceType<typeof RedisAdapter> | undefined
let url = ''
let effects = 0

if ('url' in redisServer) {
  adapter = new RedisAdapter({ connectionConfig: { url: redisServer.url } })
  await adapter.connect()
  const app = express()
  app.use(express.json())
  app.post('/payments', idempotency({ dataAdapter: adapter as never }), async (req, res) => {
    const service = getSharedIdempotencyService()
    if (service.isHit(req)) return
    if (req.get('x-fail') === '1') {
      service.reportError(req)
      res.status(503).json({ error: 'provider unavailable' })
      return
    }
    // The payment: an awaited call, as a database insert or a provider call would be.
    await new Promise((resolve) => setImmediate(resolve))
    res.status(201).json({ paymentId: ++effects, amount: req.body.amount })
  })
  app.get('/effects', (_req, res) => void res.json({ total: effects }))
  // The error handler an Express app has: the status the middleware chose, a JSON message.
  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(res.statusCode >= 400 ? res.statusCode : 500).json({ error: error.message })
  })
  server = createServer(app)
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

afterAll(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
  await adapter?.disconnect()
  if ('stop' in redisServer) await redisServer.stop()
})

describe.skipIf(!server)('oncely verify against express-idempotency 1.0.6 + express-idempotency-redis-adapter 1.0.8', () => {
  it('catches the race: same-key requests at once both act', async () => {
    const report = await runVerify({ ...DEFAULTS, url: `${url}/payments`, effects: `${url}/effects`, failHeader: ['X-Fail', '1'], rounds: 20, concurrency: 2 })
    console.log(`\n[verify] express-idempotency + Redis adapter\n${formatReport(report)}`)
    const line = (id: string) => report.results.find((r) => r.id === id)

    expect(report.passed).toBe(false)
    expect(line('concurrent')?.verdict).toBe('fails')
    expect(line('concurrent')?.detail).toMatch(/rounds answered different bodies/)
    expect(line('replay')?.verdict).toBe('holds') // one at a time, it does replay
    expect(line('replay-marked')?.detail).toMatch(/^no/)
  }, 60_000)

  it('makes the command line exit non-zero', async () => {
    const run = await oncelyCli(['verify', `${url}/payments`, '--effects', `${url}/effects`, '--rounds', '20'])

    expect(run.stdout).toMatch(/same-key requests at once .*\| FAILS/)
    expect(run.code).toBe(1)
  }, 60_000)
})
