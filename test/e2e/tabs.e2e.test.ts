import { describe, expect, it } from 'vitest'
import { shortKey } from '../../demo/page/key.js'
import { until, useShop, type Shop } from './shop.js'

/** Order requests this tab itself sends, from now on. */
const ordersSentBy = (shop: Shop) => {
  const sent: string[] = []
  shop.page.on('request', request => {
    if (new URL(request.url()).pathname === '/api/orders') sent.push(request.method())
  })
  return sent
}

describe('two tabs, one cart', () => {
  const t = useShop()

  it('charges once when both tabs press Pay at the same moment', async () => {
    const first = await t.open()
    const second = await t.open() // same context: same localStorage cart, same IndexedDB
    expect(await second.intent()).toBe(await first.intent())

    await Promise.all([first.pay(), second.pay()])
    const [firstOrder, secondOrder] = await Promise.all([first.confirmed(), second.confirmed()])

    expect(secondOrder).toBe(firstOrder)
    const key = await first.key()
    expect(await second.key()).toBe(key)
    expect((await t.demo.ledger()).total).toBe(1)
    // The Web Lock let one tab send; the other found the confirmed record and sent nothing.
    expect(await t.demo.requests()).toHaveLength(1)
    const kinds = [(await first.notice()).kind, (await second.notice()).kind].sort()
    expect(kinds).toEqual(['already-paid', 'paid'])
  })

  it('shows a tab that waits for the other one, with the key, then the order it paid', async () => {
    // The first answer comes after the 4 s timeout, so the first tab holds the payment that long.
    await t.demo.chaos({ mode: 'slow', count: 1, delayMs: 6000 })
    const first = await t.open()
    const second = await t.open()
    const sentBySecond = ordersSentBy(second)

    await first.pay()
    // Sent under the Web Lock, which the first tab holds until its call ends, 4 s or more from now.
    await until(() => first.timeline(), titles => titles.includes('Attempt 1 sent'), 'the first tab\'s attempt')
    const key = await first.key()
    await second.pay()

    await second.waitForNotice('waiting')
    await until(() => second.notice(), notice => notice.text.includes(`with key ${shortKey(key)}`), 'the key in the waiting tab\'s message')
    expect(await second.page.locator('#intent-state').textContent()).toBe('waiting for another tab')
    await second.page.locator(`#intent-key[data-key="${key}"]`).waitFor()
    expect(await second.button()).toBe('Waiting for your other tab…')

    const order = await first.confirmed()
    expect(await second.confirmed()).toBe(order)
    expect((await second.notice()).kind).toBe('already-paid')
    expect(sentBySecond).toEqual([])
    expect((await t.demo.ledger()).total).toBe(1)
  })

  it('shows the idle tab a payment another tab finished by itself, without a reload', async () => {
    await t.demo.chaos({ mode: 'drop-before', count: null })
    const paying = await t.open({ pace: 'fast' })
    const idle = await t.open({ pace: 'fast' })
    const sentByIdle = ordersSentBy(idle)
    await idle.page.evaluate(() => void ((window as { loadedOnce?: boolean }).loadedOnce = true))

    await paying.pay()
    await paying.waitForNotice('pending')
    const key = await paying.key()
    // The idle tab reads the shared record: pending, under the other tab's key, and no Pay.
    await idle.page.locator(`#intent-key[data-key="${key}"]`).waitFor()
    await idle.page.locator('#intent-state[data-state="pending"]').waitFor()
    expect(await idle.button()).toBe('Check payment status')
    expect(await idle.notice()).toMatchObject({ kind: 'pending' })

    await t.demo.chaos({ mode: 'off' })

    // The paying tab's client confirms by itself; the idle tab hears it from that tab.
    const order = await paying.confirmed()
    expect(await idle.confirmed()).toBe(order)
    expect(await idle.notice()).toMatchObject({ kind: 'confirmed-elsewhere', text: expect.stringContaining(shortKey(key)) })
    await until(() => idle.timeline(), titles => titles.includes('Confirmed in another tab'), 'the other tab\'s word on the idle tab\'s timeline')
    expect(await idle.page.evaluate(() => (window as { loadedOnce?: boolean }).loadedOnce)).toBe(true)
    expect(sentByIdle).toEqual([])
    expect(await t.demo.ledger()).toMatchObject({ total: 1, charges: [{ key, orderId: order }] })
  })
})
