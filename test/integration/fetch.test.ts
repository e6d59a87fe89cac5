import { describe, expect, it } from 'vitest'
import { isReplayed } from '../../src/index.js'
import { cart, client, network } from '../support/harness.js'

const net = network()

describe('api.fetch, fetch-compatible', () => {
  it('takes a URL and init, and keeps the intent across a lost response', async () => {
    const pay = net.payments()
    pay.fail({ type: 'drop-after-commit' })
    const { api } = client()

    const res = await api.fetch('http://api.test/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cart), intent: 'checkout:c42' })

    expect(res.status).toBe(201)
    expect(pay.charges).toHaveLength(1)
    expect(new Set(pay.keys()).size).toBe(1)
  })

  it('takes a Request, whose body it reads once and can replay', async () => {
    const pay = net.payments()
    pay.fail({ type: 'drop-before' })
    const { api } = client()
    const request = new Request('http://api.test/orders', { method: 'POST', body: JSON.stringify(cart), headers: { 'content-type': 'application/json' } })

    const res = await api.fetch(request, { intent: 'checkout:c42' })
    const again = await api.fetch(new Request(request.url, { method: 'POST', body: JSON.stringify(cart), headers: { 'content-type': 'application/json' } }), { intent: 'checkout:c42' })

    expect(res.status).toBe(201)
    expect(isReplayed(again)).toBe(true)
    expect(pay.charges).toHaveLength(1)
    expect(pay.charges[0]!.body).toBe(JSON.stringify(cart))
  })

  it('keeps what the Request says about redirects and credentials', async () => {
    net.payments()
    const seen: RequestInit[] = []
    const { api } = client({ fetch: async (input, init) => {
      const request = input as Request
      seen.push({ redirect: request.redirect, credentials: request.credentials, ...init })
      return globalThis.fetch(request, init)
    } })

    await api.fetch(new Request('http://api.test/orders', { method: 'POST', body: '{}', redirect: 'manual', credentials: 'omit' }), { intent: 'x' })

    expect(seen[0]).toMatchObject({ redirect: 'manual', credentials: 'omit' })
  })

  it('gives a call without an intent its own key for its retries, stored nowhere', async () => {
    const pay = net.payments()
    pay.fail({ type: 'drop-after-commit' })
    const { api } = client()

    const res = await api.post('orders', { json: cart })
    await api.post('orders', { json: cart })

    expect(res.status).toBe(201)
    expect(pay.keys()[0]).toBe(pay.keys()[1])
    expect(pay.keys()[2]).not.toBe(pay.keys()[0])
    expect(pay.charges).toHaveLength(2)
    expect(await api.intents.pending()).toEqual([])
  })
  it('runs the per-call hooks of the app on every attempt', async () => {
    const pay = net.payments()
    pay.fail({ type: 'drop-before' })
    const { api } = client()
    const seen: number[] = []

    await api.post('orders', { json: cart, intent: 'checkout:c42', hooks: { beforeRequest: [(_r, _o, { retryCount }) => void seen.push(retryCount)] } })

    expect(seen).toEqual([0, 1])
    expect(pay.charges).toHaveLength(1)
  })
  it('hands each caller a full response: status, headers, URL and a body of its own', async () => {
    const pay = net.payments()
    const { api } = client({ storeResponse: false })

    const [a, b] = await Promise.all([
      api.post('orders', { json: cart, intent: 'checkout:c42' }),
      api.post('orders', { json: cart, intent: 'checkout:c42' }),
    ])

    expect(pay.requests).toHaveLength(1)
    for (const res of [a, b]) {
      expect([res.status, res.url, res.headers.get('content-type')]).toEqual([201, 'http://api.test/orders', 'application/json'])
      expect(await res.json()).toMatchObject({ orderId: 'ord_1' })
    }
  })
})
