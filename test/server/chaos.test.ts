import { describe, expect, it } from 'vitest'
import { CHAOS_OFF, createChaos, decideChaos, parseChaosSettings, type ChaosConfig } from '../../demo/server/chaos.js'
import { seeded } from './support/demo.js'

describe('chaos settings', () => {
  it.each([
    { mode: 'drop-before', count: 1 },
    { mode: 'drop-after-commit', count: 1 },
    { mode: 'slow', count: 1 },
    { mode: '503-burst', count: 3 },
    { mode: '429', count: 3 },
    { mode: 'random', count: null },
  ])('defaults $mode to affect $count request(s)', ({ mode, count }) => {
    const parsed = parseChaosSettings({ mode })

    expect(parsed).toEqual({ ok: true, config: { ...CHAOS_OFF, mode, count, remaining: count } })
  })

  it('keeps what the caller chose', () => {
    expect(parseChaosSettings({ mode: '429', count: 5, retryAfter: 7, delayMs: 10, probability: 0.5 })).toEqual({
      ok: true,
      config: { mode: '429', count: 5, remaining: 5, retryAfter: 7, delayMs: 10, probability: 0.5 },
    })
  })

  it('accepts count null as "until switched off"', () => {
    expect(parseChaosSettings({ mode: 'drop-before', count: null })).toMatchObject({ ok: true, config: { remaining: null } })
  })

  it.each([
    [{ mode: 'explode' }, /mode must be one of/],
    [{ mode: 'random', probability: 1.5 }, /probability/],
    [{ mode: '503-burst', count: 0 }, /count/],
    [{ mode: 'slow', delayMs: -1 }, /delayMs/],
    [{ mode: '429', retryAfter: 1.5 }, /retryAfter/],
    ['503-burst', /JSON object/],
  ])('refuses %j', (input, message) => {
    const parsed = parseChaosSettings(input)

    expect(parsed.ok).toBe(false)
    expect(!parsed.ok && parsed.errors.join('; ')).toMatch(message)
  })
})

describe('deciding one request', () => {
  const config = (overrides: Partial<ChaosConfig>): ChaosConfig => ({ ...CHAOS_OFF, ...overrides })
  const never = () => {
    throw new Error('randomness is only for the random mode')
  }

  it.each([
    { title: 'off does nothing', input: config({}), action: { kind: 'none' }, next: config({}) },
    { title: 'drop-before counts down to off', input: config({ mode: 'drop-before', remaining: 1 }), action: { kind: 'drop-before' }, next: CHAOS_OFF },
    { title: 'a burst counts down', input: config({ mode: '503-burst', remaining: 2, retryAfter: 4 }), action: { kind: 'reject', status: 503, retryAfter: 4 }, next: config({ mode: '503-burst', remaining: 1, retryAfter: 4 }) },
    { title: '429 answers 429', input: config({ mode: '429', remaining: 1 }), action: { kind: 'reject', status: 429, retryAfter: 1 }, next: CHAOS_OFF },
    { title: 'slow carries its delay', input: config({ mode: 'slow', remaining: 1, delayMs: 250 }), action: { kind: 'slow', delayMs: 250 }, next: CHAOS_OFF },
    { title: 'unlimited stays on', input: config({ mode: 'drop-after-commit', remaining: null }), action: { kind: 'drop-after-commit' }, next: config({ mode: 'drop-after-commit', remaining: null }) },
  ])('$title', ({ input, action, next }) => {
    expect(decideChaos(input, never)).toEqual({ action, next })
  })

  it.each([
    { draws: [0.5], action: { kind: 'none' } },
    { draws: [0.1, 0.0], action: { kind: 'drop-before' } },
    { draws: [0.1, 0.4], action: { kind: 'drop-after-commit' } },
    { draws: [0.1, 0.99], action: { kind: 'reject', status: 503, retryAfter: 1 } },
  ])('random with probability 0.3 and draws $draws: $action.kind', ({ draws, action }) => {
    const random = () => draws.shift()!

    expect(decideChaos(config({ mode: 'random', probability: 0.3 }), random).action).toEqual(action)
  })

  it('random with a count stops after that many faults, not that many requests', () => {
    const chaos = createChaos({ random: seeded(7) })
    chaos.set({ mode: 'random', probability: 0.5, count: 3 })

    const kinds = Array.from({ length: 40 }, () => chaos.next().kind)

    expect(kinds.filter((kind) => kind !== 'none')).toHaveLength(3)
    expect(chaos.get().mode).toBe('off')
  })

  it('is the same sequence for the same seed', () => {
    const run = () => {
      const chaos = createChaos({ random: seeded(42) })
      chaos.set({ mode: 'random', probability: 0.4 })
      return Array.from({ length: 50 }, () => chaos.next().kind)
    }

    expect(run()).toEqual(run())
  })
})
