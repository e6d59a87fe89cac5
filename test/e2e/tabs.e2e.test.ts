import { describe, expect, it } from 'vitest'
import { useShop } from './shop.js'

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
})
