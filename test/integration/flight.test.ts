import { describe, expect, it } from 'vitest'
import { IntentConflictError, isReplayed } from '../../src/index.js'
import { cart, client, network, until } from '../support/harness.js'
import { gate } from '../support/payments.js'

const net = network()

describe('one flight per intent', () => {
  it('joins a double click to the call already under way', async () => {
    const pay = net.payments()
    const held = gate()
    pay.fail({ type: 'hold', release: held.promise })
    const { api } = client()

    const first = api.post('orders', { json: cart, intent: 'checkout:c42' })
    const second = api.post('orders', { json: cart, intent: 'checkout:c42' })
    await until(() => pay.requests.length === 1)
    held.open()
    const [a, b] = await Promise.all([first, second])

    expect(pay.requests).toHaveLength(1)
    expect(pay.charges).toHaveLength(1)
    expect(await a.json()).toEqual(await b.json())
  })

  it('gives two tabs on one IndexedDB one key, even without Web Locks', async () => {
    const pay = net.payments()
    const held = gate()
    pay.fail({ type: 'hold', release: held.promise })
    const tabA = client()
    const tabB = client({ db: tabA.db })

    const a = tabA.api.post('orders', { json: cart, intent: 'checkout:c42' })
    const b = tabB.api.post('orders', { json: cart, intent: 'checkout:c42' })
    await until(() => pay.requests.length >= 2)
    held.open()
    await Promise.all([a, b])

    // Tab B met tab A's request in progress (409) and retried the same key into the stored answer.
    expect(new Set(pay.keys()).size).toBe(1)
    expect(pay.charges).toHaveLength(1)
    expect([tabA, tabB].map(tab => tab.events.filter(e => e.type === 'created').length).sort()).toEqual([0, 1])
  })

  it('replays a confirmed intent from the store, without a network call', async () => {
    const pay = net.payments()
    const { api, types } = client()
    const first = await api.post('orders', { json: cart, intent: 'checkout:c42' })

    const again = await api.post('orders', { json: cart, intent: 'checkout:c42' })

    expect(pay.requests).toHaveLength(1)
    expect(isReplayed(again)).toBe(true)
    expect(isReplayed(first)).toBe(false)
    expect(again.status).toBe(201)
    expect(again.headers.get('content-type')).toMatch(/json/)
    expect(await again.json()).toEqual({ orderId: 'ord_1', key: pay.keys()[0] })
    expect(types()).toContain('replayed')
  })

  it('refuses the same intent with another payload before any traffic', async () => {
    const pay = net.payments()
    const { api } = client()
    await api.post('orders', { json: cart, intent: 'checkout:c42' })

    const changed = api.post('orders', { json: { ...cart, amount: 1 }, intent: 'checkout:c42' })

    await expect(changed).rejects.toBeInstanceOf(IntentConflictError)
    await expect(changed).rejects.toMatchObject({ intent: 'checkout:c42' })
    expect(pay.requests).toHaveLength(1)
  })

  it('refuses a conflicting double click while the first is in flight', async () => {
    const pay = net.payments()
    const held = gate()
    pay.fail({ type: 'hold', release: held.promise })
    const { api } = client()

    const first = api.post('orders', { json: cart, intent: 'checkout:c42' })
    const changed = api.post('orders', { json: { ...cart, amount: 1 }, intent: 'checkout:c42' })
    await expect(changed).rejects.toBeInstanceOf(IntentConflictError)
    await until(() => pay.requests.length === 1)
    held.open()
    await first

    expect(pay.requests).toHaveLength(1)
  })
})
