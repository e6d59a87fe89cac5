import { describe, expect, it } from 'vitest'
import { shortKey } from '../../demo/page/key.js'
import { until, useShop } from './shop.js'

describe('a payment that outlives the page or the server', () => {
  const t = useShop()

  it('resumes a pending payment after a reload with the same key', async () => {
    // Every answer is lost: the charge happens, but the page cannot know.
    await t.demo.chaos({ mode: 'drop-after-commit', count: null })
    const shop = await t.open()
    await shop.pay()
    await shop.page.locator('#intent-state[data-state="pending"]').waitFor()
    const key = await shop.key()
    await until(() => t.demo.ledger(key), ledger => ledger.total === 1, 'the first charge')

    // Still faulty while the page reloads, so the payment is surely pending when the new page looks.
    await shop.reload()
    await until(() => shop.timeline(), titles => titles.includes('Found an unfinished payment on this device'), 'the reloaded page finding the payment')
    await t.demo.chaos({ mode: 'off' })

    // No click: the client picks the payment up by itself, with its key.
    await shop.confirmed()
    expect(await shop.key()).toBe(key)
    expect(await shop.notice()).toEqual({ kind: 'confirmed-background', text: expect.stringContaining(shortKey(key)) })
    expect(await shop.timeline()).toContain('Unfinished payment picked up')
    expect((await t.demo.ledger()).total).toBe(1)
    // Before and after the reload, the server only ever saw this one key.
    const requests = await t.demo.requests()
    expect(new Set(requests.map(request => request.key))).toEqual(new Set([key]))
    expect(requests.at(-1)?.outcome).toBe('replayed')
  })

  it('shows the stored order when Pay is pressed again after Back, without a request', async () => {
    const shop = await t.open()
    await shop.pay()
    const orderId = await shop.confirmed()
    const key = await shop.key()

    await shop.page.goBack()
    await shop.page.locator('#checkout-view').waitFor({ state: 'visible' })
    expect(await shop.notice()).toMatchObject({ kind: 'already-paid', text: expect.stringContaining(orderId) })
    await shop.pay()

    expect(await shop.confirmed()).toBe(orderId)
    expect((await shop.notice()).kind).toBe('already-paid')
    expect(await shop.key()).toBe(key)
    expect((await t.demo.ledger()).total).toBe(1)
    expect(await t.demo.requests(key)).toHaveLength(1)
  })

  it('shows each order under its own address when Back reaches an earlier one', async () => {
    const shop = await t.open()
    await shop.pay()
    const first = await shop.confirmed()
    const firstKey = await shop.key()
    await shop.page.getByText('Shop again with a new cart').click()
    await shop.page.locator('#intent-state[data-state="none"]').waitFor()
    await shop.pay()
    const second = await shop.confirmed()

    // Back to the second cart's checkout, then Back again to the first order's address.
    await shop.page.goBack()
    await shop.page.locator('#checkout-view').waitFor({ state: 'visible' })
    await shop.page.goBack()
    await shop.page.locator('#confirmation-view').waitFor({ state: 'visible' })

    expect(new URL(shop.page.url()).searchParams.get('order')).toBe(first)
    expect(await shop.page.locator('#order-id').textContent()).toBe(first)
    expect(await shop.page.locator('#order-key').textContent()).toBe(firstKey)
    expect(await shop.notice()).toMatchObject({ kind: 'earlier-order', text: expect.stringContaining(shortKey(firstKey)) })

    await shop.page.goForward()
    await shop.page.goForward()
    await shop.page.locator(`#order-id:text-is("${second}")`).waitFor()
    expect((await t.demo.ledger()).charges.map(charge => charge.orderId)).toEqual([first, second])
    expect(await t.demo.requests()).toHaveLength(2)
  })

  it('shows a paid order after a reload, without a new charge', async () => {
    const shop = await t.open()
    await shop.pay()
    const orderId = await shop.confirmed()

    await shop.reload()

    expect(await shop.confirmed()).toBe(orderId)
    expect((await shop.notice()).kind).toBe('already-paid')
    expect((await t.demo.ledger()).total).toBe(1)
    expect(await t.demo.requests()).toHaveLength(1)
  })

  it('loses nothing when the server restarts mid-flow', async () => {
    const demo = await t.durable()
    await demo.chaos({ mode: 'drop-after-commit', count: null })
    const shop = await t.open()
    await shop.pay()
    await shop.page.locator('#intent-state[data-state="pending"]').waitFor()
    const key = await shop.key()
    await until(() => demo.ledger(key), ledger => ledger.total === 1, 'the first charge')

    // A new process on the same port and database; its chaos is off.
    await demo.restart()

    // The call's retries reach the new server, or, if they ran out first, the client's own
    // tries do: either way with the stored key, and with no click.
    await shop.page.locator('#confirmation-view').waitFor({ state: 'visible', timeout: 40_000 })
    await shop.confirmed()
    expect(await shop.key()).toBe(key)
    expect((await demo.ledger()).total).toBe(1)
    expect((await demo.ledger(key)).total).toBe(1)
    // The new process's log: the key was known from the database, so it replayed.
    expect((await demo.requests(key)).map(request => request.outcome)).toEqual(['replayed'])
  })
})
