import { describe, expect, it } from 'vitest'
import { createJitter, exponentialDelay, jitter } from '../../src/backoff.js'

describe('exponentialDelay', () => {
  it.each([
    { attempt: 1, expected: 250 },
    { attempt: 2, expected: 500 },
    { attempt: 5, expected: 4000 },
  ])('retry $attempt waits base * 2^(n-1) = $expected ms', ({ attempt, expected }) => {
    expect(exponentialDelay(250)(attempt)).toBe(expected)
  })
})

describe('jitter', () => {
  it.each([
    { title: 'full spreads over [0, delay)', strategy: 'full' as const, delay: 1000, random: 0.25, previous: 0, expected: 250 },
    { title: 'full at random 0 retries at once', strategy: 'full' as const, delay: 1000, random: 0, previous: 0, expected: 0 },
    { title: 'equal keeps at least half', strategy: 'equal' as const, delay: 1000, random: 0, previous: 0, expected: 500 },
    { title: 'equal tops out at the delay', strategy: 'equal' as const, delay: 1000, random: 1, previous: 0, expected: 1000 },
    { title: 'decorrelated grows from the previous delay', strategy: 'decorrelated' as const, delay: 0, random: 1, previous: 400, expected: 1200 },
    { title: 'decorrelated never goes under base', strategy: 'decorrelated' as const, delay: 0, random: 0, previous: 400, expected: 100 },
    { title: 'none is the plain delay', strategy: 'none' as const, delay: 1000, random: 0.9, previous: 0, expected: 1000 },
  ])('$title', ({ strategy, delay, random, previous, expected }) => {
    expect(jitter(strategy, delay, random, previous, 100)).toBe(expected)
  })

  it('decorrelated jitter carries its previous delay from call to call', () => {
    const next = createJitter('decorrelated', 100, () => 1)
    expect([next(0), next(0), next(0)]).toEqual([300, 900, 2700])
  })
})
