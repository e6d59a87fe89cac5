/**
 * A discrete-event model of a population of clients through an outage, at any scale (1M browsers
 * in seconds). It runs oncely's client rules with the library's own code where it is pure —
 * `nextDelay` and the schedule, the option defaults as `normalizeOptions` makes them — and
 * re-states only the loop around them, as `transport.ts`, `intent.ts` and `resumer.ts` run it:
 *
 * - a call: the first attempt, then retries after `nextDelay`; answers that tell the client to wait
 *   (503 + Retry-After) spend no attempt, and count as `told` in a row; `retry.limit` failures or
 *   the `deadline` end the call pending (`IntentPendingError`);
 * - then background tries, one failed attempt each (told answers inside a try wait as in a call,
 *   up to the deadline); the next try comes when the retry the deadline cut was due, else after
 *   `nextDelay(failures: attempts so far, failingFor: age, told: Infinity)`;
 * - a confirmation on a browser wakes its other waiting intents once each, at random within how
 *   long each has been failing (at least `wake`, at most 30 s).
 *
 * Left out, because the loopback server never does them: per-attempt timeouts (no answer is
 * slow), 409 in progress (one flight per intent), network latency (about 1 ms on loopback), and the
 * client clock's anchoring to the server's whole-second `Date` (under 1 s of error on ages).
 * The baselines follow `baselines.ts`. The server is the loopback server's rules: a token bucket
 * at `capacity`, 503 + Retry-After from `shed.ts` beyond it, an outage by resets or by 503.
 */
import { createEmitter } from '../../src/events.js'
import { normalizeOptions } from '../../src/options.js'
import { nextDelay } from '../../src/schedule.js'
import { memoryStore } from '../../src/store/memory.js'
import { Arrivals, seeded } from './arrivals.js'
import { baselines } from './baselines.js'
import { EventHeap } from './heap.js'
import type { LaneRun, LaneSpec, Scenario } from './metrics.js'
import { Promised, retryAfterFor } from './shed.js'

/** oncely's defaults as `createClient` normalises them: read from the library, never copied. */
export function clientDefaults() {
  const config = normalizeOptions({ store: memoryStore() }, createEmitter())
  const { limit, statusCodes: _statuses, retryOnTimeout: _timeouts, ...schedule } = config.retry
  return { schedule, limit, deadline: config.deadline, wake: config.background!.wake }
}
const defaults = clientDefaults()

// Event kinds, in the low 3 bits of an event's tag; the rest is the intent's version at scheduling.
const ARRIVE = 0
const ATTEMPT = 1 // an attempt goes out
const TRY = 2 // a background try fires
const DEADLINE = 3 // a call's or a try's deadline

// What the server answered.
const OK = 0
const RESET = 1
const SHED = 2

// An intent's state.
const TRYING = 0 // in the app's call or a background try
const WAITING = 1 // pending, its next background try scheduled
const DONE = 2 // the client knows it is charged
const ABANDONED = 3 // a baseline gave up

const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T, n: number, fill?: number): T => {
  const b = new (a.constructor as new (n: number) => T)(n)
  if (fill !== undefined) b.fill(fill)
  b.set(a)
  return b
}

/** Changes to the client's rules that the model can try before anyone edits src/ (off by default: the model is the client as it is). */
export interface WhatIf {
  /** A told-to-wait answer waits at least what the schedule would wait for a failure of the same age, from the first tell on. */
  toldAtLeastSchedule?: boolean
}

