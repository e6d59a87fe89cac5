import { randomUUID } from 'node:crypto'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import ky from 'ky'
import { createClient, isIntentPendingError, memoryStore, type OncelyClient } from '../../src/index.js'
import { Arrivals } from './arrivals.js'
import { baselines, type BaselineRule } from './baselines.js'
import type { LaneRun, LaneSpec, Scenario } from './metrics.js'
import type { RemotePopulationServer } from './remote.js'

/** The driver's own health in a phase. A run whose driver lagged is not evidence. */
export interface DriverHealth {
  /** Event-loop delay, ms: p99 and max over the phase, and the worst second. */
  lag: { p99: number; max: number; perSecondMax: number[] }
  /** How late arrivals left against their Poisson schedule, ms. */
  lateness: { p99: number; max: number }
  /** Errors other than the expected ones (a bug in the driver or the client), by message. */
  unexpected: Record<string, number>
  /** The server process's event-loop delay, ms. */
  serverLag: { p99: number; max: number }
  thresholdMs: number
  discarded: boolean
  reason?: string
  wallMs: number
}

const order = (n: number) => ({ cartId: String(n), items: [{ sku: 'MUG-1', name: 'Mug', qty: 1, price: 12 }], amount: 12, currency: 'EUR' })
const timeout = 10_000 // every baseline gets ky's default per-attempt timeout, as oncely does

/** What one lane does with an arrival: `n` is the intent's number, `at` records outcomes (ms since t0). */
interface Population {
  send(n: number, client: number): Promise<void>
  /** Intents known settled (confirmed, or given up for good). */
  settled(): number
  close(): void
}

interface Record_ {
  confirmed: Float64Array
  endedPending: Float64Array
  done: Uint8Array
}

/**
 * oncely as browsers run it: one client per browser with its own store and namespace, default
 * options otherwise, and nothing but `api.post` per intent — no resume code: the client's
 * background resumer must finish what its calls leave pending.
 */
function oncelyPopulation(url: string, lane: LaneSpec, browsers: number, rec: Record_, since: () => number, unexpected: (e: unknown) => void): Population {
  const clients: OncelyClient[] = []
  let settled = 0
  const client = (k: number) => {
    if (clients[k]) return clients[k]!
    const api = createClient({ prefixUrl: `${url}/${lane.name}`, store: memoryStore(), namespace: `${lane.name}-${k}`, ...(lane.retry ? { retry: lane.retry } : {}) })
    api.subscribe(event => {
      if (event.type !== 'confirmed' || !event.intent) return
      const n = Number(event.intent.slice('order:'.length))
      if (rec.done[n]) return
      rec.done[n] = 1
      rec.confirmed[n] = since()
      settled++
    })
    return (clients[k] = api)
  }
  // Every browser exists from the start, as a population of open pages does.
  for (let k = 0; k < browsers; k++) client(k)
  return {
    async send(n, k) {
      try {
        await (await client(k).post('orders', { json: order(n), intent: `order:${n}` })).arrayBuffer()
      } catch (error) {
        if (isIntentPendingError(error)) rec.endedPending[n] = since()
        else unexpected(error)
      }
    },
    settled: () => settled,
    close: () => clients.forEach(api => api.close()),
  }
}

/** A baseline: every intent is one call that confirms or gives up; nothing after. */
function baselinePopulation(send: (n: number, signal: AbortSignal) => Promise<boolean>, rec: Record_, since: () => number, unexpected: (e: unknown) => void): Population {
  // One controller per call: thousands of listeners on one shared signal would cost (and warn).
  const live = new Set<AbortController>()
  let closed = false
  let settled = 0
  return {
    async send(n) {
      const stop = new AbortController()
      live.add(stop)
      let ok = false
      try {
        ok = await send(n, stop.signal)
      } catch (error) {
        if (!closed) unexpected(error)
      } finally {
        live.delete(stop)
      }
      if (closed) return
      if (ok) rec.confirmed[n] = since()
      else rec.endedPending[n] = since()
      rec.done[n] = 1
      settled++
    },
    settled: () => settled,
    close() {
      closed = true
      for (const stop of live) stop.abort()
    },
  }
}

const kyCall = (url: string) => async (n: number, signal: AbortSignal) => {
  try {
    await (await ky.post(url, { json: order(n), timeout, signal, retry: { limit: baselines.ky.attempts - 1, methods: ['post'], retryOnTimeout: true } })).arrayBuffer()
    return true
  } catch (error) {
    if (signal.aborted) throw error
    return false
  }
}

/** A fetch loop that follows a baseline's rule: its attempts, its waits, its keys. */
const fetchLoop = (url: string, rule: BaselineRule) => async (n: number, signal: AbortSignal) => {
  const body = JSON.stringify(order(n))
  const key = randomUUID()
  for (let attempt = 1; ; attempt++) {
    let retryAfter: number | undefined
    // An explicit per-attempt timer (bench/clients.ts found AbortSignal.any with a timeout unreliable on Node 20).
    const attemptStop = new AbortController()
    const abort = () => attemptStop.abort(signal.reason)
    signal.addEventListener('abort', abort, { once: true })
    const timer = setTimeout(() => attemptStop.abort(new Error('timeout')), timeout)
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `"${rule.keyed ? key : randomUUID()}"` },
        body,
        signal: attemptStop.signal,
      })
      await res.arrayBuffer()
      if (res.ok) return true
      const after = Number(res.headers.get('retry-after'))
      if (res.headers.has('retry-after') && Number.isFinite(after)) retryAfter = after * 1000
    } catch (error) {
      if (signal.aborted) throw error
    } finally {
      clearTimeout(timer)
      signal.removeEventListener('abort', abort)
    }
    if (attempt >= rule.attempts) return false
    await new Promise(resolve => setTimeout(resolve, rule.delay(attempt, retryAfter, Math.random())))
    signal.throwIfAborted()
  }
}

