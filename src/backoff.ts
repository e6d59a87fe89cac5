/** How a computed exponential delay is spread, so that many clients do not retry in step. */
export type JitterStrategy = 'full' | 'equal' | 'decorrelated' | 'none'

/** `base * 2^(attempt-1)`: the delay before retry number `attempt` (1-based), before jitter and cap. */
export const exponentialDelay = (base: number) => (attempt: number): number => base * 2 ** (attempt - 1)

/**
 * One jittered delay. Pure: randomness and the previous delay (for decorrelated jitter) are passed in.
 * Strategies from AWS's "Exponential Backoff and Jitter"; full jitter spreads a herd best.
 */
export function jitter(strategy: JitterStrategy, delay: number, random: number, previous: number, base: number): number {
  switch (strategy) {
    case 'full':
      return random * delay
    case 'equal':
      return delay / 2 + (random * delay) / 2
    case 'decorrelated':
      return base + random * (Math.max(previous, base) * 3 - base)
    case 'none':
      return delay
  }
}

/** A stateful jitter for one call, in the shape ky's `retry.jitter` expects: `(delay) => delay`. */
export function createJitter(strategy: JitterStrategy, base: number, random: () => number): (delay: number) => number {
  let previous = base
  return delay => (previous = jitter(strategy, delay, random(), previous, base))
}
