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

  it.each([
    { title: 'a NaN timeout', options: { json: cart, intent: 'x', timeout: Number.NaN }, message: /`timeout` must be a number from 1/ },
    { title: 'a negative deadline', options: { json: cart, intent: 'x', deadline: -1 }, message: /`deadline` must be a number from 1/ },
    { title: 'a deadline past 2^31 ms (a timer would fire at once)', options: { json: cart, intent: 'x', deadline: 2 ** 31 }, message: /`deadline` must be a number from 1 to 2147483647/ },
    { title: 'json with a BigInt', options: { json: { amount: 10n }, intent: 'x' }, message: /`json` cannot be serialised: .*BigInt/ },
    { title: 'json with a cycle', options: { json: cyclic(), intent: 'x' }, message: /`json` cannot be serialised: .*circular/i },
    { title: 'an intent with a lone surrogate', options: { json: cart, intent: 'pay:\ud800' }, message: /lone surrogate/ },
  ])('$title', async ({ options, message }) => {
    const pay = net.payments()
    const { api } = client()

    const call = api.post('orders', options as never)

    await expect(call).rejects.toBeInstanceOf(OncelyInputError)
    await expect(call).rejects.toThrow(message)
    expect(pay.requests).toHaveLength(0)
  })

  it.each([
    { title: 'another scheme', url: 'ftp://api.test/orders', message: /Only http\(s\) URLs/ },
    { title: 'credentials in the URL', url: 'http://user:pw@api.test/orders', message: /user:password@ would store the password/ },
  ])('a URL with $title', async ({ url, message }) => {
    const pay = net.payments()
    const { api } = client({ prefixUrl: '' })

    await expect(api.post(url, { json: cart, intent: 'x' })).rejects.toThrow(message)
    expect(pay.requests).toHaveLength(0)
  })

  it('an absolute URL under prefixUrl, which would be sent to /http://…', async () => {
    const pay = net.payments()
    const { api } = client()

    await expect(api.post('http://api.test/orders', { json: cart, intent: 'x' })).rejects.toThrow(/With `prefixUrl`, pass a path/)
    expect(pay.requests).toHaveLength(0)
  })

  it.each([
    { title: 'an empty namespace', options: { namespace: '' }, message: /`namespace` must be a non-empty string/ },
    { title: 'a namespace that cannot be encoded', options: { namespace: 'u\udc00' }, message: /lone surrogate/ },
    { title: 'a keyHeader that is no header name', options: { keyHeader: 'Idempotency Key' }, message: /`keyHeader` must be an HTTP header name/ },
    { title: 'a timeout past 2^31 ms', options: { timeout: 2 ** 32 }, message: /`timeout` must be a number from 1 to 2147483647/ },
    { title: 'a negative ttl', options: { ttl: -5 }, message: /`ttl` must be a number from 1/ },
    { title: 'a retention shorter than the ttl', options: { ttl: 5000, retention: 10 }, message: /`retention` must be a number from 5000/ },
    { title: 'a jitter strategy, which the schedule replaced', options: { retry: { jitter: 'full' } }, message: /`jitter` is not an option of `retry`: oncely's schedule jitters every wait itself/ },
    { title: 'an unknown retry option', options: { retry: { limt: 3 } }, message: /`limt` is not an option of `retry`: did you mean `limit`\?/ },
  ])('a client with $title', ({ options, message }) => {
    expect(() => client(options as never)).toThrow(OncelyInputError)
    expect(() => client(options as never)).toThrow(message)
  })
})

describe('a refusal is a refusal, however its body arrives', () => {
  it('a 4xx whose body breaks mid-read is still a refusal', async () => {
    const broken = () => new Response(new ReadableStream({ start: c => c.error(new TypeError('terminated')) }), { status: 422 })
    const { api } = client({ fetch: async () => broken() })

    const error = await api.post('orders', { json: cart, intent: 'x' }).catch(e => e)

    expect(error).toBeInstanceOf(IntentRejectedError)
    expect(error.response.status).toBe(422)
  })

  it('a 2xx whose body breaks mid-read is retried with the same key, and the replay confirms it', async () => {
    const pay = net.payments()
    let first = true
    const fetch = async (input: Parameters<typeof globalThis.fetch>[0]) => {
      const response = await globalThis.fetch(input)
      if (!first) return response
      first = false
      return new Response(new ReadableStream({ start: c => c.error(new TypeError('terminated')) }), response)
    }
    const { api } = client({ fetch })

    const res = await api.post('orders', { json: cart, intent: 'x' })

    expect(await res.json()).toMatchObject({ orderId: 'ord_1' })
    expect(new Set(pay.keys()).size).toBe(1)
    expect(pay.charges).toHaveLength(1)
  })
})

function cyclic() {
  const cycle: Record<string, unknown> = { a: 1 }
  cycle.self = cycle
  return cycle
}
