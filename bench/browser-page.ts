// Runs inside Chromium, bundled with the BUILT dist/index.js by browser.ts: the same ABAB loop as
// in Node, with the default store (IndexedDB) and, for comparison, the memory store.
import type KyDefault from 'ky'
import type * as Oncely from '../src/index.js'
import { abab, countingStore, summariseCounts, type Paired } from './abab.js'

export interface PageOptions {
  iterations: number
  warmup: number
  stores: Array<'indexeddb' | 'memory'>
}

export interface PageResult {
  store: string
  paired: Paired
  counts: ReturnType<typeof summariseCounts>
  /** `storage-degraded` events seen: non-zero would mean the row did not measure the store it names. */
  degraded: number
}

const order = (i: number) => ({ cartId: `intent-${i}`, items: [{ sku: 'MUG-1', name: 'Mug', qty: 1, price: 12 }], amount: 12, currency: 'EUR' })

export async function runPage(deps: { oncely: typeof Oncely; ky: typeof KyDefault }, options: PageOptions): Promise<PageResult[]> {
  const { oncely, ky } = deps
  const base = location.origin
  const bare = async (i: number) => {
    const res = await ky.post(`${base}/bare/orders`, { json: order(i), headers: { 'idempotency-key': `"${crypto.randomUUID()}"` } })
    await res.json()
  }
  const results: PageResult[] = []
  for (const store of options.stores) {
    let degraded = 0
    // A fresh namespace per run: no records of an earlier run in this profile.
    const namespace = `bench-${Date.now()}`
    const api = oncely.createClient({ prefixUrl: `${base}/oncely-${store}`, namespace, store: store === 'memory' ? oncely.memoryStore() : 'auto' })
    api.subscribe(event => void (event.type === 'storage-degraded' && degraded++))
    const run = async (i: number) => {
      const res = await api.post('orders', { json: order(i), intent: `overhead:${i}` })
      await res.json()
    }
    const paired = await abab(options.iterations, options.warmup, bare, run, () => performance.now())

    const counter = countingStore(store === 'memory' ? oncely.memoryStore() : oncely.indexedDbStore(), () => globalThis.fetch)
    const counted = oncely.createClient({ prefixUrl: `${base}/oncely-${store}`, namespace: `${namespace}-counted`, store: counter.store, fetch: counter.fetch })
    const calls = []
    for (let i = 0; i < 30; i++) {
      counter.reset()
      await (await counted.post('orders', { json: order(i), intent: `counted:${i}` })).json()
      calls.push(counter.read())
    }
    results.push({ store, paired, counts: summariseCounts(calls), degraded })
  }
  return results
}
