/**
 * How a server that sheds load (or is down and says so with 503) picks `Retry-After`: spread
 * uniformly over the window in which it can take the waiting clients back, not one constant. This
 * mirrors what `oncely/server` will offer; the bench's loopback server and the model both use it.
 *
 * With `waiting` clients already told to come back and `drainRate` requests/s of room for them
 * (capacity minus steady traffic), they fit back in `waiting / drainRate` seconds. Each new one gets
 * a whole second drawn uniformly from [1, that window]: the returns arrive at about `drainRate` per
 * second however long the backlog, where a constant `Retry-After: 1` brings all of them back in the
 * same second, every second.
 */
export interface ShedView {
  /** Clients told to come back whose `Retry-After` has not elapsed yet. */
  waiting: number
  /** Requests/s the server can give back to them. */
  drainRate: number
  /** The longest `Retry-After`, s. Default 600 (oncely honours up to 10 min). */
  max?: number
}

/** `Retry-After` in whole seconds (the header's delta-seconds), from a draw in [0, 1). */
export function spreadRetryAfter({ waiting, drainRate, max = 600 }: ShedView, random: number): number {
  const window = Math.min(max, Math.max(1, Math.ceil((waiting + 1) / Math.max(drainRate, 1e-9))))
  return 1 + Math.floor(random * window)
}

/** What every client is told as today: `Retry-After: 1`. */
export const constantRetryAfter = (): number => 1

/** Which of the two a lane's server uses. */
export type ShedPolicy = 'spread' | 'constant'

/**
 * The server's own book of promised returns, per whole second: how many clients it told to come
 * back and are not due yet. Seconds are counted from the run's start.
 */
export class Promised {
  readonly #due: number[] = []
  #waiting = 0
  #now = 0

  /** Clients still to come back at `second` (the current second included). */
  waiting(second: number): number {
    for (; this.#now < second; this.#now++) this.#waiting -= this.#due[this.#now] ?? 0
    return this.#waiting
  }

  /** One more client told at `second` to come back `after` seconds later. */
  add(second: number, after: number): void {
    this.waiting(second)
    this.#due[second + after] = (this.#due[second + after] ?? 0) + 1
    this.#waiting++
  }
}

/** `Retry-After` for one shed request at `second`, booked in `book`. */
export function retryAfterFor(policy: ShedPolicy, book: Promised, second: number, drainRate: number, random: () => number): number {
  const after = policy === 'constant' ? constantRetryAfter() : spreadRetryAfter({ waiting: book.waiting(second), drainRate }, random())
  book.add(second, after)
  return after
}
