import { randomUUID } from 'node:crypto'
import ky from 'ky'
import { createClient, memoryStore } from '../src/index.js'
import { abab, countingStore, summariseCounts, type Paired } from './abab.js'
import { orderFor } from './clients.js'
import { defaultMix } from './faults.js'
import type { RemoteServer } from './remote.js'
import { quantile, round } from './stats.js'

export interface OverheadFigures {
  runtime: string
  store: string
  iterations: number
  bareP50: number
  bareP99: number
  oncelyP50: number
  oncelyP99: number
  addedP50: number
  addedP99: number
  /** Median of the per-pair differences: robust to drift that hits one pair. */
  addedPairedMedian: number
  ratioP50: number
  counts: ReturnType<typeof summariseCounts>
}

/** p50/p99 of both sides and the added latency, ms. */
export function summarise(runtime: string, store: string, paired: Paired, counts: OverheadFigures['counts']): OverheadFigures {
  const q = (values: number[], at: number) => quantile(values, at)
  const diffs = paired.oncely.map((value, i) => value - paired.bare[i]!)
  return {
    runtime,
    store,
    iterations: paired.bare.length,
    bareP50: round(q(paired.bare, 0.5), 3),
    bareP99: round(q(paired.bare, 0.99), 3),
    oncelyP50: round(q(paired.oncely, 0.5), 3),
    oncelyP99: round(q(paired.oncely, 0.99), 3),
    addedP50: round(q(paired.oncely, 0.5) - q(paired.bare, 0.5), 3),
    addedP99: round(q(paired.oncely, 0.99) - q(paired.bare, 0.99), 3),
    addedPairedMedian: round(q(diffs, 0.5), 3),
    ratioP50: round(q(paired.oncely, 0.5) / q(paired.bare, 0.5), 2),
    counts,
  }
}

/**
 * Bare ky POST against oncely's `api.post` with an intent (memory store), same loopback server,
 * no faults. The bare call sends a random key too, so the server does the same work for both.
 */
export async function nodeOverhead(server: RemoteServer, iterations: number, warmup: number): Promise<OverheadFigures> {
  await server.configure({ plan: { seed: 1, p: 0, mix: defaultMix }, t0: Date.now(), outage: null, slowMs: 0 })
  const bare = async (i: number) => {
    const res = await ky.post(`${server.url}/bare/orders`, { json: orderFor(i), headers: { 'idempotency-key': `"${randomUUID()}"` } })
    await res.json()
  }
  const api = createClient({ prefixUrl: `${server.url}/oncely`, store: memoryStore() })
  const oncely = async (i: number) => {
    const res = await api.post('orders', { json: orderFor(i), intent: `overhead:${i}` })
    await res.json()
  }
  const paired = await abab(iterations, warmup, bare, oncely, () => performance.now())

  // Store writes are counted in a separate pass, so the wrapper costs nothing in the timed one.
  const counter = countingStore(memoryStore(), () => globalThis.fetch)
  const counted = createClient({ prefixUrl: `${server.url}/oncely`, store: counter.store, fetch: counter.fetch })
  const calls = []
  for (let i = 0; i < 50; i++) {
    counter.reset()
    await (await counted.post('orders', { json: orderFor(i), intent: `counted:${i}` })).json()
    calls.push(counter.read())
  }
  return summarise('node ' + process.version, 'memory', paired, summariseCounts(calls))
}
