// Several Node server processes on one store, a client fleet sending the same key at once through a
// proxy that drops answers: zero double effects. Real PostgreSQL and real Redis, each on 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { seeded } from './support/demo.js'
import { sayWhySkipped, startPostgres, startRedis, type Service } from './support/services.js'

const APP = fileURLToPath(new URL('./fixtures/app.ts', import.meta.url))
const PROCESSES = 3
const INTENTS = 60
const CLIENTS_PER_INTENT = 3 // same key, sent at once: a double click, a retry racing the original, a second tab

const postgres = await startPostgres()
const redis = await startRedis()
sayWhySkipped('multi-process on postgres', postgres)
sayWhySkipped('multi-process on redis', redis)
afterAll(async () => {
  if ('stop' in postgres) await postgres.stop()
  if ('stop' in redis) await redis.stop()
})

/** Starts one app process; resolves with its URL once it listens. */
function spawnApp(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', APP], { env: { ...process.env, ONCELY_APP_PROCESS: '1', ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /listening (\S+)/.exec(out)
      if (match) resolve({ url: match[1]!, child })
    })
    child.once('exit', (code) => reject(new Error(`app process exited early (${code})`)))
  })
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

interface ProxyFigures {
  requests: number
  droppedBefore: number
  droppedAfter: number
}

/** Forwards to the app processes in turn; drops 15 % of requests before and 20 % of answers after the app acted. */
async function startFaultProxy(backends: string[], random: () => number): Promise<{ url: string; figures: ProxyFigures; close(): Promise<void> }> {
  const figures: ProxyFigures = { requests: 0, droppedBefore: 0, droppedAfter: 0 }
  let next = 0
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    figures.requests++
    const roll = random()
    if (roll < 0.15) {
      figures.droppedBefore++
      return void req.socket.destroy()
    }
    const target = backends[next++ % backends.length]!
    const answer = await fetch(target + req.url, { method: req.method, headers: { 'content-type': 'application/json', 'idempotency-key': String(req.headers['idempotency-key']) }, body: Buffer.concat(chunks) })
    const body = Buffer.from(await answer.arrayBuffer())
    if (roll < 0.35) {
      // The app acted and answered; the client never hears it.
      figures.droppedAfter++
      return void req.socket.destroy()
    }
    const headers: Record<string, string> = {}
    answer.headers.forEach((value, name) => void (headers[name] = value))
    delete headers['content-encoding']
    res.writeHead(answer.status, { ...headers, 'content-length': String(body.length) })
    res.end(body)
  }
  const server: Server = createServer((req, res) => void handle(req, res).catch(() => req.socket.destroy()))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    figures,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

interface ClientFigures {
  sent: number
  networkErrors: number
  busy409: number
  fresh: number
  replays: number
}

/** One client: the same key until a 2xx, retrying network errors and 409s (bounded). */
async function payUntilAnswered(url: string, key: string, amount: number, figures: ClientFigures): Promise<string> {
  for (let attempt = 0; attempt < 60; attempt++) {
    figures.sent++
    let response: Response
    try {
      response = await fetch(`${url}/payments`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `"${key}"`, connection: 'close' }, body: JSON.stringify({ amount }) })
    } catch {
      figures.networkErrors++
      continue
    }
    const body = await response.text()
    if (response.status === 409) {
      figures.busy409++
      await new Promise((resolve) => setTimeout(resolve, 5 + attempt * 2))
      continue
    }
    if (response.status !== 201) throw new Error(`unexpected ${response.status}: ${body}`)
    if (response.headers.get('idempotent-replayed') === 'true') figures.replays++
    else figures.fresh++
    return body
  }
  throw new Error(`key ${key} got no answer in 60 attempts`)
}

const cases: Array<[string, Service, (service: { url: string }) => Record<string, string>]> = [
  ['postgres', postgres, (service) => ({ BACKEND: 'postgres', DATABASE_URL: service.url })],
  ['redis', redis, (service) => ({ BACKEND: 'redis', REDIS_URL: service.url })],
]

describe.each(cases)(`${PROCESSES} server processes on one %s`, (name, service, env) => {
  it.skipIf(!('url' in service))(`${INTENTS} intents × ${CLIENTS_PER_INTENT} same-key clients through a dropping proxy: one effect per intent`, async () => {
    const started = await Promise.allSettled(Array.from({ length: PROCESSES }, (_, i) => spawnApp({ ...env(service as { url: string }), NAME: `p${i}`, PREFIX: `mp-${name}` })))
    const apps = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
    if (apps.length < PROCESSES) {
      // Never leave a started process behind.
      await Promise.all(apps.map((app) => stop(app.child)))
      throw (started.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason
    }
    const proxy = await startFaultProxy(apps.map((app) => app.url), seeded(name === 'postgres' ? 11 : 12))
    try {
      const figures: ClientFigures = { sent: 0, networkErrors: 0, busy409: 0, fresh: 0, replays: 0 }
      const keys = Array.from({ length: INTENTS }, () => crypto.randomUUID())
      const answers = await Promise.all(keys.map((key, i) => Promise.all(Array.from({ length: CLIENTS_PER_INTENT }, () => payUntilAnswered(proxy.url, key, i + 1, figures)))))
      const effects = (await (await fetch(`${apps[0]!.url}/effects`)).json()) as { total: number; perKey: Record<string, number> }
      const servedBy = new Set(answers.flat().map((body) => (JSON.parse(body) as { server: string }).server))

      console.log(`[multi-process] ${name}: ${PROCESSES} processes, ${INTENTS} intents × ${CLIENTS_PER_INTENT} clients; proxy saw ${proxy.figures.requests} requests, dropped ${proxy.figures.droppedBefore} before and ${proxy.figures.droppedAfter} answers after the app acted; clients: ${figures.sent} sent, ${figures.networkErrors} network errors, ${figures.busy409} × 409, ${figures.fresh} fresh 201, ${figures.replays} replays; effects ${effects.total} for ${INTENTS} intents; answers came from ${[...servedBy].sort().join(', ')}`)
      expect(effects.total).toBe(INTENTS)
      expect(keys.map((key) => effects.perKey[key])).toEqual(keys.map(() => 1))
      for (const bodies of answers) expect(new Set(bodies).size).toBe(1) // every client of an intent got the same answer
      expect(proxy.figures.droppedAfter).toBeGreaterThan(0)
      expect(servedBy.size).toBe(PROCESSES)
    } finally {
      await proxy.close()
      await Promise.all(apps.map((app) => stop(app.child)))
    }
  }, 60_000)
})
