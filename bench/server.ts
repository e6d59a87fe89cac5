import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
// The demo's shop on oncely/server (house rule: the fake server that counts effects is shared, not
// re-written), on its in-memory store: far above what the bench sends, so the bench only adds
// fault injection, the outage and counting around it.
import { createShop, type Shop } from '../demo/server/shop.js'
import { decideFault, type Fault, type FaultPlan } from './faults.js'

/** One chaos run as the server sees it. Times are epoch ms, so the client process agrees on them. */
export interface RunConfig {
  plan: FaultPlan
  /** When the run starts (second 0 of the request-rate buckets). */
  t0: number
  /** Every request is dropped in [start, end) ms after t0; none when null. */
  outage: { start: number; end: number } | null
  /** How long a slow answer waits after the charge (past the clients' timeout). */
  slowMs: number
}

/** What one client's lane of the server saw in a run. */
export interface LaneStats {
  requests: number
  /** Requests that arrived during the outage (all dropped). */
  outageRequests: number
  /** Requests per intent outside the outage (the attempts the fault sequence counted). */
  attempts: Record<string, number>
  /** Requests per 1 s bucket since t0, outage ones included. */
  buckets: number[]
  /** Charges per intent, from the engine's ledger. */
  charges: Record<string, number>
  faults: Record<Fault, number>
  /** Requests that came without an Idempotency-Key (the server then acts every time, as real APIs do). */
  keyless: number
}

interface Lane {
  shop: Promise<Shop>
  requests: number
  outageRequests: number
  attempts: Map<string, number>
  buckets: number[]
  faults: Record<Fault, number>
  keyless: number
}

const ORDER_PATH = /^\/([a-z0-9-]+)\/orders$/

const newLane = (): Lane => ({
  shop: createShop({ backend: { kind: 'memory' } }),
  requests: 0,
  outageRequests: 0,
  attempts: new Map(),
  buckets: [],
  faults: { none: 0, 'drop-before': 0, 'drop-after-commit': 0, slow: 0 },
  keyless: 0,
})

/** The intent number in a cart id `intent-<n>`; other ids get no faults. */
const intentNumber = (cartId: unknown): number | undefined => {
  const match = typeof cartId === 'string' ? /^intent-(\d+)$/.exec(cartId) : null
  return match ? Number(match[1]) : undefined
}

/**
 * A loopback payment API with one lane per client (`POST /<lane>/orders`): each lane has its own
 * ledger and the same fault sequence. Also serves static files for the browser page.
 */
export async function startChaosServer() {
  const lanes = new Map<string, Lane>()
  let run: RunConfig = { plan: { seed: 1, p: 0, mix: { dropAfterCommit: 1, dropBefore: 0, slow: 0 } }, t0: Date.now(), outage: null, slowMs: 0 }
  let files: Record<string, { type: string; body: string }> = {}
  const timers = new Set<NodeJS.Timeout>()

  const lane = (name: string): Lane => {
    let found = lanes.get(name)
    if (!found) lanes.set(name, (found = newLane()))
    return found
  }

  const answer = (res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) => {
    if (res.destroyed) return
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers })
    res.end(body)
  }
  // A dropped connection: the client sees a network error, never an answer.
  const drop = (req: IncomingMessage): void => void req.socket.destroy()

  async function handleOrder(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const state = lane(name)
    const elapsed = Date.now() - run.t0
    state.requests++
    if (elapsed >= 0) {
      const bucket = Math.floor(elapsed / 1000)
      while (state.buckets.length <= bucket) state.buckets.push(0)
      state.buckets[bucket]!++
    }
    if (run.outage && elapsed >= run.outage.start && elapsed < run.outage.end) {
      state.outageRequests++
      return drop(req)
    }
    let cartId: unknown
    try {
      cartId = (JSON.parse(body) as { cartId?: unknown }).cartId
    } catch {
      cartId = undefined
    }
    const id = typeof cartId === 'string' ? cartId : ''
    const attempt = state.attempts.get(id) ?? 0
    state.attempts.set(id, attempt + 1)
    const n = intentNumber(cartId)
    const fault = n === undefined ? 'none' : decideFault(run.plan, n, attempt)
    state.faults[fault]++
    if (fault === 'drop-before') return drop(req)

    const header = req.headers['idempotency-key']
    const keyHeader = Array.isArray(header) ? header[0] : header
    // No key: the API cannot deduplicate, so every request is a new payment (as Stripe's is).
    if (!keyHeader) state.keyless++
    const shop = await state.shop
    const response = await shop.orders(new Request(`http://bench.local/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': keyHeader || `"${randomUUID()}"` }, body }))
    const headers: Record<string, string> = {}
    response.headers.forEach((value, name) => void (headers[name] = value))
    const result = { status: response.status, body: await response.text(), headers }
    if (fault === 'drop-after-commit') return drop(req)
    const send = () => answer(res, result.status, headers['content-type'] ?? 'application/json', result.body, result.headers)
    if (fault !== 'slow') return send()
    const timer = setTimeout(() => {
      timers.delete(timer)
      send()
    }, run.slowMs)
    timers.add(timer)
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!
    const order = ORDER_PATH.exec(path)
    if (req.method === 'POST' && order) {
      handleOrder(req, res, order[1]!).catch(error => {
        console.error('bench server:', error)
        answer(res, 500, 'text/plain', 'internal error')
      })
      return
    }
    const file = files[path]
    // Cross-origin isolation gives the page performance.now() at 5 µs instead of 100 µs.
    const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
    if (req.method === 'GET' && file) return answer(res, 200, file.type, file.body, { 'cache-control': 'no-store', ...isolation })
    answer(res, 404, 'text/plain', 'not found')
  })
  // Keep-alive like a real API; drops still close the socket they hit.
  server.keepAliveTimeout = 30_000
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    /** Starts a run: fresh ledgers for every lane, the new fault plan and outage. */
    configure(next: RunConfig) {
      run = next
      lanes.clear()
    },
    async stats(): Promise<Record<string, LaneStats>> {
      const out: Record<string, LaneStats> = {}
      for (const [name, state] of lanes) {
        const charges: Record<string, number> = {}
        for (const charge of await (await state.shop).charges()) charges[charge.cartId] = (charges[charge.cartId] ?? 0) + 1
        out[name] = {
          requests: state.requests,
          outageRequests: state.outageRequests,
          attempts: Object.fromEntries(state.attempts),
          buckets: [...state.buckets],
          charges,
          faults: { ...state.faults },
          keyless: state.keyless,
        }
      }
      return out
    },
    setFiles(next: Record<string, { type: string; body: string }>) {
      files = next
    },
    async close() {
      for (const timer of timers) clearTimeout(timer)
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
  }
}

export type ChaosServer = Awaited<ReturnType<typeof startChaosServer>>
