import { describe, expect, it } from 'vitest'
import { earliestSlot, ReturnBook, shed } from '../../src/server/index.js'

describe('earliestSlot', () => {
  it.each([
    { title: 'an empty book: the next second', due: [], second: 10, perSecond: 5, expected: 11 },
    { title: 'a full next second: the one after', due: { 11: 5 }, second: 10, perSecond: 5, expected: 12 },
    { title: 'room for one more', due: { 11: 4 }, second: 10, perSecond: 5, expected: 11 },
    { title: 'a rate under one a second still books one', due: { 11: 0 }, second: 10, perSecond: 0.5, expected: 11 },
    { title: 'never past the cap', due: { 11: 9, 12: 9, 13: 9 }, second: 10, perSecond: 1, max: 3, expected: 13 },
    { title: 'searching on from an earlier answer', due: { 11: 1 }, second: 10, perSecond: 5, from: 14, expected: 14 },
  ])('$title', ({ due, second, perSecond, max, from, expected }) => {
    expect(earliestSlot(due as ArrayLike<number>, second, perSecond, max, from)).toBe(expected)
  })
})

describe('ReturnBook', () => {
  it('books returns at the rate asked, oldest first, never one constant', () => {
    const book = new ReturnBook()
    const told = Array.from({ length: 7 }, () => book.promise(100, 3))
    expect(told).toEqual([1, 1, 1, 2, 2, 2, 3])
    // A second later, the book has moved on with the clock, and the slots it filled stay filled.
    expect(book.promise(101, 3)).toBe(2)
  })

  it('starts afresh once every booking is past, with the slots still filled while one is not', () => {
    const book = new ReturnBook()
    expect([book.promise(100, 1), book.promise(100, 1)]).toEqual([1, 2])
    // Second 102 is still booked at 101: the next return goes after it.
    expect(book.promise(101, 1)).toBe(2)
    // A day later nothing booked is ahead: one second, as for a first refusal.
    expect([book.promise(86_500, 1), book.promise(86_500, 1)]).toEqual([1, 2])
  })
})

describe('shed()', () => {
  it('answers 503 problem+json past maxConcurrent, booking each refused client a later second', async () => {
    let release!: () => void
    const gate = new Promise<void>(resolve => (release = resolve))
    const handler = shed(async () => {
      await gate
      return new Response('ok')
    }, { maxConcurrent: 2, now: () => 5_000 })
    const running = [handler(new Request('http://x.test/')), handler(new Request('http://x.test/'))]

    const retryAfters: number[] = []
    for (let i = 0; i < 6; i++) {
      const refused = await handler(new Request('http://x.test/'))
      expect(refused.status).toBe(503)
      expect(refused.headers.get('content-type')).toBe('application/problem+json')
      retryAfters.push(Number(refused.headers.get('retry-after')))
    }
    release()
    await Promise.all(running)
    const after = await handler(new Request('http://x.test/'))

    // Capacity 2 a second, half of it for returns: one refused client back per second.
    expect(retryAfters).toEqual([1, 2, 3, 4, 5, 6])
    expect(after.status).toBe(200)
  })
})
