import { describe, expect, it } from 'vitest'
import { useShop, type Shop } from './shop.js'

/**
 * Real IndexedDB that fails on demand: the next `n` reads or writes of any object store throw, as
 * Chromium's do when the backing store hiccups ("UnknownError: Internal error").
 */
const flakyIndexedDb = () => {
  const inject = (name: 'get' | 'put') => {
    const original = IDBObjectStore.prototype[name] as (...args: unknown[]) => IDBRequest
    IDBObjectStore.prototype[name] = function (this: IDBObjectStore, ...args: unknown[]) {
      const left = (globalThis as { idbFailures?: number }).idbFailures ?? 0
      if (left > 0) {
        ;(globalThis as { idbFailures?: number }).idbFailures = left - 1
        throw new DOMException('Internal error (injected by the test)', 'UnknownError')
      }
      return original.apply(this, args)
    } as never
  }
  inject('get')
  inject('put')
}

const failNext = (shop: Shop, n: number) => shop.page.evaluate(count => void ((globalThis as { idbFailures?: number }).idbFailures = count), n)
const failuresLeft = (shop: Shop) => shop.page.evaluate(() => (globalThis as { idbFailures?: number }).idbFailures ?? 0)

describe('IndexedDB that fails for a moment, in Chromium', () => {
  const t = useShop()

  it('replays a paid order when the next read fails once: no second charge, no second key', async () => {
    await t.context.addInitScript(flakyIndexedDb)
    const shop = await t.open()
    await shop.pay()
    const order = await shop.confirmed()
    const key = await shop.key()

    await shop.page.goBack()
    await shop.page.locator('#checkout-view').waitFor({ state: 'visible' })
    await failNext(shop, 1)
    await shop.pay()
    await shop.waitForNotice('already-paid')

    expect(await failuresLeft(shop)).toBe(0)
    expect(await shop.page.locator('#notice').textContent()).toContain(order)
    expect(await t.demo.ledger()).toMatchObject({ total: 1, charges: [{ key }] })
    expect(await t.demo.requests()).toHaveLength(1)
  })

  it('loses nothing when IndexedDB fails three times during a payment whose answer is lost', async () => {
    await t.context.addInitScript(flakyIndexedDb)
    await t.demo.chaos({ mode: 'drop-after-commit', count: 1 })
    const shop = await t.open()

    await failNext(shop, 3)
    await shop.pay()
    await shop.confirmed()
    const key = await shop.key()
    await shop.reload()

    expect(await failuresLeft(shop)).toBe(0)
    expect(await shop.key()).toBe(key)
    expect(await t.demo.ledger()).toMatchObject({ total: 1, charges: [{ key }] })
    expect(new Set((await t.demo.requests()).map(r => r.key))).toEqual(new Set([key]))
  })

  it('charges once when two tabs pay at once and one tab\'s IndexedDB fails once', async () => {
    await t.context.addInitScript(flakyIndexedDb)
    const first = await t.open()
    const second = await t.open()

    await failNext(first, 1)
    await Promise.all([first.pay(), second.pay()])
    const [a, b] = await Promise.all([first.confirmed(), second.confirmed()])

    expect(a).toBe(b)
    expect(await first.key()).toBe(await second.key())
    expect(await t.demo.ledger()).toMatchObject({ total: 1 })
  })
})
