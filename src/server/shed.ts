import { problemResponse, problemTypes } from './problem.js'

/**
 * Load shedding that helps a population of clients. A server that sheds load
 * with one constant `Retry-After` sends every refused client back at the same
 * second, and the herd hits again. Here each refusal gets a `Retry-After`
 * drawn uniformly over [1, window] seconds, and the window grows with the
 * overload, so the refused demand comes back spread over the time the server
 * needs to drain it.
 */

/**
 * The drain window in whole seconds: how long `capacity` requests per second
 * need to absorb `excess` refused requests, at least 1, at most `max`. Pure.
 *
 * @example
 * drainWindow(500, 100) // 5: 500 refused at 100/s drain in 5 s
 */
export function drainWindow(excess: number, capacity: number, max = 60): number {
  if (!(capacity > 0)) return max
  return Math.min(max, Math.max(1, Math.ceil(Math.max(0, excess) / capacity)))
}

/**
 * A `Retry-After` uniformly random over the whole seconds 1 … `window`. Pure:
 * randomness comes in.
 *
 * @example
 * spreadRetryAfter(5, Math.random) // 1, 2, 3, 4 or 5, each as likely
 */
export function spreadRetryAfter(window: number, random: () => number): number {
  const seconds = Math.max(1, Math.floor(window))
  return Math.min(seconds, 1 + Math.floor(random() * seconds))
}

/**
 * The 503 of a shed request: problem+json with a spread `Retry-After`.
 *
 * @example
 * return overloaded(drainWindow(refused, capacity), Math.random)
 */
export function overloaded(window: number, random: () => number): Response {
  const retryAfter = spreadRetryAfter(window, random)
  const detail = `The server is over capacity. Retry after ${retryAfter} s with the same Idempotency-Key; nothing was done.`
  return problemResponse({ type: problemTypes.overloaded, title: 'Service unavailable: overloaded', status: 503, detail, retryAfter }, { 'Retry-After': String(retryAfter) })
}

/** Options of {@link shed}. */
export interface ShedOptions {
  /** Requests handled at once; the next one is refused with 503. */
  maxConcurrent: number
  /** Longest drain window, seconds (default 60). */
  maxWindow?: number
  /** Clock in ms, looked up per call (default `Date.now`). */
  now?: () => number
  /** Randomness for the spread (default `Math.random`), looked up per call. */
  random?: () => number
}

/**
 * A concurrency limit in front of a handler (put it outside `idempotent()`, so
 * a shed request never claims its key). Past `maxConcurrent` requests in
 * flight it answers 503 with `Retry-After` spread over a drain window sized by
 * the refusals of the last second against the completions of the last second.
 *
 * @example
 * const handler = shed(idempotent(pay, { store }), { maxConcurrent: 200 })
 */
export function shed<Args extends unknown[]>(handler: (request: Request, ...args: Args) => Promise<Response>, options: ShedOptions): (request: Request, ...args: Args) => Promise<Response> {
  if (!(Number.isInteger(options.maxConcurrent) && options.maxConcurrent > 0)) throw new TypeError(`shed: maxConcurrent must be a positive integer, got ${String(options.maxConcurrent)}`)
  const now = () => (options.now ?? Date.now)()
  const random = () => (options.random ?? Math.random)()
  let inFlight = 0
  // Two one-second buckets: the current second and the last full one.
  let second = Math.floor(now() / 1000)
  let refused = [0, 0]
  let completed = [0, 0]
  const roll = () => {
    const current = Math.floor(now() / 1000)
    if (current === second) return
    const gap = current - second
    refused = gap === 1 ? [0, refused[0]!] : [0, 0]
    completed = gap === 1 ? [0, completed[0]!] : [0, 0]
    second = current
  }
  return async (request, ...args) => {
    roll()
    if (inFlight >= options.maxConcurrent) {
      refused[0]!++
      // Capacity: what the server finished in the last second, never less than its concurrency.
      const capacity = Math.max(options.maxConcurrent, completed[1]!)
      return overloaded(drainWindow(refused[0]! + refused[1]!, capacity, options.maxWindow ?? 60), random)
    }
    inFlight++
    try {
      return await handler(request, ...args)
    } finally {
      inFlight--
      roll()
      completed[0]!++
    }
  }
}
