import { describe, expect, it } from 'vitest'
import { useShop } from './shop.js'

const outcomes = (requests: Array<{ outcome: string }>) => requests.map(request => request.outcome)

/** Milliseconds between consecutive requests, as the server timed them. */
const gaps = (requests: Array<{ at: string }>) => requests.slice(1).map((request, i) => Date.parse(request.at) - Date.parse(requests[i]!.at))

describe('checkout through a lying network', () => {
  const t = useShop()

  it('charges once when the answer to a committed charge is lost', async () => {
    const shop = await t.open()
    // Armed from the page's own chaos panel, as a visitor would.
    await shop.page.getByText('Drop after the charge').click()
    await shop.page.locator('#chaos-state[data-mode="drop-after-commit"]').waitFor()

    await shop.pay()
    const orderId = await shop.confirmed()

    const key = await shop.key()
    expect((await t.demo.ledger()).total).toBe(1)
    expect((await t.demo.ledger(key)).charges.map(charge => charge.orderId)).toEqual([orderId])
    // The retry carried the same key, so the server replayed the stored answer instead of charging again.
    expect(outcomes(await t.demo.requests(key))).toEqual(['dropped-after-commit', 'replayed'])
    const timeline = await shop.timeline()
    expect(timeline).toContain('Connection lost before an answer')
    expect(timeline.filter(title => title.startsWith('Attempt'))).toEqual(['Attempt 1 sent', 'Attempt 2 sent'])
    await shop.ledgerShows(1)
  })

  it('waits out a 503 burst for as long as Retry-After says, then confirms', async () => {
    await t.demo.chaos({ mode: '503-burst', count: 2, retryAfter: 1 })
    const shop = await t.open()

    await shop.pay()
    // Mid-retry: the page counts down the server's delay.
    await shop.page.locator('#timeline .entry[data-until] .countdown').first().waitFor()
    await shop.screenshot('checkout-retrying')
    await shop.confirmed()
    await shop.ledgerShows(1)
    await shop.screenshot('checkout-confirmed')

    const requests = await t.demo.requests(await shop.key())
    expect(outcomes(requests)).toEqual(['503', '503', 'charged'])
    for (const gap of gaps(requests)) expect(gap).toBeGreaterThanOrEqual(950)
    expect((await t.demo.ledger()).total).toBe(1)
    expect(await shop.timeline()).toContain('HTTP 503 · service unavailable')
  })

  it('waits out 429s for as long as Retry-After says, then confirms', async () => {
    await t.demo.chaos({ mode: '429', count: 2, retryAfter: 1 })
    const shop = await t.open()

    await shop.pay()
    await shop.confirmed()

    const requests = await t.demo.requests(await shop.key())
    expect(outcomes(requests)).toEqual(['429', '429', 'charged'])
    for (const gap of gaps(requests)) expect(gap).toBeGreaterThanOrEqual(950)
    expect((await t.demo.ledger()).total).toBe(1)
  })

  it('starts a new intent with a new key after "Shop again"', async () => {
    const shop = await t.open()
    await shop.pay()
    await shop.confirmed()
    const [intent, key] = [await shop.intent(), await shop.key()]

    await shop.page.getByText('Shop again with a new cart').click()
    await shop.page.locator('#intent-state[data-state="none"]').waitFor()
    expect(await shop.intent()).not.toBe(intent)
    await shop.pay()
    await shop.confirmed()

    expect(await shop.key()).not.toBe(key)
    expect((await t.demo.ledger()).total).toBe(2)
  })
})
