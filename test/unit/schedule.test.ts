import { describe, expect, it } from 'vitest'
import { defaultSchedule, nextDelay } from '../../src/schedule.js'

const s = 1000
// Three quick retries make the regimes easy to read; the defaults are checked on their own below.
const policy = { ...defaultSchedule, delay: 250, quick: 3 }

describe('nextDelay', () => {
  it.each([
    // Quick retries for a blip: full jitter over 250, 500, 1000 ms.
    { title: 'the first failure, at random 0.5', failures: 1, failingFor: 0, random: 0.5, expected: 125 },
    { title: 'the second, at the top of its range', failures: 2, failingFor: 200, random: 0.999, expected: 499.5 },
    { title: 'the third', failures: 3, failingFor: 700, random: 0.5, expected: 500 },
    // Then about as long as the intent has been failing (±50 %), from 2 s to 5 min.
    { title: 'the fourth, failing for a second: the 2 s floor', failures: 4, failingFor: 1 * s, random: 0.5, expected: 2 * s },
    { title: 'failing for a minute: about a minute', failures: 6, failingFor: 60 * s, random: 0.5, expected: 60 * s },
    { title: 'failing for a minute, lowest draw: half', failures: 6, failingFor: 60 * s, random: 0, expected: 30 * s },
    { title: 'failing for a minute, highest draw: half again', failures: 6, failingFor: 60 * s, random: 0.999, expected: 89.94 * s },
    // At the ceiling the waits still spread, over [⅓, 1] × 5 min, so intents failing together part.
    { title: 'failing for an hour, lowest draw: a third of the ceiling', failures: 20, failingFor: 3600 * s, random: 0, expected: 100 * s },
    { title: 'failing for an hour, at random 0.5', failures: 20, failingFor: 3600 * s, random: 0.5, expected: 200 * s },
    { title: 'failing for an hour, highest draw: the 5 min ceiling', failures: 20, failingFor: 3600 * s, random: 1, expected: 300 * s },
    // Told to wait: as asked, plus up to a quarter more.
    { title: 'Retry-After 1 s, lowest draw', failures: 1, failingFor: 0, retryAfter: 1 * s, random: 0, expected: 1 * s },
    { title: 'Retry-After 1 s, at random 0.5: up to 250 ms more', failures: 1, failingFor: 0, retryAfter: 1 * s, random: 0.5, expected: 1.125 * s },
    { title: 'Retry-After 120 s is honoured past the old 20 s cap', failures: 9, failingFor: 5 * s, retryAfter: 120 * s, random: 0, expected: 120 * s },
    { title: 'Retry-After a day is cut to 10 min', failures: 1, failingFor: 0, retryAfter: 86_400 * s, random: 0, expected: 600 * s },
    // Told again and again to come back in a second: a server not draining this intent. Past the
    // quick tells, each tell in a row doubles the least wait (250 ms · 2^(told − quick)), up to
    // what a failure of its age would wait.
    { title: 'Retry-After 1 s, the third tell in a row: still as asked', failures: 1, failingFor: 3 * s, retryAfter: 1 * s, told: 3, random: 0.5, expected: 1.125 * s },
    { title: 'the fourth tell: a 0.5 s floor, under what was asked', failures: 1, failingFor: 60 * s, retryAfter: 1 * s, told: 4, random: 0.5, expected: 1.125 * s },
    { title: 'the tenth tell: a 32 s floor', failures: 1, failingFor: 60 * s, retryAfter: 1 * s, told: 10, random: 0.5, expected: 32 * s },
    { title: 'the twentieth tell, failing for a minute: the aged wait bounds the floor', failures: 1, failingFor: 60 * s, retryAfter: 1 * s, told: 20, random: 0.5, expected: 60 * s },
    { title: 'Retry-After 120 s, told again: the longer of the two', failures: 1, failingFor: 60 * s, retryAfter: 120 * s, told: 9, random: 0, expected: 120 * s },
    { title: 'a background try honours Retry-After as a floor', failures: 9, failingFor: 60 * s, retryAfter: 5 * s, told: Infinity, random: 0.5, expected: 60 * s },
  ])('$title', ({ failures, failingFor, retryAfter, told, random, expected }) => {
    expect(nextDelay(policy, { failures, failingFor, retryAfter, told }, random)).toBeCloseTo(expected, 6)
  })

  it('spreads a population: from a thousand draws, waits fill [0.5, 1.5] × the age evenly', () => {
    const waits = Array.from({ length: 1000 }, (_, i) => nextDelay(policy, { failures: 10, failingFor: 100 * s }, (i + 0.5) / 1000) / (100 * s))
    const tenths = Array.from({ length: 10 }, (_, d) => waits.filter(w => w >= 0.5 + d / 10 && w < 0.6 + d / 10).length)
    expect(Math.min(...waits)).toBeCloseTo(0.5, 3)
    expect(Math.max(...waits)).toBeCloseTo(1.5, 3)
    expect(tenths).toEqual(Array(10).fill(100))
  })
})

describe('the defaults', () => {
  it('retry once within a second, then from 2 s on: a 2 s blip is over by the second retry, within 3 s', () => {
    const first = (random: number) => nextDelay(defaultSchedule, { failures: 1, failingFor: 0 }, random)
    const second = (random: number, failingFor: number) => nextDelay(defaultSchedule, { failures: 2, failingFor }, random)
    expect([first(0), first(0.999)]).toEqual([0, 999])
    // However the first draw fell, the second try comes 2 s after it (an intent of age < 1.33 s).
    for (const at of [0, 500, 999]) expect(at + second(0.5, at)).toBe(at + 2000)
    expect(defaultSchedule).toMatchObject({ spread: 1, backoffLimit: 300_000, maxRetryAfter: 600_000 })
  })
})
