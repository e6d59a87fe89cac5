/**
 * When an intent that has no definitive answer yet is tried again. One pure policy for the retries
 * of a call and for the client's background tries after it, clock and randomness passed in.
 */
export interface SchedulePolicy {
  /** Quick retries for a blip: full jitter over `base · 2^(n-1)` ms for the first `quick` failures. */
  base: number
  quick: number
  /**
   * After those, the next try comes after `spread · failingFor` ms, jittered over ±50 %: an intent
   * that has failed for a minute waits about a minute, so a backlog built up over an outage of T
   * comes back spread over a window proportional to T, and no client needs to know the others.
   */
  spread: number
  /** Bounds on that delay, ms. */
  min: number
  max: number
  /** The longest `Retry-After` honoured, ms; a longer one is cut to this. */
  maxRetryAfter: number
}

export const defaultSchedule: SchedulePolicy = { base: 250, quick: 3, spread: 1, min: 1000, max: 5 * 60_000, maxRetryAfter: 10 * 60_000 }

/** What the schedule knows of one intent's failures. */
export interface Failing {
  /** Failed attempts so far (not counting the ones the server told to wait). */
  failures: number
  /** How long it has been failing: now minus its first attempt, ms. */
  failingFor: number
  /** The server's `Retry-After`, ms, when it asked for a pause. */
  retryAfter?: number | undefined
}

/** The delay before the next try. `random` is a draw in [0, 1). */
export function nextDelay(policy: SchedulePolicy, state: Failing, random: number): number {
  const { failures, failingFor, retryAfter } = state
  if (retryAfter !== undefined) {
    // Never exactly the server's N s for every client: up to a quarter more, at random.
    const asked = Math.min(retryAfter, policy.maxRetryAfter)
    return asked + random * Math.max(asked / 4, policy.base)
  }
  if (failures <= policy.quick) return random * policy.base * 2 ** (failures - 1)
  const spaced = policy.spread * failingFor * (0.5 + random)
  return Math.min(policy.max, Math.max(policy.min, spaced))
}
