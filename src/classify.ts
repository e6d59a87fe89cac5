/** What one attempt's outcome means for the intent. */
export type Outcome = 'confirmed' | 'retry' | 'rejected' | 'unknown'

/** Statuses that say "not now, try again with the same key" (409: the draft's "still in progress"). */
export const defaultRetryStatuses: readonly number[] = [408, 409, 425, 429, 500, 502, 503, 504]

/**
 * Classifies an HTTP status. 2xx/3xx: the server acted. Listed transient statuses: retry. Other 4xx
 * (422 included): the server refused and did not act. Other 5xx: it failed in a way that says nothing
 * about whether it acted, and retrying will not tell, so the intent stays pending.
 */
export function classifyStatus(status: number, retryStatuses: readonly number[]): Outcome {
  if (status >= 200 && status < 400) return 'confirmed'
  if (retryStatuses.includes(status)) return 'retry'
  if (status >= 400 && status < 500) return 'rejected'
  return 'unknown'
}

/**
 * Milliseconds a `Retry-After` value asks for (delta-seconds or HTTP-date), or undefined if unusable.
 * ky sleeps for it itself; this is parsed only to tell listeners when the next attempt comes.
 */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
