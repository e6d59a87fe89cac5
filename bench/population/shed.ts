import { ReturnBook } from '../../src/server/shed.js'

/**
 * How a server that sheds load (or is down and says so with 503) picks `Retry-After`, so that
 * the clients it turns away come back at a rate it can take, however many they are. This mirrors
 * what `oncely/server`'s `shed()` does (its `ReturnBook`); the loopback server and the model both use it.
 *
 * The server keeps a book of promised returns per whole second. A client it turns away is given
 * the earliest second, from 1 s on, in which fewer than `drainRate` clients are already due back:
 * returns arrive at `drainRate` per second (capacity minus steady traffic), oldest first, spread
 * over the drain window. A constant `Retry-After: 1` brings all of them back in the same second,
 * every second.
 *
 * Drawing uniformly from [1, waiting / drainRate] looks like the same thing and is not: a client
 * waits half that window on average, so by Little's law they return at twice `drainRate`
 * (measured: 2.8× steady at a down server instead of 1.9×). It is kept as `'uniform'` to show it.
 */

/** `Retry-After` in whole seconds drawn uniformly from [1, the drain window]: for comparison only (see above). */
export function uniformRetryAfter({ waiting, drainRate, max = 600 }: { waiting: number; drainRate: number; max?: number }, random: number): number {
  const window = Math.min(max, Math.max(1, Math.ceil((waiting + 1) / Math.max(drainRate, 1e-9))))
  return 1 + Math.floor(random * window)
}

/** Which a lane's server uses: booked seconds (the recommendation), a uniform draw, or `Retry-After: 1`. */
export type ShedPolicy = 'spread' | 'uniform' | 'constant'

/**
 * The returns a lane's server has promised: `oncely/server`'s own book for the recommended policy,
 * and a count of who is still to come back, which the uniform draw sizes its window by.
 */
export class Promised {
  readonly returns = new ReturnBook()
  readonly #due: number[] = []
  #waiting = 0
  #now = 0

  /** Clients still to come back at `second` or later. */
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

/** `Retry-After` (s) for one shed request at `second`, written into `book`. */
export function retryAfterFor(policy: ShedPolicy, book: Promised, second: number, drainRate: number, random: () => number): number {
  const after =
    policy === 'constant' ? 1
    : policy === 'uniform' ? uniformRetryAfter({ waiting: book.waiting(second), drainRate }, random())
    : book.returns.promise(second, drainRate)
  book.add(second, after)
  return after
}