/**
 * Runs one phase on loopback: every lane's population gets the same arrivals (seeded) against its
 * own lane of the server, all in this one process. Ends when every intent is settled after the
 * arrivals stop, or at `endMs`.
 */
export async function runLoopback(server: RemotePopulationServer, scenario: Scenario, lanes: LaneSpec[], thresholdMs: number): Promise<{ runs: LaneRun[]; health: DriverHealth }> {
  const arrivals = new Arrivals(scenario.rate, scenario.arrivalMs, scenario.clients, scenario.seed).all()
  const unexpectedCounts: Record<string, number> = {}
  const unexpected = (error: unknown) => {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    unexpectedCounts[message] = (unexpectedCounts[message] ?? 0) + 1
  }
  const t0 = Date.now() + 1500
  const since = () => Date.now() - t0
  const records = lanes.map(() => ({ confirmed: new Float64Array(arrivals.length).fill(Number.NaN), endedPending: new Float64Array(arrivals.length).fill(Number.NaN), done: new Uint8Array(arrivals.length) }))
  const populations = lanes.map((lane, i) => {
    const url = `${server.url}/${lane.name}/orders`
    if (lane.client === 'oncely') return oncelyPopulation(server.url, lane, scenario.clients, records[i]!, since, unexpected)
    if (lane.client === 'ky') return baselinePopulation(kyCall(url), records[i]!, since, unexpected)
    return baselinePopulation(fetchLoop(url, baselines[lane.client]), records[i]!, since, unexpected)
  })
  await server.configure({ t0, scenario, lanes: lanes.map(lane => ({ name: lane.name, shed: lane.server })) })

  const lag = monitorEventLoopDelay({ resolution: 10 })
  const second = monitorEventLoopDelay({ resolution: 10 })
  const perSecondMax: number[] = []
  const lateness: number[] = []
  const started = Date.now()
  await new Promise(resolve => setTimeout(resolve, t0 - Date.now()))
  lag.enable()
  second.enable()
  const sampler = setInterval(() => {
    perSecondMax.push(second.max / 1e6)
    second.reset()
  }, 1000)

  // Arrivals leave on their Poisson schedule; each is one call per lane, never awaited here.
  const calls: Array<Promise<void>> = []
  await new Promise<void>(resolve => {
    let next = 0
    const tick = () => {
      const now = since()
      for (; next < arrivals.length && arrivals[next]!.at <= now; next++) {
        const { at, client } = arrivals[next]!
        lateness.push(now - at)
        for (const population of populations) calls.push(population.send(next, client))
      }
      if (next === arrivals.length) return resolve()
      setTimeout(tick, Math.max(0, arrivals[next]!.at - since()))
    }
    tick()
  })
  // The tail: no new intents; the backlog is finished by the clients themselves, or the run ends.
  while (since() < scenario.endMs && populations.some(p => p.settled() < arrivals.length)) await new Promise(resolve => setTimeout(resolve, 250))
  clearInterval(sampler)
  lag.disable()
  second.disable()
  for (const population of populations) population.close()
  await Promise.race([Promise.allSettled(calls), new Promise(resolve => setTimeout(resolve, 2000))])
  const stats = await server.stats()

  const sorted = lateness.sort((a, b) => a - b)
  const lagP99 = lag.percentile(99) / 1e6
  const health: DriverHealth = {
    lag: { p99: lagP99, max: lag.max / 1e6, perSecondMax },
    lateness: { p99: sorted[Math.ceil(0.99 * sorted.length) - 1] ?? 0, max: sorted[sorted.length - 1] ?? 0 },
    unexpected: unexpectedCounts,
    serverLag: stats.lag,
    thresholdMs,
    discarded: lagP99 > thresholdMs || stats.lag.p99 > thresholdMs,
    wallMs: Date.now() - started,
  }
  if (health.discarded) health.reason = `event-loop delay p99 ${lagP99.toFixed(0)} ms (driver), ${stats.lag.p99.toFixed(0)} ms (server) > ${thresholdMs} ms`

  const seconds = Math.ceil(scenario.endMs / 1000)
  const fit = (series: number[] | undefined) => Array.from({ length: seconds }, (_, s) => series?.[s] ?? 0)
  const runs = lanes.map((lane, i): LaneRun => {
    const counts = stats.lanes[lane.name]!
    return {
      lane,
      perSecond: { requests: fit(counts.perSecond.requests), charges: fit(counts.perSecond.charges), sheds: fit(counts.perSecond.sheds), outage: fit(counts.perSecond.outage) },
      intents: {
        arrival: Float64Array.from(arrivals, a => a.at),
        firstCharge: Float64Array.from(arrivals, (_, n) => counts.firstCharge[n] ?? Number.NaN),
        charges: Int32Array.from(arrivals, (_, n) => counts.charges[n] ?? 0),
        confirmed: records[i]!.confirmed,
        endedPending: records[i]!.endedPending,
      },
    }
  })
  return { runs, health }
}
