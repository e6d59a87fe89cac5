import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { monitorEventLoopDelay } from 'node:perf_hooks'
// The demo's shop on oncely/server (the fake server that counts effects is shared, not
// re-written): key → stored answer, 409 for a key in progress, a ledger of charges.
import { createShop, type Shop } from '../../demo/server/shop.js'
import { seeded } from './arrivals.js'
import type { Scenario } from './metrics.js'
import { Promised, retryAfterFor, type ShedPolicy } from './shed.js'

/** One phase as the server sees it: the scenario, when it starts (epoch ms), and its lanes. */
export interface PhaseConfig {
  t0: number
  scenario: Scenario
  lanes: Array<{ name: string; shed: ShedPolicy }>
}

/** What one lane's server saw, per second since t0 and per intent (the body's `cartId`). */
export interface LaneCounts {
  perSecond: { requests: number[]; charges: number[]; sheds: number[]; outage: number[]; replays: number[]; conflicts: number[]; lost: number[] }
  charges: number[]
  /** ms since t0 of the intent's first charge; null if never. */
  firstCharge: Array<number | null>
  keyless: number
}

export interface PhaseStats {
  lanes: Record<string, LaneCounts>
  /** The server's own event-loop delay over the phase, ms: a lagging server would delay answers. */
  lag: { p99: number; max: number }
}

interface Lane {
  shop: Promise<Shop>
  shed: ShedPolicy
  book: Promised
  tokens: number
  refilled: number
  counts: LaneCounts
}

const ORDER_PATH = /^\/([a-z0-9-]+)\/orders$/
const bump = (series: number[], s: number) => {
  while (series.length <= s) series.push(0)
  series[s]!++
}

/**
 * A loopback payment API for a population: one lane per client kind (`POST /<lane>/orders`),
 * each with its own idempotent ledger, a token bucket at the scenario's capacity (beyond it, 503
 * with a Retry-After from shed.ts), the outage (connections reset, or 503 + Retry-After), and
 * per-second counters. Seeded: the same phase draws the same Retry-Afters and lost answers.
 */
export async function startPopulationServer() {
  let phase: PhaseConfig | undefined
  let lanes = new Map<string, Lane>()
  let random = seeded(1)
  const lag = monitorEventLoopDelay({ resolution: 10 })

  const answer = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    if (res.destroyed) return
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers })
    res.end(body)
  }
  const shed = (res: ServerResponse, lane: Lane, s: number) => {
    const after = retryAfterFor(lane.shed, lane.book, s, phase!.scenario.drainRate, random)
    answer(res, 503, '{"title":"busy"}', { 'retry-after': String(after) })
  }

  async function handle(req: IncomingMessage, res: ServerResponse, lane: Lane): Promise<void> {
    const { t0, scenario } = phase!
    const elapsed = Date.now() - t0
    const s = Math.max(0, Math.floor(elapsed / 1000))
    const { perSecond } = lane.counts
    bump(perSecond.requests, s)
    const down = scenario.outage && elapsed >= scenario.outage.start && elapsed < scenario.outage.end
    if (down && scenario.outage!.kind === 'reset') {
      bump(perSecond.outage, s)
      return void req.socket.destroy()
    }
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    if (down) {
      bump(perSecond.outage, s)
      return shed(res, lane, s)
    }
    const now = performance.now()
    lane.tokens = Math.min(scenario.burst, lane.tokens + ((now - lane.refilled) * scenario.capacity) / 1000)
    lane.refilled = now
    if (lane.tokens < 1) {
      bump(perSecond.sheds, s)
      return shed(res, lane, s)
    }
    lane.tokens -= 1
    const body = Buffer.concat(chunks).toString('utf8')
    const header = req.headers['idempotency-key']
    const key = Array.isArray(header) ? header[0] : header
    // No key: the API cannot deduplicate, so every request is a new payment (as Stripe's is).
    if (!key) lane.counts.keyless++
    const request = new Request('http://bench.local/api/orders', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key || `"${randomUUID()}"` }, body })
    const shop = await lane.shop
    const response = await shop.orders(request)
    const result = { outcome: shop.outcomeOf(request), status: response.status, body: await response.text(), headers: Object.fromEntries(response.headers) }
    if (result.outcome === 'charged') {
      bump(perSecond.charges, s)
      const intent = Number((JSON.parse(body) as { cartId: string }).cartId)
      lane.counts.charges[intent] = (lane.counts.charges[intent] ?? 0) + 1
      lane.counts.firstCharge[intent] ??= elapsed
    }
    if (result.outcome === 'replayed') bump(perSecond.replays, s)
    if (result.outcome === '409') bump(perSecond.conflicts, s)
    // An answer lost after the server acted: the client cannot tell it from a failure.
    if (random() < scenario.lostAnswers) {
      bump(perSecond.lost, s)
      return void req.socket.destroy()
    }
    answer(res, result.status, result.body, result.headers)
  }

  const server = createServer((req, res) => {
    const match = ORDER_PATH.exec((req.url ?? '/').split('?')[0]!)
    const lane = match && lanes.get(match[1]!)
    if (req.method !== 'POST' || !lane || !phase) return answer(res, 404, '{"title":"not found"}')
    handle(req, res, lane).catch(error => {
      console.error('population server:', error)
      answer(res, 500, '{"title":"internal error"}')
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    /** Starts a phase: fresh ledgers, full token buckets, an empty book of promised returns. */
    configure(next: PhaseConfig) {
      phase = next
      random = seeded(next.scenario.seed ^ 0x5eed)
      lanes = new Map(next.lanes.map(({ name, shed }) => [name, {
        shop: createShop({ backend: { kind: 'memory' } }),
        shed,
        book: new Promised(),
        tokens: next.scenario.burst,
        refilled: performance.now(),
        counts: { perSecond: { requests: [], charges: [], sheds: [], outage: [], replays: [], conflicts: [], lost: [] }, charges: [], firstCharge: [], keyless: 0 },
      }]))
      lag.reset()
      lag.enable()
    },
    stats(): PhaseStats {
      lag.disable()
      const counts = Object.fromEntries([...lanes].map(([name, lane]) => [name, { ...lane.counts, firstCharge: Array.from(lane.counts.firstCharge, v => v ?? null) }]))
      return { lanes: counts, lag: { p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 } }
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
  }
}

export type PopulationServer = Awaited<ReturnType<typeof startPopulationServer>>
