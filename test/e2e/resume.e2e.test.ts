import { describe, expect, it } from 'vitest'
import { until, useShop } from './shop.js'

const shortKey = (key: string) => `${key.slice(0, 8)}…${key.slice(-4)}`

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
    await shop.waitForNotice('resumed')
    expect((await shop.notice()).text).toContain(shortKey(key))
    await t.demo.chaos({ mode: 'off' })

    await shop.confirmed()
    expect(await shop.key()).toBe(key)
    expect(await shop.notice()).toEqual({ kind: 'resumed', text: expect.stringContaining(shortKey(key)) })
    expect(await shop.timeline()).toContain('Found an unfinished payment on this device')
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

    // oncely's retries usually reach the new server; if they ran out first, the page offers to
    // try again, and that too uses the stored key.
    const tryAgain = shop.page.locator('#notice-action')
    const outcome = await Promise.race([
      shop.confirmed().then(() => 'confirmed'),
      tryAgain.waitFor({ timeout: 30_000 }).then(() => 'gave up'),
    ])
    if (outcome === 'gave up') {
      await tryAgain.click()
      await shop.confirmed()
    }
    expect(await shop.key()).toBe(key)
    expect((await demo.ledger()).total).toBe(1)
    expect((await demo.ledger(key)).total).toBe(1)
    // The new process's log: the key was known from the database, so it replayed.
    expect((await demo.requests(key)).map(request => request.outcome)).toEqual(['replayed'])
  })
})
