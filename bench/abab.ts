// Shared by the Node run and the Chromium page (bundled into it): no Node or DOM imports here.
import type { IntentStore } from '../src/store/types.js' // a type only: erased in the bundle

/** Latencies of the two sides of an interleaved comparison, ms. */
export interface Paired {
  bare: number[]
  oncely: number[]
}

/**
 * Runs `bare` and `oncely` alternately, AB then BA, so drift (GC, JIT, a busy neighbour) hits both
 * sides alike. The first `warmup` pairs are not recorded.
 */
export async function abab(
  iterations: number,
  warmup: number,
  bare: (i: number) => Promise<unknown>,
  oncely: (i: number) => Promise<unknown>,
  now: () => number,
): Promise<Paired> {
  const out: Paired = { bare: [], oncely: [] }
  const time = async (run: (i: number) => Promise<unknown>, i: number): Promise<number> => {
    const start = now()
    await run(i)
    return now() - start
  }
  for (let i = 0; i < warmup + iterations; i++) {
    let a: number
    let b: number
    if (i % 2 === 0) {
      a = await time(bare, i)
      b = await time(oncely, i)
    } else {
      b = await time(oncely, i)
      a = await time(bare, i)
    }
    if (i >= warmup) {
      out.bare.push(a)
      out.oncely.push(b)
    }
  }
  return out
}

/** Store operations seen around one call; `beforeSend` is frozen when the first request leaves. */
export interface StoreCounts {
  reads: number
  writes: number
}

type MinimalStore = IntentStore

/**
 * Wraps a store to count its reads and writes, and a `fetch` that snapshots the counts when the
 * first request of a call is handed to the network: a write finished by then sat on the critical
 * path before the first byte.
 */
export function countingStore<S extends MinimalStore>(inner: S, fetchImpl: () => typeof fetch) {
  let counts: StoreCounts = { reads: 0, writes: 0 }
  let beforeSend: StoreCounts | undefined
  const store: MinimalStore = {
    name: inner.name,
    atomic: inner.atomic,
    get: async key => {
      const value = await inner.get(key)
      counts.reads++
      return value
    },
    update: async (key, updater) => {
      const value = await inner.update(key, updater)
      counts.writes++
      return value
    },
    delete: async key => {
      await inner.delete(key)
      counts.writes++
    },
    entries: async prefix => {
      const value = await inner.entries(prefix)
      counts.reads++
      return value
    },
  }
  const countingFetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    beforeSend ??= { ...counts }
    return fetchImpl()(input, init)
  }) as typeof fetch
  return {
    store: store as S,
    fetch: countingFetch,
    /** Starts counting one call. */
    reset() {
      counts = { reads: 0, writes: 0 }
      beforeSend = undefined
    },
    /** What one call did: before the first request left, and in all. */
    read(): { beforeSend: StoreCounts; total: StoreCounts } {
      return { beforeSend: beforeSend ?? { ...counts }, total: { ...counts } }
    },
  }
}

/** Summary of per-call store counts over many calls. */
export function summariseCounts(calls: Array<{ beforeSend: StoreCounts; total: StoreCounts }>) {
  const max = (pick: (call: (typeof calls)[number]) => number) => Math.max(...calls.map(pick))
  const avg = (pick: (call: (typeof calls)[number]) => number) => calls.reduce((sum, call) => sum + pick(call), 0) / calls.length
  return {
    calls: calls.length,
    writesBeforeFirstByteMax: max(call => call.beforeSend.writes),
    writesBeforeFirstByteMean: avg(call => call.beforeSend.writes),
    readsBeforeFirstByteMax: max(call => call.beforeSend.reads),
    writesPerIntentMean: avg(call => call.total.writes),
  }
}
