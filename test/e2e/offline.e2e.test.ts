import { describe, expect, it } from 'vitest'
import { useShop } from './shop.js'

describe('paying while offline', () => {
  const t = useShop()

  it('waits for the network without spending attempts, then confirms once', async () => {
    const shop = await t.open()
    await t.context.setOffline(true)
    await shop.page.waitForFunction(() => !navigator.onLine)

    await shop.pay()
    await shop.waitForNotice('offline')
    // Offline for a while: the scenario needs time to pass, and nothing may be spent meanwhile.
    await shop.page.waitForTimeout(1500)
    expect(await shop.attempts()).toBe(0)
    expect(await t.demo.requests()).toHaveLength(0)
    await shop.page.locator('#intent-state[data-state="pending"]').waitFor()

    await t.context.setOffline(false)

    await shop.confirmed()
    const key = await shop.key()
    expect(await shop.attempts()).toBe(1)
    expect((await t.demo.requests(key)).map(request => request.outcome)).toEqual(['charged'])
    expect((await t.demo.ledger()).total).toBe(1)
    const timeline = await shop.timeline()
    expect(timeline).toContain('Offline · waiting for the network')
    expect(timeline.filter(title => title.startsWith('Attempt'))).toEqual(['Attempt 1 sent'])
  })

  it("holds the payment while the page's own offline switch is on", async () => {
    const shop = await t.open()
    await shop.page.getByText('Go offline').click()

    await shop.pay()
    await shop.waitForNotice('offline')
    expect(await shop.attempts()).toBe(0)
    expect(await t.demo.requests()).toHaveLength(0)

    await shop.page.getByText('Go offline').click()

    await shop.confirmed()
    expect(await shop.attempts()).toBe(1)
    expect((await t.demo.ledger()).total).toBe(1)
  })
})
