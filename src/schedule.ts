/**
 * When an intent that has no definitive answer yet is tried again: one pure policy for the
 * retries of a call and for the client's background tries after it, randomness passed in.
 * The reasoning, with figures, is in docs/schedule.md.
 */
export interface SchedulePolicy {
  /** Quick retries for a blip: the n-th waits a random time in [0, `delay` · 2^(n-1)) ms… */
  delay: number
  /** …for the first `quick` failures. */
  quick: number
  /**
   * Then the wait is `spread` × how long the intent has been failing, ±50 % at random, from
   * `delay` · 2^`quick` up to `backoffLimit` ms (where waits spread over its last two thirds): an
   * intent failing for a minute waits about a minute, so a backlog built up over an outage of T
   * comes back spread over a window proportional to T, with no client knowing about the others.
   */
  spread: number
  backoffLimit: number
  /** The longest `Retry-After` honoured, ms: a longer one is cut to this. */
  maxRetryAfter: number
}

// One quick retry within a second, then from 2 s on about the intent's age: a 2 s blip is confirmed
// within 3 s, and a population loads a down server least for it (docs/schedule.md, the sweep).
export const defaultSchedule: SchedulePolicy = { delay: 1000, quick: 1, spread: 1, backoffLimit: 5 * 60_000, maxRetryAfter: 10 * 60_000 }

/** What the schedule knows of one intent. */
export interface Failing {
  /** Failed attempts so far, this one included; answers that told the client to wait do not count. */
  failures: number
  /** How long it has been failing: now minus its first attempt, ms. */
  failingFor: number
  /** The server's `Retry-After`, ms, when it asked for a pause. */
  retryAfter?: number | undefined
  /** Answers in a row that told it to wait, this one included; `Infinity` (the floor is the aged wait) for a background try. */
  told?: number
}

/** The wait before the next try, ms. `random` is a draw in [0, 1). */
export function nextDelay(policy: SchedulePolicy, state: Failing, random: number): number {
  const { delay, quick, spread, backoffLimit, maxRetryAfter } = policy
  const { failures, failingFor, retryAfter, told = 1 } = state
  // The long regime: about `spread` × the intent's age, ±50 %, from the end of the quick retries.
  // The ceiling bounds the base at ⅔ of `backoffLimit`, so waits there still spread over [⅓, 1].
  const aged = () => Math.max(delay * 2 ** quick, Math.min(spread * failingFor, (backoffLimit * 2) / 3) * (0.5 + random))
  if (retryAfter !== undefined) {
    // As asked, plus up to a quarter more: never exactly N s for every client the server told.
    const asked = Math.min(retryAfter, maxRetryAfter)
    const jittered = asked + random * Math.max(asked / 4, delay)
    // A server that keeps telling the same intent to wait soon is not draining it (a constant
    // `Retry-After: 1` through an outage): past `quick` tells in a row, each doubles the least wait,
    // up to what a failure of the same age would wait. Not that wait at once: a server that books
    // returns may tell an intent twice, and making it wait its age then is the drain's long tail.
    return told <= quick ? jittered : Math.max(jittered, Math.min(aged(), delay * 2 ** (told - quick)))
  }
  if (failures <= quick) return random * delay * 2 ** (Math.max(failures, 1) - 1)
  return aged()
}
