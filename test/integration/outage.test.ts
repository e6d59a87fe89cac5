import { afterEach, describe, expect, it, vi } from 'vitest'
import { memoryStore } from '../../src/index.js'
import { cart, client, network, runFor } from '../support/harness.js'

const net = network()
afterEach(() => vi.useRealTimers())

/** Deterministic and evenly spread over [0, 1): the golden-ratio sequence. */
const spread = () => {
  let n = 0
  return () => (++n * 0.6180339887) % 1
}

/** 20 intents of one client (a service, a point-of-sale queue) through a 60 s outage. */
async function outage() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now: 0 })
  const pay = net.payments()
  pay.setDown(true)
  const { api } = client({ store: memoryStore(), random: spread(), retry: { delay: 250 } })
  const calls = Array.from({ length: 20 }, (_, i) => api.post('orders', { json: { ...cart, cartId: `c${i}` }, intent: `checkout:c${i}` }).catch(() => undefined))
  await runFor(60_000)
  const duringOutage = pay.requests.length
  pay.setDown(false)
  // One call of the client gets through: the others are woken, spread over their time failing.
  await api.post('orders', { json: { ...cart, cartId: 'probe' }, intent: 'probe' })
  await runFor(40_000)
  await Promise.all(calls)
  return { pay, duringOutage }
}

describe('an outage, for a client holding many intents', () => {
  it('costs the down server a few tries per intent, growing with the log of the outage, not with its length', async () => {
    const { pay, duringOutage } = await outage()

    // Each intent: its first attempt, three quick retries, then one each time its age about
    // doubles (2 s, 4 s, … 60 s): about ten in a minute, where a retry a second would be sixty.
    expect(duringOutage).toBeLessThanOrEqual(20 * 11)
    expect(pay.charges).toHaveLength(21)
    expect(new Set(pay.charges.map(c => c.key)).size).toBe(21)
  })

  it('lets the backlog back in spread over up to 30 s once the server answers, not as one wall', async () => {
    const { pay, duringOutage } = await outage()
    const after = pay.requests.slice(duringOutage + 1).map(r => r.at)
    const first = Math.min(...after)
    const perSecond = Array.from({ length: 30 }, (_, s) => after.filter(t => t >= first + s * 1000 && t < first + (s + 1) * 1000).length)

    expect(after).toHaveLength(20)
    expect(Math.max(...after) - first).toBeGreaterThan(15_000)
    expect(Math.max(...perSecond)).toBeLessThanOrEqual(3)
  })
})
