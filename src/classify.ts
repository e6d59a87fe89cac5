/** What one attempt's outcome means for the intent. */
export type Outcome = 'confirmed' | 'retry' | 'refused' | 'unknown'

/** Statuses that say "not now, try again with the same key" (409: the draft's "still in progress"). */
export const defaultRetryStatuses: readonly number[] = [408, 409, 425, 429, 500, 502, 503, 504]

/**
 * Classifies an answer. 2xx/3xx: the server acted. 409 always means "a request with this key is
 * in progress", so it is retried whatever the list says. Listed transient statuses: retry, except
 * a 5xx the server marks `Idempotent-Replayed`: it is the key's stored result, and asking again
 * only replays it. Other 4xx: the server refused this attempt. Other 5xx: failed in a way that
 * says nothing about whether it acted, and retrying will not tell, so the intent stays pending.
 */
export function classify(status: number, headers: Headers, retryStatuses: readonly number[]): Outcome {
  if (status >= 200 && status < 400) return 'confirmed'
  if (status === 409) return 'retry'
  if (status >= 500 && isReplayedHeader(headers)) return 'unknown'
  if (retryStatuses.includes(status)) return 'retry'
  return status < 500 ? 'refused' : 'unknown'
}

/** True when the server says this answer is its stored result for the key, not a new one. */
export const isReplayedHeader = (headers: Headers): boolean => headers.get('idempotent-replayed')?.trim() === 'true'

/**
 * Milliseconds a `Retry-After` value asks for (delta-seconds or HTTP-date), or undefined if unusable.
 */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
