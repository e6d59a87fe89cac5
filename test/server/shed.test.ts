import { describe, expect, it } from 'vitest'
import { drainWindow, shed, spreadRetryAfter } from '../../src/server/index.js'

describe('the drain window', () => {
  it.each([
    { title: 'no excess', excess: 0, capacity: 100, expected: 1 },
    { title: 'less than a second of excess', excess: 50, capacity: 100, expected: 1 },
    { title: 'five seconds of excess', excess: 500, capacity: 100, expected: 5 },
    { title: 'a partial second rounds up', excess: 501, capacity: 100, expected: 6 },
    { title: 'more than the cap', excess: 1_000_000, capacity: 100, expected: 60 },
    { title: 'no capacity at all', excess: 10, capacity: 0, expected: 60 },
  ])('$title → $expected s', ({ excess, capacity, expected }) => {
    expect(drainWindow(excess, capacity)).toBe(expected)
  })
})

describe('a spread Retry-After', () => {
  it.each([
    { window: 1, random: 0.99, expected: 1 },
    { window: 10, random: 0, expected: 1 },
    { window: 10, random: 0.05, expected: 1 },
    { window: 10, random: 0.1, expected: 2 },
    { window: 10, random: 0.5, expected: 6 },
    { window: 10, random: 0.999, expected: 10 },
    { window: 0, random: 0.5, expected: 1 },
  ])('window $window, random $random → $expected', ({ window, random, expected }) => {
    expect(spreadRetryAfter(window, () => random)).toBe(expected)
  })

  it('covers every second of the window about equally, never one constant', () => {
    let seed = 1
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
    const counts = new Map<number, number>()
    for (let i = 0; i < 10_000; i++) {
      const value = spreadRetryAfter(10, random)
      counts.set(value, (counts.get(value) ?? 0) + 1)
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    for (const count of counts.values()) expect(count).toBeGreaterThan(800) // 1,000 expected each
  })
})

describe('shed()', () => {
  it('answers 503 problem+json with spread Retry-After past maxConcurrent, and the window grows with the refusals', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const randoms = [0.999]
    const handler = shed(async () => {
      await gate
      return new Response('ok')
    }, { maxConcurrent: 2, now: () => 5_000, random: () => randoms[0]! })
    const running = [handler(new Request('http://x.test/')), handler(new Request('http://x.test/'))]

    const retryAfters: number[] = []
    for (let i = 0; i < 8; i++) {
      const refused = await handler(new Request('http://x.test/'))
      expect(refused.status).toBe(503)
      expect(refused.headers.get('content-type')).toBe('application/problem+json')
      retryAfters.push(Number(refused.headers.get('retry-after')))
    }
    release()
    await Promise.all(running)
    const after = await handler(new Request('http://x.test/'))

    // random ≈ 1 picks the window's last second: the window is ceil(refused / capacity 2).
    expect(retryAfters).toEqual([1, 1, 2, 2, 3, 3, 4, 4])
    expect(after.status).toBe(200)
  })
})
