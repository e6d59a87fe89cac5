import { describe, expect, it } from 'vitest'
import { tooFaint } from './contrast.js'
import { until, useShop, type Shop } from './shop.js'

/** Live countdowns on the page: the main message's and the timeline's. */
const countdowns = async (shop: Shop) => ({
  notice: await shop.page.locator('#notice .next').count(),
  timeline: await shop.page.locator('#timeline .entry[data-until]').evaluateAll(items => items.map(item => (item as HTMLElement).dataset.title)),
})

/**
 * A payment whose call gave up (its retries and deadline spent) is finished by the client on its
 * own, with its key, and the page follows along: pending, the next try, then the confirmation.
 * The tabs open at `?pace=fast`, where a call gives up after about 2 s; what follows keeps the
 * page's usual pace (background tries at most 8 s apart).
 */
describe('a payment left pending finishes by itself', () => {
  const t = useShop()

  it('confirms with no click once a server that outlasted the call heals: one charge, one key', async () => {
    await t.demo.chaos({ mode: 'drop-before', count: null })
    const shop = await t.open({ pace: 'fast' })

    await shop.pay()
    // The call spent its budget (3 retries, or its 5 s deadline): pending, and the page says what comes next.
    await shop.waitForNotice('pending')
    const key = await shop.key()
    expect((await shop.timeline()).filter(title => title.startsWith('Still unconfirmed'))).toEqual([expect.stringMatching(/^Still unconfirmed after \d+ attempts$/)])
    expect(await shop.button()).toBe('Check payment status')
    // The outage outlasts the call: a try the client makes by itself fails too.
    await until(() => shop.timeline(), titles => titles.some(title => /^Attempt \d+ failed$/.test(title)), 'a background try failing')
    await shop.page.locator('#notice .next').waitFor({ timeout: 10_000 })
    expect((await shop.notice()).text).toMatch(/^Connection lost — we keep trying with the same key \(…[0-9a-f]{8}\), next try in \d+ s\. /)
    expect(await tooFaint(shop.page)).toEqual([])
    await shop.screenshot('checkout-pending')

    await t.demo.chaos({ mode: 'off' })

    // The bound: confirmed within 30 s of healing (the page's own pace makes it 8 s).
    await shop.page.locator('#confirmation-view').waitFor({ state: 'visible', timeout: 30_000 })
    const orderId = await shop.confirmed()
    expect(await shop.notice()).toMatchObject({ kind: 'confirmed-background' })
    expect(await shop.key()).toBe(key)
    expect(await t.demo.ledger()).toMatchObject({ total: 1, charges: [{ key, orderId }] })
    const requests = await t.demo.requests()
    expect(new Set(requests.map(request => request.key))).toEqual(new Set([key]))
    expect(requests.at(-1)?.outcome).toBe('charged')
    expect(requests.length).toBeGreaterThan(5) // the call's 4, then tries by itself
    expect(await countdowns(shop)).toEqual({ notice: 0, timeline: [] })
    // Focus moves to the confirmation, so a screen reader says it.
    expect(await shop.page.evaluate(() => document.activeElement?.id)).toBe('thanks')
    await shop.ledgerShows(1)
    expect(await shop.page.locator('#ledger-key-label').textContent()).toBe('charge for this key')
    expect(await tooFaint(shop.page)).toEqual([])
    await shop.screenshot('checkout-self-confirmed')
  })

  it('drops the countdown of a retry the deadline cancelled, and counts down to the one that comes', async () => {
    // The first answer asks for 10 s; the fast pace's 5 s deadline ends the call before that.
    await t.demo.chaos({ mode: '503-burst', count: null, retryAfter: 10 })
    const shop = await t.open({ pace: 'fast' })

    await shop.pay()
    await until(() => countdowns(shop), live => live.timeline.includes('HTTP 503 · service unavailable'), 'the countdown to the Retry-After')
    await shop.waitForNotice('pending')

    // The call's own retry will not come: its line stopped counting the moment the call gave up.
    expect((await countdowns(shop)).timeline).not.toContain('HTTP 503 · service unavailable')
    // What counts down now, in the timeline and in the main message, is the client's next try.
    await until(() => countdowns(shop), live => live.notice === 1 && live.timeline.join() === 'Next try by itself', 'the next try by itself counting down')
    expect((await shop.notice()).text).toMatch(/^The payment server is unavailable \(HTTP 503\) — we keep trying with the same key/)
    expect((await t.demo.ledger()).total).toBe(0)
  })

  // When the deadline ends a call during a Retry-After wait, the record keeps when that retry was
  // due, and the client's own next try does not come before it (it once came 5 s after a 503 that
  // asked for 10 s).
  it('waits out the Retry-After of the last answer after the deadline ended the call', async () => {
    await t.demo.chaos({ mode: '503-burst', count: null, retryAfter: 10 })
    const shop = await t.open({ pace: 'fast' })

    await shop.pay()
    const [first, second] = await until(() => t.demo.requests(), requests => requests.length >= 2, 'a second request', 15_000)

    expect(Date.parse(second!.at) - Date.parse(first!.at)).toBeGreaterThanOrEqual(10_000)
  })

  it('says that nothing was sent when a payment goes pending offline, and sends it once back online', async () => {
    const shop = await t.open({ pace: 'fast' })
    await t.context.setOffline(true)
    await shop.page.waitForFunction(() => !navigator.onLine)

    await shop.pay()
    // Offline past the call's deadline: pending with no attempt, and the page says exactly that.
    await until(() => shop.timeline(), titles => titles.includes('Not sent yet · nothing left this device'), 'the call giving up offline')
    expect(await shop.notice()).toMatchObject({ kind: 'offline', text: expect.stringContaining('nothing has been sent yet') })
    expect(await shop.button()).toBe('Waiting for network…')
    expect(await shop.attempts()).toBe(0)
    expect(await t.demo.requests()).toHaveLength(0)
    expect((await countdowns(shop)).timeline).toEqual([])

    await t.context.setOffline(false)

    await shop.confirmed()
    expect(await shop.notice()).toMatchObject({ kind: 'confirmed-background' })
    expect(await shop.attempts()).toBe(1)
    expect((await t.demo.requests()).map(request => request.outcome)).toEqual(['charged'])
  })
})
