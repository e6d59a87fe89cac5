import { describe, expect, it } from 'vitest'
import { IntentRejectedError, OncelyInputError } from '../../src/index.js'
import { cart, client, network } from '../support/harness.js'

const net = network()

describe('a refusal ends the intent', () => {
  it.each([422, 400])('%i → rejected, and the next call mints a fresh key', async status => {
    const pay = net.payments()
    pay.fail({ type: 'status', status })
    const { api, events } = client()

    const error = await api.post('orders', { json: cart, intent: 'checkout:c42' }).catch(e => e)
    const refused = await api.intents.get('checkout:c42')
    await api.post('orders', { json: cart, intent: 'checkout:c42' })

    expect(error).toBeInstanceOf(IntentRejectedError)
    expect(error.response.status).toBe(status)
    expect(refused).toMatchObject({ state: 'rejected', error: `HTTP ${status}` })
    expect(pay.requests).toHaveLength(2) // a refusal is not retried
    const [before, after] = pay.keys()
    expect(after).not.toBe(before)
    expect(pay.charges).toHaveLength(1)
    expect(events.filter(e => e.type === 'created')).toHaveLength(2)
  })

  it('resolves with the refusal when throwHttpErrors is false, and from fetch', async () => {
    const pay = net.payments()
    pay.fail({ type: 'status', status: 422 }, { type: 'status', status: 422 })
    const { api } = client({ throwHttpErrors: false })

    const res = await api.post('orders', { json: cart, intent: 'a' })
    const viaFetch = await client().api.fetch('http://api.test/orders', { method: 'POST', body: JSON.stringify(cart), intent: 'b' })

    expect([res.status, viaFetch.status]).toEqual([422, 422])
  })
})

describe('bad input is refused before anything is sent or stored', () => {
  it.each([
    { title: 'an empty intent id', options: { json: cart, intent: '' }, message: /non-empty string/ },
    { title: 'a stream body', options: { body: new ReadableStream(), intent: 'x' }, message: /stream body/ },
    { title: 'a key of its own', options: { json: cart, intent: 'x', headers: { 'Idempotency-Key': 'mine' } }, message: /Do not set Idempotency-Key/ },
    { title: 'a renamed option', options: { json: cart, idempotencyKey: 'k' }, message: /name the action with `intent`/ },
  ])('$title', async ({ options, message }) => {
    const pay = net.payments()
    const { api } = client()

    const call = api.post('orders', options as never)

    await expect(call).rejects.toBeInstanceOf(OncelyInputError)
    await expect(call).rejects.toThrow(message)
    expect(pay.requests).toHaveLength(0)
    expect(await api.intents.pending()).toEqual([])
  })

  it('names a bad client option', () => {
    expect(() => client({ retry: { jitter: 'sometimes' as never } })).toThrow(/retry.jitter/)
    expect(() => client({ namespace: '' })).toThrow(OncelyInputError)
  })
})
