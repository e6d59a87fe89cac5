import 'fake-indexeddb/auto'
import { createStore } from 'idb-keyval'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { createClient, indexedDbStore, type ClientOptions, type OncelyEvent, type OnlineSource } from '../../src/index.js'
import { paymentServer } from './payments.js'

/** msw on for the file, one fresh payment server per test through `use()`. */
export function network() {
  const server = setupServer()
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => server.resetHandlers())
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
  const api = createClient({
    prefixUrl: 'http://api.test',
    store: indexedDbStore(database),
    ...rest,
    retry: { delay: 1, jitter: 'none', ...(typeof retry === 'number' ? { limit: retry } : retry) },
  })
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
