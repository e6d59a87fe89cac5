/**
 * Seeded randomness and the population's arrivals, shared by the loopback driver and the model so
 * both see the same shoppers at the same instants: the curves then differ only by the clients' own
 * jitter and by what the model leaves out.
 */

/** A seeded PRNG (mulberry32): draws in [0, 1). Deterministic per seed; not for cryptography. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** One shopper's intent: when it is made (ms since the run's start) and on which browser. */
export interface Arrival {
  at: number
  client: number
}

/**
 * A Poisson stream of intents at `rate` per second over [0, durationMs), each on a browser drawn
 * uniformly from `clients`: most browsers hold one intent at a time, some two, as in the issue.
 */
export class Arrivals {
  readonly #random: () => number
  #next: number

  constructor(
    readonly rate: number,
    readonly durationMs: number,
    readonly clients: number,
    seed: number,
  ) {
    this.#random = seeded(seed)
    this.#next = this.#gap()
  }

  /** The next arrival, or undefined once the stream has ended. */
  next(): Arrival | undefined {
    if (this.#next >= this.durationMs) return undefined
    const arrival = { at: this.#next, client: Math.floor(this.#random() * this.clients) }
    this.#next += this.#gap()
    return arrival
  }

  all(): Arrival[] {
    const out: Arrival[] = []
    for (let a = this.next(); a; a = this.next()) out.push(a)
    return out
  }

  // Exponential gaps: 1 - u is in (0, 1], so the log is finite.
  #gap = (): number => (-Math.log(1 - this.#random()) / this.rate) * 1000
}
