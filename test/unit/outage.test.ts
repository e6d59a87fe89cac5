import { afterEach, describe, expect, it, vi } from 'vitest'
import { initialOutageState as up, observe, OutageGate, type OutagePolicy, type OutageState } from '../../src/outage.js'

const policy: OutagePolicy = { threshold: 3, probeInterval: 1000, drain: 2, maxDrain: 30_000 }

describe('observe', () => {
  it.each<{ title: string; state: OutageState; signal: 'answer' | 'unreachable'; now: number; next: OutageState; release?: number }>([
    { title: 'a failure below the threshold keeps it up', state: up, signal: 'unreachable', now: 10, next: { ...up, failures: 1 } },
    { title: 'the threshold-th failure in a row, with no answer yet, marks it down', state: { ...up, failures: 2 }, signal: 'unreachable', now: 10, next: { ...up, failures: 3, downSince: 10 } },
    { title: 'failures with an answer less than a probe interval ago are a lossy link, not an outage', state: { failures: 7, lastAnswer: 9500, downSince: undefined }, signal: 'unreachable', now: 10_000, next: { failures: 8, lastAnswer: 9500, downSince: undefined } },
    { title: 'the same failures after a silent probe interval mark it down', state: { failures: 7, lastAnswer: 9000, downSince: undefined }, signal: 'unreachable', now: 10_000, next: { failures: 8, lastAnswer: 9000, downSince: 10_000 } },
    { title: 'more failures keep the time it went down', state: { ...up, failures: 3, downSince: 10 }, signal: 'unreachable', now: 50, next: { ...up, failures: 4, downSince: 10 } },
    { title: 'an answer while up resets the count', state: { failures: 2, lastAnswer: 0, downSince: undefined }, signal: 'answer', now: 10, next: { failures: 0, lastAnswer: 10, downSince: undefined } },
    { title: 'an answer while down releases over twice the downtime', state: { ...up, failures: 9, downSince: 1000 }, signal: 'answer', now: 4000, next: { failures: 0, lastAnswer: 4000, downSince: undefined }, release: 6000 },
    { title: 'a long outage drains over at most maxDrain', state: { ...up, failures: 9, downSince: 0 }, signal: 'answer', now: 600_000, next: { failures: 0, lastAnswer: 600_000, downSince: undefined }, release: 30_000 },
  ])('$title', ({ state, signal, now, next, release }) => {
    expect(observe(state, signal, now, policy)).toEqual(release === undefined ? { state: next } : { state: next, release })
  })
})

describe('OutageGate', () => {
  afterEach(() => vi.useRealTimers())

  it('lets one probe a second through while down, then drains the rest spread out', async () => {
    vi.useFakeTimers({ now: 0 })
    const gate = new OutageGate(policy, Date.now, () => 0.5)
    const stop = new AbortController().signal
    for (let i = 0; i < 3; i++) gate.report('unreachable')
    const passed: number[] = []
    const attempts = [0, 1, 2, 3].map(i => gate.pass(stop).then(() => passed.push(i)))

    await vi.advanceTimersByTimeAsync(0)
    expect(passed).toEqual([0]) // the probe
    await vi.advanceTimersByTimeAsync(1000)
    expect(passed).toEqual([0, 1]) // one more probe a second later
    gate.report('answer') // down since 0, up at 1000: drain over 2000 ms, here at 0.5 × 2000
    await vi.advanceTimersByTimeAsync(999)
    expect(passed).toEqual([0, 1])
    await vi.advanceTimersByTimeAsync(1)
    await Promise.all(attempts)
    expect(passed).toEqual([0, 1, 2, 3])
    expect(gate.down).toBe(false)
  })

  it('lets an aborted waiter go, with the abort reason', async () => {
    vi.useFakeTimers({ now: 0 })
    const gate = new OutageGate(policy, Date.now, Math.random)
    for (let i = 0; i < 3; i++) gate.report('unreachable')
    await gate.pass(new AbortController().signal)
    const controller = new AbortController()
    const waiting = gate.pass(controller.signal)
    controller.abort(new Error('gave up'))
    await expect(waiting).rejects.toThrow('gave up')
  })
})
