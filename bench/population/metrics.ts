import type { SchedulePolicy } from '../../src/schedule.js'
import type { ClientKind } from './baselines.js'
import type { ShedPolicy } from './shed.js'

/** One population run's setting, the same for the loopback run and the model. Times are ms since the start. */
export interface Scenario {
  name: string
  clients: number
  /** Intents per second, Poisson. */
  rate: number
  /** Arrivals over [0, arrivalMs). */
  arrivalMs: number
  /** Measured until (the backlog's tail gets arrivalMs..endMs without new intents). */
  endMs: number
  outage: { start: number; end: number; kind: 'reset' | '503' } | null
  /** Requests/s the server serves (2 × rate); beyond it answers 503 with Retry-After. */
  capacity: number
  /** Token-bucket depth: requests it may take at once after a quiet spell. */
  burst: number
  /** Requests/s the server's spread Retry-After gives back to shed clients (capacity − rate). */
  drainRate: number
  /** Chance that an answer is lost after the server acted (a reset after the commit), outside the outage. */
  lostAnswers: number
  /** Seed of the arrivals (and of the server's draws). */
  seed: number
}

/** One lane: a population of one kind of client against its own server. */
export interface LaneSpec {
  name: string
  client: ClientKind
  /** How its server picks Retry-After when it sheds or is down by 503. */
  server: ShedPolicy
  /** oncely with other schedule parameters (the sweep); the library's defaults otherwise. */
  retry?: Partial<SchedulePolicy>
}

/** What one lane produced, loopback or model: the same shape, summarised by the same function. */
export interface LaneRun {
  lane: LaneSpec
  /** Per 1 s bucket since the start, at the server. */
  perSecond: { requests: number[]; charges: number[]; sheds: number[]; outage: number[] }
  intents: {
    arrival: Float64Array
    /** The server's first charge for the intent, ms; NaN if never. */
    firstCharge: Float64Array
    charges: Int32Array
    /** When the client learned the intent was charged (its call or, for oncely, a background try); NaN if never. */
    confirmed: Float64Array
    /** When the app's call ended without an answer: oncely's `IntentPendingError`, or a baseline giving up; NaN if not. */
    endedPending: Float64Array
  }
}

/** The figures for one lane. Multiples are of the nominal arrival rate. */
export interface Summary {
  lane: string
  client: ClientKind
  server: ShedPolicy
  retry?: Partial<SchedulePolicy> | undefined
  intents: number
  /** Requests/s before the outage ÷ rate (≈ 1 + lost answers retried). */
  steady: number
  /** Mean requests/s while down ÷ rate, and the busiest second while down. */
  down: number
  downMax: number
  /** Busiest second after recovery ÷ rate. */
  peak: number
  /** Intents that arrived during the outage, and s from recovery to their charge. */
  backlog: { intents: number; p50: number; p99: number; max: number; neverCharged: number }
  /** Of the outage's intents, calls that ended without an answer (oncely: told "still being confirmed"; others: gave up). */
  endedPending: number
  neverCharged: number
  /** Not known to the client as charged when the run ended (for oncely: still pending, the resumer still on it). */
  unconfirmedAtEnd: number
  duplicates: number
  /** Intents that hit the outage (arrived in it): time from arrival to the client's confirmation, s. */
  confirm: { p50: number; p99: number; max: number }
}

export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

const sortedOf = (values: number[]): Float64Array => Float64Array.from(values).sort()

/** Mean of `series` over whole seconds [from, to). */
export function meanOver(series: number[], from: number, to: number): number {
  let sum = 0
  for (let s = from; s < to; s++) sum += series[s] ?? 0
  return to > from ? sum / (to - from) : Number.NaN
}

export function summarize(scenario: Scenario, run: LaneRun): Summary {
  const { rate, outage } = scenario
  const { requests } = run.perSecond
  const { arrival, firstCharge, charges, confirmed, endedPending } = run.intents
  const start = outage ? outage.start / 1000 : scenario.arrivalMs / 1000
  const end = outage ? outage.end / 1000 : start
  const backlog: number[] = []
  const confirm: number[] = []
  let outageIntents = 0
  let outageNever = 0
  let outagePending = 0
  let never = 0
  let unconfirmed = 0
  let duplicates = 0
  for (let i = 0; i < arrival.length; i++) {
    if (charges[i]! > 1) duplicates += charges[i]! - 1
    if (Number.isNaN(firstCharge[i]!)) never++
    if (Number.isNaN(confirmed[i]!)) unconfirmed++
    if (!outage || arrival[i]! < outage.start || arrival[i]! >= outage.end) continue
    outageIntents++
    if (!Number.isNaN(endedPending[i]!)) outagePending++
    if (Number.isNaN(firstCharge[i]!)) outageNever++
    else backlog.push((firstCharge[i]! - outage.end) / 1000)
    if (!Number.isNaN(confirmed[i]!)) confirm.push((confirmed[i]! - arrival[i]!) / 1000)
  }
  const served = sortedOf(backlog)
  const confirmSorted = sortedOf(confirm)
  const after = requests.slice(Math.ceil(end))
  return {
    lane: run.lane.name,
    client: run.lane.client,
    server: run.lane.server,
    retry: run.lane.retry,
    intents: arrival.length,
    steady: meanOver(requests, 1, Math.floor(start)) / rate,
    down: outage ? meanOver(requests, start, end) / rate : Number.NaN,
    downMax: outage ? Math.max(...requests.slice(start, end)) / rate : Number.NaN,
    peak: Math.max(0, ...after) / rate,
    backlog: { intents: outageIntents, p50: quantile(served, 0.5), p99: quantile(served, 0.99), max: served.length ? served[served.length - 1]! : Number.NaN, neverCharged: outageNever },
    endedPending: outagePending,
    neverCharged: never,
    unconfirmedAtEnd: unconfirmed,
    duplicates,
    confirm: { p50: quantile(confirmSorted, 0.5), p99: quantile(confirmSorted, 0.99), max: confirmSorted.length ? confirmSorted[confirmSorted.length - 1]! : Number.NaN },
  }
}

/** Pearson's correlation of two series over their common length. */
export function pearson(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length)
  if (n < 2) return Number.NaN
  let ma = 0
  let mb = 0
  for (let i = 0; i < n; i++) {
    ma += a[i]!
    mb += b[i]!
  }
  ma /= n
  mb /= n
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma
    const db = b[i]! - mb
    sab += da * db
    saa += da * da
    sbb += db * db
  }
  return sab / Math.sqrt(saa * sbb)
}
