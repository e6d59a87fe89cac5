import { afterEach, describe, expect, it, vi } from 'vitest'
import { memoryStore } from '../../src/index.js'
import { cart, client, network } from '../support/harness.js'

const net = network()
afterEach(() => vi.useRealTimers())

/** Runs fake time forward in small steps, letting msw's real I/O happen in between. */
async function run(ms: number, step = 50): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await vi.advanceTimersByTimeAsync(step)
    for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve))
  }
}

/** Deterministic and evenly spread over [0, 1): the golden-ratio sequence. */
const spread = () => {
  let n = 0
  return () => (++n * 0.6180339887) % 1
}

async function outage(gate: boolean) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 0 })
  const pay = net.payments()
  pay.setDown(true)
  const { api } = client({ store: memoryStore(), random: spread(), retry: { delay: 250 }, ...(gate ? {} : { outage: false }) })
  const calls = Array.from({ length: 20 }, (_, i) => api.post('orders', { json: { ...cart, cartId: `c${i}` }, intent: `checkout:c${i}` }))
  await run(3000)
  const duringOutage = pay.requests.length
  pay.setDown(false)
  await run(8000)
  const results = await Promise.allSettled(calls)
  return { pay, duringOutage, confirmed: results.filter(r => r.status === 'fulfilled').length }
}

describe('an outage, for a client holding many intents', () => {
  it('costs the down server a probe a second instead of every retry, and every intent confirms once', async () => {
    const gated = await outage(true)
    const ungated = await outage(false)

    // Without the gate each of the 20 intents retries on its own schedule through the 3 s outage:
    // its first attempt, three quick retries within a second, then one every 2 s or more.
    expect(ungated.duringOutage).toBeGreaterThanOrEqual(20 * 4)
    // With it: the 20 first attempts, then about one probe per second.
    expect(gated.duringOutage).toBeLessThanOrEqual(20 + 4)
    for (const { pay, confirmed } of [gated, ungated]) {
      expect(confirmed).toBe(20)
      expect(pay.charges).toHaveLength(20)
      expect(new Set(pay.charges.map(c => c.key)).size).toBe(20)
    }
  })

  it('releases the backlog spread over twice the downtime, not at once', async () => {
    const { pay, duringOutage } = await outage(true)
    const after = pay.requests.slice(duringOutage).map(r => r.at)
    const first = Math.min(...after)
    const perSecond = [0, 1, 2, 3, 4, 5].map(s => after.filter(t => t >= first + s * 1000 && t < first + (s + 1) * 1000).length)
    // Down from t=0 to t=3000: the 20 waiting intents come back over about 6 s, a few per second.
    expect(after).toHaveLength(20)
    expect(Math.max(...after) - first).toBeGreaterThan(4000)
    expect(Math.max(...perSecond)).toBeLessThanOrEqual(6)
  })
})