/** Runs one lane of a scenario; `seed` draws the clients' jitter (the arrivals come from the scenario's seed). */
export function simulate(scenario: Scenario, lane: LaneSpec, seed = 1, whatIf: WhatIf = {}): LaneRun {
  const policy = { ...defaults.schedule, ...lane.retry }
  const { limit, deadline, wake } = defaults
  const rule = lane.client === 'oncely' ? undefined : baselines[lane.client]
  const keyed = lane.client === 'oncely' || rule!.keyed
  const random = seeded(seed * 7919 + 17)
  const serverRandom = seeded(scenario.seed ^ 0x5eed)
  const arrivals = new Arrivals(scenario.rate, scenario.arrivalMs, scenario.clients, scenario.seed)
  const { outage, capacity, burst, drainRate, lostAnswers, endMs } = scenario
  const seconds = Math.ceil(endMs / 1000)
  const perSecond = { requests: new Array<number>(seconds).fill(0), charges: new Array<number>(seconds).fill(0), sheds: new Array<number>(seconds).fill(0), outage: new Array<number>(seconds).fill(0) }

  // Per intent, in arrival order.
  let size = Math.ceil((scenario.rate * scenario.arrivalMs) / 1000 + 10 * Math.sqrt(scenario.rate * scenario.arrivalMs / 1000) + 64)
  let count = 0
  let client = new Int32Array(size)
  let arrival = new Float64Array(size)
  let state = new Uint8Array(size)
  let version = new Int32Array(size)
  let tries = new Int32Array(size) // numbers the call and each try, for their deadlines
  let attempts = new Int32Array(size) // the record's count: every attempt sent
  let failures = new Int32Array(size) // failures in this call or try (ky's count for the baselines)
  let told = new Int32Array(size) // answers in a row, in this call or try, that told it to wait
  let failedBefore = new Int32Array(size) // the record's attempts when this try began
  let inCall = new Uint8Array(size)
  let due = new Float64Array(size) // a waiting intent's next background try; a trying one's next attempt
  let woken = new Uint8Array(size) // woken once since it last failed (wake-ups are drawn once)
  let charges = new Int32Array(size)
  let firstCharge = new Float64Array(size).fill(Number.NaN)
  let confirmed = new Float64Array(size).fill(Number.NaN)
  let endedPending = new Float64Array(size).fill(Number.NaN)
  const more = () => {
    size *= 2
    client = grow(client, size)
    arrival = grow(arrival, size)
    state = grow(state, size)
    version = grow(version, size)
    tries = grow(tries, size)
    attempts = grow(attempts, size)
    failures = grow(failures, size)
    told = grow(told, size)
    failedBefore = grow(failedBefore, size)
    inCall = grow(inCall, size)
    due = grow(due, size)
    woken = grow(woken, size)
    charges = grow(charges, size)
    firstCharge = grow(firstCharge, size, Number.NaN)
    confirmed = grow(confirmed, size, Number.NaN)
    endedPending = grow(endedPending, size, Number.NaN)
  }

  // Per browser: the intents its resumer has waiting (for wake-ups).
  const resumerWaiting = new Map<number, Set<number>>()

  // The server.
  let tokens = burst
  let refilled = 0
  let retryAfter = 0
  const book = new Promised()
  const heap = new EventHeap()
  const at = (time: number, id: number, kind: number, tag = 0) => heap.push(time, id, (tag << 3) | kind)

  function serve(i: number, t: number): number {
    const s = Math.floor(t / 1000)
    perSecond.requests[s]!++
    if (outage && t >= outage.start && t < outage.end) {
      perSecond.outage[s]!++
      if (outage.kind === 'reset') return RESET
      retryAfter = retryAfterFor(lane.server, book, s, drainRate, serverRandom) * 1000
      return SHED
    }
    tokens = Math.min(burst, tokens + ((t - refilled) * capacity) / 1000)
    refilled = t
    if (tokens < 1) {
      perSecond.sheds[s]!++
      retryAfter = retryAfterFor(lane.server, book, s, drainRate, serverRandom) * 1000
      return SHED
    }
    tokens -= 1
    if (!keyed || charges[i] === 0) {
      charges[i]!++
      perSecond.charges[s]!++
      if (Number.isNaN(firstCharge[i]!)) firstCharge[i] = t
    }
    return lostAnswers > 0 && serverRandom() < lostAnswers ? RESET : OK
  }

  function send(i: number, t: number): void {
    attempts[i]!++
    const answer = serve(i, t)
    if (rule) return baselineAnswer(i, t, answer)
    if (answer === OK) return confirm(i, t)
    const failingFor = t - arrival[i]!
    if (answer === SHED) {
      // Told to wait: no attempt spent, counted in a row (transport.ts).
      told[i]!++
      const failing = { failures: failedBefore[i]! + Math.max(failures[i]!, 1), failingFor, retryAfter }
      let wait = nextDelay(policy, { ...failing, told: told[i]! }, random())
      if (whatIf.toldAtLeastSchedule) wait = Math.max(wait, nextDelay(policy, { ...failing, told: Number.POSITIVE_INFINITY }, random()))
      return later(i, t + wait)
    }
    told[i] = 0
    if (++failures[i]! > (inCall[i] ? limit : 0)) return endTry(i, t)
    later(i, t + nextDelay(policy, { failures: failedBefore[i]! + failures[i]!, failingFor }, random()))
  }
  function later(i: number, when: number): void {
    due[i] = when
    at(when, i, ATTEMPT, ++version[i]!)
  }

  function baselineAnswer(i: number, t: number, answer: number): void {
    if (answer === OK) {
      state[i] = DONE
      confirmed[i] = t
      return
    }
    if (++failures[i]! >= rule!.attempts) {
      state[i] = ABANDONED
      endedPending[i] = t
      return
    }
    at(t + rule!.delay(failures[i]!, answer === SHED ? retryAfter : undefined, random()), i, ATTEMPT, ++version[i]!)
  }

  // The call or try ends without an answer: the 'pending' event, and the resumer's track(). A
  // retry the deadline cut (`dueBefore`) is kept (the record's retryAt).
  function endTry(i: number, t: number, dueBefore = Number.NaN): void {
    version[i]!++
    tries[i]!++
    if (inCall[i]) endedPending[i] = t
    inCall[i] = 0
    state[i] = WAITING
    woken[i] = 0
    due[i] = dueBefore > t ? dueBefore : t + nextDelay(policy, { failures: attempts[i]!, failingFor: t - arrival[i]!, told: Number.POSITIVE_INFINITY }, random())
    at(due[i]!, i, TRY, version[i]!)
    const c = client[i]!
    const set = resumerWaiting.get(c)
    if (set) set.add(i)
    else resumerWaiting.set(c, new Set([i]))
  }

  function begin(i: number, t: number, call: boolean): void {
    state[i] = TRYING
    inCall[i] = call ? 1 : 0
    failures[i] = 0
    told[i] = 0
    failedBefore[i] = call ? 0 : attempts[i]!
    at(t + deadline, i, DEADLINE, ++tries[i]!)
    send(i, t)
  }

  function confirm(i: number, t: number): void {
    state[i] = DONE
    confirmed[i] = t
    version[i]!++
    tries[i]!++
    // The server answers again: this browser's waiting intents need not wait out their backoff.
    const c = client[i]!
    const set = resumerWaiting.get(c)
    if (!set) return
    for (const j of set) {
      if (woken[j]) continue
      const soon = t + random() * Math.min(30_000, Math.max(wake, t - arrival[j]!))
      if (soon < due[j]!) {
        woken[j] = 1
        due[j] = soon
        at(soon, j, TRY, ++version[j]!)
      }
    }
  }

  let next = arrivals.next()
  if (next) at(next.at, 0, ARRIVE)
  const event: [number, number, number] = [0, 0, 0]
  while (heap.pop(event)) {
    const [t, id, tag] = event
    if (t >= endMs) break
    const kind = tag & 7
    const v = tag >> 3
    switch (kind) {
      case ARRIVE: {
        if (count === size) more()
        const i = count++
        client[i] = next!.client
        arrival[i] = t
        if (rule) {
          state[i] = TRYING
          send(i, t)
        } else begin(i, t, true)
        next = arrivals.next()
        if (next) at(next.at, 0, ARRIVE)
        break
      }
      case ATTEMPT:
        if (v === version[id] && state[id] === TRYING) send(id, t)
        break
      case TRY:
        if (v !== version[id] || state[id] !== WAITING) break
        resumerWaiting.get(client[id]!)?.delete(id)
        if (resumerWaiting.get(client[id]!)?.size === 0) resumerWaiting.delete(client[id]!)
        begin(id, t, false)
        break
      case DEADLINE:
        if (v !== tries[id] || state[id] !== TRYING) break
        endTry(id, t, due[id])
        break
    }
  }

  return {
    lane,
    perSecond,
    intents: {
      arrival: arrival.slice(0, count),
      firstCharge: firstCharge.slice(0, count),
      charges: charges.slice(0, count),
      confirmed: confirmed.slice(0, count),
      endedPending: endedPending.slice(0, count),
    },
  }
}
