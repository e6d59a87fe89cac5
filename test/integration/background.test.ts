/**
 * Pending intents finish on their own: after the call that started them gave up, the client keeps
 * trying them with the same key, wakes them on device signals, and hears other tabs' outcomes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { IntentExpiredError, type OncelyEvent } from '../../src/index.js'
import { cart, client, drive, network, runFor, switchableOnline } from '../support/harness.js'

const net = network()
afterEach(() => vi.useRealTimers())

const fakeTime = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] })
const order = { json: cart, intent: 'checkout:c42' }
const background = (events: OncelyEvent[]) => events.filter(e => e.type === 'retry-scheduled' && e.background)

// Every wait at the middle of its range: these tests are about when the client tries, exactly.
const random = () => 0.5

/** A call that gives up while the server is down: retries spent, the intent left pending. */
async function givenUp(options: Parameters<typeof client>[0] = {}) {
  fakeTime()
  const pay = net.payments()
  pay.setDown(true)
  const c = client({ retry: { limit: 2 }, random, ...options })
  const error = await drive(c.api.post('orders', order).catch(e => e))
  return { ...c, pay, error }
}

describe('the client finishes a pending intent on its own', () => {
  it('confirms a call that gave up, with the same key and no app code, once the server heals', async () => {
    const { api, pay, events, error } = await givenUp()
    expect(error.name).toBe('IntentPendingError')

    await runFor(20_000)
    const duringOutage = pay.requests.length
    pay.setDown(false)
    await runFor(60_000)

    expect(await api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed', key: error.record.key })
    expect(pay.charges).toHaveLength(1)
    expect(new Set(pay.keys())).toEqual(new Set([error.record.key]))
    expect(duringOutage).toBeGreaterThan(3)
    expect(background(events).length).toBeGreaterThan(0)
    expect(events.at(-1)).toMatchObject({ type: 'confirmed', intent: 'checkout:c42' })
  })

  it('spaces its tries further apart the longer the intent has been failing', async () => {
    const { pay } = await givenUp()
    await runFor(10 * 60_000, 500)
    const gaps = pay.requests.slice(3).map((r, i, all) => (i === 0 ? 0 : r.at - all[i - 1]!.at)).slice(1)

    // Each gap is drawn around the intent's age at the time; over ten minutes they grow.
    expect(gaps.length).toBeGreaterThan(3)
    expect(gaps.at(-1)!).toBeGreaterThan(gaps[0]! * 4)
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5 * 60_000)
  })

  it('tries again at once (within the wake spread) when the device comes back online', async () => {
    const online = switchableOnline(true)
    const { api, pay, error } = await givenUp({ online })
    online.set(false)
    await runFor(30 * 60_000, 5000)
    const whileOffline = pay.requests.length
    pay.setDown(false)

    online.set(true)
    await runFor(1000)

    expect(whileOffline).toBe(3)
    expect(pay.charges).toHaveLength(1)
    expect(await api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed', key: error.record.key })
  })

  it('tries again at once when the page becomes visible', async () => {
    const page = Object.assign(new EventTarget(), { visibilityState: 'hidden' })
    vi.stubGlobal('document', page)
    try {
      const { pay } = await givenUp()
      await runFor(5 * 60_000, 1000)
      pay.setDown(false)
      const before = pay.requests.length

      page.visibilityState = 'visible'
      page.dispatchEvent(new Event('visibilitychange'))
      await runFor(1000)

      expect(pay.requests.length).toBe(before + 1)
      expect(pay.charges).toHaveLength(1)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('tries again within 30 s, not its minutes of backoff, when another intent of the client is answered', async () => {
    const { api, pay, events } = await givenUp()
    await runFor(5 * 60_000, 1000)
    pay.setDown(false)
    const before = pay.requests.length
    const scheduled = background(events).at(-1)

    await drive(api.post('orders', { json: { ...cart, cartId: 'c43' }, intent: 'checkout:c43' }))
    await runFor(30_000, 500)

    // Failing for five minutes, its next try was minutes away (at least 2.5 min).
    expect(scheduled).toMatchObject({ delay: expect.any(Number) })
    expect((scheduled as { delay: number }).delay).toBeGreaterThan(60_000)
    expect(pay.requests.length).toBe(before + 2)
    expect(pay.charges).toHaveLength(2)
  })

  it('is picked up by a new client on the same store, with no resume code', async () => {
    const first = await givenUp()
    first.api.close()
    first.pay.setDown(false)

    const reloaded = client({ db: first.db, random })
    await runFor(5000)

    expect(await reloaded.api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed', key: first.error.record.key })
    expect(first.pay.charges).toHaveLength(1)
    expect(reloaded.events.some(e => e.type === 'retry-scheduled' && e.reason === 'picked up')).toBe(true)
  })

  it('does not resume an intent past its ttl, and says so', async () => {
    const first = await givenUp({ ttl: 60_000 })
    first.api.close()
    first.pay.setDown(false)
    await vi.advanceTimersByTimeAsync(120_000)
    const sent = first.pay.requests.length

    const reloaded = client({ db: first.db, ttl: 60_000, random })
    await runFor(10_000)

    expect(first.pay.requests).toHaveLength(sent)
    expect(reloaded.events.find(e => e.type === 'pending')).toMatchObject({ intent: 'checkout:c42', error: expect.any(IntentExpiredError) })
  })

  it('does nothing in the background when turned off', async () => {
    const { pay, events } = await givenUp({ background: false })
    pay.setDown(false)
    await runFor(10 * 60_000, 5000)

    expect(pay.requests).toHaveLength(3)
    expect(background(events)).toEqual([])
  })

  it('drain() tries every pending intent once, now, and returns those still pending', async () => {
    const { api, pay } = await givenUp({ background: false })
    const stillDown = await drive(api.intents.drain())
    pay.setDown(false)
    const healed = await drive(api.intents.drain())

    expect(stillDown.map(r => r.intent)).toEqual(['checkout:c42'])
    expect(healed).toEqual([])
    expect(pay.charges).toHaveLength(1)
  })
})

describe('every tab hears the outcome', () => {
  it('a tab open before the intent existed finishes it when the tab driving it closes', async () => {
    const a = await givenUp()
    const b = client({ db: a.db, random })
    a.pay.setDown(false)
    a.api.close()

    await runFor(5 * 60_000, 1000)

    expect(await b.api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed', key: a.error.record.key })
    expect(a.pay.charges).toHaveLength(1)
  })

  it('keeps its backup quiet while the other tab is still at it', async () => {
    const a = await givenUp()
    const b = client({ db: a.db, random })
    await runFor(10 * 60_000, 1000)

    // A's tries announce themselves; B's backup, twice as late, keeps being pushed out.
    const fromB = b.events.filter(e => e.type === 'attempt')
    expect(fromB).toEqual([])
    expect(a.events.filter(e => e.type === 'attempt').length).toBeGreaterThan(4)
  })

  it('a client on the same store reports an intent another client confirmed, as remote', async () => {
    const pay = net.payments()
    const a = client()
    const b = client({ db: a.db, random })

    await a.api.post('orders', order)
    await vi.waitFor(() => expect(b.events.some(e => e.type === 'confirmed')).toBe(true))

    expect(b.events.find(e => e.type === 'confirmed')).toMatchObject({ intent: 'checkout:c42', remote: true, record: { state: 'confirmed' } })
    expect(pay.requests).toHaveLength(1)
  })
})
