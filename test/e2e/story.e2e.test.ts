import { describe, expect, it } from 'vitest'
import { until, useShop } from './shop.js'

/**
 * The README's story, as a newcomer plays it by hand: the double-charge trap armed from the page,
 * Pay, a reload mid-spinner, Back, Pay again. One charge, one key, all the way.
 */
describe("the newcomer's story", () => {
  const t = useShop()

  it('drop after commit, Pay, reload mid-spinner, Back, Pay again: one charge, the same key throughout', async () => {
    const shop = await t.open()
    await shop.page.getByText('Drop after the charge').click()
    await shop.page.locator('#chaos-state[data-mode="drop-after-commit"]').waitFor()
    // The panel arms one lost answer; keep losing them until the reloaded page has picked the
    // payment up, so a slow machine cannot let a retry finish before the reload lands.
    await t.demo.chaos({ mode: 'drop-after-commit', count: null })

    await shop.pay()
    // The charge committed, its answer was lost, and a retry is counting down: reload now.
    await shop.page.locator('#intent-state[data-state="pending"]').waitFor()
    const key = await shop.key()
    await until(() => t.demo.ledger(key), ledger => ledger.total === 1, 'the charge whose answer is lost')
    await until(() => shop.timeline(), titles => titles.includes('Connection lost before an answer'), 'the lost answer on the timeline')
    await shop.reload()

    await until(() => shop.timeline(), titles => titles.includes('Found an unfinished payment on this device'), 'the reloaded page finding the payment')
    await t.demo.chaos({ mode: 'off' })
    // No click: the reloaded page's client picks the payment up with its key.
    const orderId = await shop.confirmed()
    expect(await shop.key()).toBe(key)

    await shop.page.goBack()
    await shop.page.locator('#checkout-view').waitFor({ state: 'visible' })
    await shop.pay()

    expect(await shop.confirmed()).toBe(orderId)
    expect((await shop.notice()).kind).toBe('already-paid')
    expect(await shop.key()).toBe(key)
    await shop.ledgerShows(1)
    const ledger = await t.demo.ledger()
    expect(ledger.charges.map(charge => [charge.key, charge.orderId])).toEqual([[key, orderId]])
    // Every request the server ever saw carried that one key.
    expect(new Set((await t.demo.requests()).map(request => request.key))).toEqual(new Set([key]))
    expect(shop.errors).toEqual([])
  })
})
