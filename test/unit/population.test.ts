// The population benchmark's pure parts (bench/population/): what its figures rest on.
import { describe, expect, it } from 'vitest'
import { Arrivals, seeded } from '../../bench/population/arrivals.js'
import { EventHeap } from '../../bench/population/heap.js'
import { pearson, quantile } from '../../bench/population/metrics.js'
import { simulate } from '../../bench/population/model.js'
import { population } from '../../bench/population/run.js'
import { Promised, retryAfterFor } from '../../bench/population/shed.js'

describe('retryAfterFor', () => {
  it('brings a backlog back at the drain rate, oldest first, where a constant brings it all back at once', () => {
    const random = seeded(3)
    const booked = new Promised()
    const constant = new Promised()
    const told = Array.from({ length: 1000 }, () => retryAfterFor('spread', booked, 0, 50, random))
    for (let i = 0; i < 1000; i++) retryAfterFor('constant', constant, 0, 50, random)
    expect(constant.waiting(2)).toBe(0)
    // 50 a second from 1 s on: 20 s for 1,000, in the order they were told.
    expect(told.slice(0, 3)).toEqual([1, 1, 1])
    expect(told.at(-1)).toBe(20)
    expect(booked.waiting(2)).toBe(950)
    expect(booked.waiting(21)).toBe(0)
  })

  it('a uniform draw over the same window brings them back twice as fast (kept to show why not)', () => {
    const random = seeded(3)
    const book = new Promised()
    const told = Array.from({ length: 1000 }, () => retryAfterFor('uniform', book, 0, 50, random))
    // Mean wait ≈ half the window: by Little's law, returns at ~2× the drain rate.
    const mean = told.reduce((a, b) => a + b, 0) / told.length
    expect(mean).toBeGreaterThan(5)
    expect(mean).toBeLessThan(7)
  })
})

describe('EventHeap', () => {
  it('pops events in time order', () => {
    const heap = new EventHeap()
    const random = seeded(1)
    const times = Array.from({ length: 5000 }, () => random() * 1000)
    times.forEach((t, i) => heap.push(t, i, i % 7))
    const out: [number, number, number] = [0, 0, 0]
    const popped: number[] = []
    while (heap.pop(out)) {
      expect(out[0]).toBe(times[out[1]])
      expect(out[2]).toBe(out[1] % 7)
      popped.push(out[0])
    }
    expect(popped).toEqual([...times].sort((a, b) => a - b))
  })
})

describe('Arrivals', () => {
  it('are Poisson at the rate asked, and the same for the same seed', () => {
    const all = new Arrivals(50, 200_000, 1000, 9).all()
    expect(all.length).toBeGreaterThan(9_700)
    expect(all.length).toBeLessThan(10_300)
    expect(new Arrivals(50, 200_000, 1000, 9).all()).toEqual(all)
    expect(Math.max(...all.map(a => a.client))).toBeLessThan(1000)
  })
})

describe('metrics', () => {
  it('quantile is nearest rank; pearson is 1 for a line and -1 for its mirror', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2)
    expect(quantile([1, 2, 3, 4], 0.99)).toBe(4)
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12)
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12)
  })
})

describe('the model', () => {
  const scenario = population('test', 2000, 20, { outage: { start: 10_000, end: 40_000, kind: 'reset' }, arrivalMs: 80_000, endMs: 200_000 })

  it('charges every oncely intent exactly once, and keeps the steady load at one request per intent', () => {
    const run = simulate(scenario, { name: 'oncely', client: 'oncely', server: 'spread' })
    const { charges, firstCharge } = run.intents
    expect(charges.every(c => c === 1)).toBe(true)
    expect(firstCharge.every(t => Number.isFinite(t))).toBe(true)
    const steady = run.perSecond.requests.slice(1, 10).reduce((a, b) => a + b, 0) / 9 / 20
    expect(steady).toBeGreaterThan(0.7)
    expect(steady).toBeLessThan(1.3)
  })

  it('sends nothing to the server while it is down but what the clients retry, and nothing after every intent is done', () => {
    const run = simulate(scenario, { name: 'aws', client: 'aws', server: 'spread' })
    const attempts = run.perSecond.requests.reduce((a, b) => a + b, 0)
    // Three attempts at most per intent, and the run is deterministic for its seeds.
    expect(attempts).toBeLessThanOrEqual(3 * run.intents.arrival.length)
    expect(simulate(scenario, { name: 'aws', client: 'aws', server: 'spread' }).perSecond).toEqual(run.perSecond)
    expect(run.perSecond.requests.slice(81).every(n => n === 0)).toBe(true)
  })
})
