import { afterEach } from 'vitest'
import { startServer, type RunningServer, type ServerOptions } from '../../../demo/server/server.js'
import type { PaymentProvider } from '../../../demo/server/shop.js'

/** Servers started by a test, closed after it whatever happened. */
const running = new Set<RunningServer>()
afterEach(async () => {
  await Promise.all([...running].map((server) => server.close()))
  running.clear()
})

/** Starts a real loopback server (in-memory store unless told otherwise), closed after the test. */
export async function serve(options: ServerOptions = {}): Promise<RunningServer> {
  const server = await startServer({ dataDir: 'memory', ...options })
  running.add(server)
  return server
}

/** A valid order body; `overrides` change what a test cares about. */
export function order(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { cartId: 'cart-42', items: [{ sku: 'MUG-1', name: 'Mug', qty: 2, price: 12.5 }], amount: 25, currency: 'EUR', ...overrides }
}

/** An answer as a test looks at it. */
export interface Answer {
  status: number
  headers: Headers
  body: any
}

/**
 * POSTs an order the way the SDK would: quoted key unless `key` is given raw
 * with quotes, `null` for no header at all.
 */
export async function postOrder(url: string, key: string | null, body: unknown = order(), headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${url}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'idempotency-key': key }), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: response.status, headers: response.headers, body: await response.json() }
}

/** Like {@link postOrder}, but resolves to `'network-error'` when the socket dies unanswered. */
export async function postOrderOrDrop(url: string, key: string, body: unknown = order()): Promise<Answer | 'network-error'> {
  try {
    return await postOrder(url, key, body)
  } catch (error) {
    if (error instanceof TypeError) return 'network-error' // undici: "fetch failed", cause: socket closed
    throw error
  }
}

/** GET a JSON API route. */
export async function getJson(url: string, path: string): Promise<any> {
  const response = await fetch(`${url}${path}`)
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`)
  return response.json()
}

/** POST a JSON API route and return status and body. */
export async function postJson(url: string, path: string, body: unknown): Promise<Answer> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: response.status, headers: response.headers, body: await response.json() }
}

/**
 * A payment provider that holds every charge until `open()`: the way to keep a
 * request "in progress" without sleeping. `entered` resolves when the first
 * request reaches the provider (its key is claimed by then).
 */
export function heldProvider(): { provider: PaymentProvider; entered: Promise<void>; open(): void } {
  let open!: () => void
  let enter!: () => void
  const released = new Promise<void>((resolve) => (open = resolve))
  const entered = new Promise<void>((resolve) => (enter = resolve))
  return {
    provider: async () => {
      enter()
      await released
    },
    entered,
    open,
  }
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2026, 0, 1)): { now: () => number; advance(ms: number): void } {
  let time = start
  return { now: () => time, advance: (ms) => void (time += ms) }
}

/** mulberry32: a seeded generator, so random chaos is the same on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
