import 'fake-indexeddb/auto'
import { createStore } from 'idb-keyval'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, vi } from 'vitest'
import { createClient, indexedDbStore, type ClientOptions, type OncelyClient, type OncelyEvent, type OnlineSource } from '../../src/index.js'
import { paymentServer } from './payments.js'

/** Clients made in the current test: closed after it, so no background try outlives its test. */
const clients = new Set<OncelyClient>()

/** Closes `api` after the current test (`client()` does this for the clients it makes). */
export function closeAfterTest<T extends OncelyClient>(api: T): T {
  clients.add(api)
  return api
}

/** msw on for the file, one fresh payment server per test through `use()`. */
export function network() {
  const server = setupServer()
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => {
    for (const api of clients) api.close()
    clients.clear()
    server.resetHandlers()
  })
  afterAll(() => server.close())
  return {
    /** A fresh payment API for this test. */
    payments(options?: Parameters<typeof paymentServer>[1]) {
      const pay = paymentServer(undefined, options)
      server.use(pay.handler)
      return pay
    },
    server,
  }
}

let db = 0
/** A fresh IndexedDB (fake-indexeddb) per call: idb-keyval caches its default store, so tests name their own. */
export const freshDb = () => createStore(`oncely-test-${++db}`, 'intents')

/** A client as an app would make it, on a given IndexedDB, with fast deterministic retries. */
export function client(options: ClientOptions & { db?: ReturnType<typeof createStore> } = {}) {
  const { db: database = freshDb(), retry = {}, ...rest } = options
  const api = closeAfterTest(createClient({
    prefixUrl: 'http://api.test',
    store: indexedDbStore(database),
    ...rest,
    retry: { delay: 1, ...(typeof retry === 'number' ? { limit: retry } : retry) },
  }))
  const events: OncelyEvent[] = []
  api.subscribe(event => events.push(event))
  return { api, events, db: database, types: () => events.map(e => e.type) }
}

/** An online source the test switches by hand. */
export function switchableOnline(initially = true): OnlineSource & { set(online: boolean): void } {
  let online = initially
  const listeners = new Set<(online: boolean) => void>()
  return {
    isOnline: () => online,
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    set(next) {
      online = next
      for (const listener of listeners) listener(next)
    },
  }
}

export const cart = { cartId: 'c42', items: [{ sku: 'laptop', qty: 1, price: 55000 }], amount: 60000 }

/**
 * Lets real I/O (fake-indexeddb, msw, the store's retry pauses) run until `condition` holds,
 * without moving fake clocks: `vi.waitFor` would advance them and blur the delays a test measures.
 */
export async function until(condition: () => boolean, budgetMs = 5000): Promise<void> {
  const started = performance.now()
  while (performance.now() - started < budgetMs) {
    if (condition()) return
    await new Promise(resolve => setImmediate(resolve))
  }
  throw new Error(`until: condition still false after ${budgetMs} ms`)
}

/**
 * Runs `work` to its end on fake timers: real I/O first (IndexedDB, msw), and the next fake timer
 * only when nothing else can run, so retries, timeouts and pauses cost no wall time.
 */
export async function drive<T>(work: Promise<T>): Promise<T> {
  let done = false
  void work.then(() => (done = true), () => (done = true))
  while (!done) {
    for (let turn = 0; turn < 30 && !done; turn++) await new Promise(resolve => setImmediate(resolve))
    if (!done) await vi.advanceTimersToNextTimerAsync()
  }
  return work
}

/** Runs fake time forward in steps, with the real I/O (IndexedDB, msw) of each step run in between. */
export async function runFor(ms: number, step = 100): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await vi.advanceTimersByTimeAsync(step)
    for (let i = 0; i < 10; i++) await new Promise(resolve => setImmediate(resolve))
  }
}
