import { afterEach, describe, expect, it, vi } from 'vitest'
import { cart, client, network, until } from '../support/harness.js'

const net = network()
afterEach(() => vi.useRealTimers())

describe('retries with the same key', () => {
  it('recovers a response lost after the server committed, with one charge', async () => {
    const pay = net.payments()
    pay.fail({ type: 'drop-after-commit' })
    const { api } = client()

    const res = await api.post('orders', { json: cart, intent: 'checkout:c42' })

    expect(pay.charges).toHaveLength(1)
    expect(pay.requests).toHaveLength(2)
    expect(new Set(pay.keys()).size).toBe(1)
    expect(await res.json()).toEqual({ orderId: 'ord_1', key: pay.keys()[0] })
    expect(res.headers.get('idempotent-replayed')).toBe('true')
  })

  it('sends the key as an sf-string by default, bare when asked', async () => {
    const pay = net.payments()
    await client().api.post('orders', { json: cart, intent: 'a' })
    await client({ keyFormat: 'bare' }).api.post('orders', { json: cart, intent: 'b' })
    expect(pay.requests[0]!.key).toMatch(/^"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$/)
    expect(pay.requests[1]!.key).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('sends the key under the header name the server expects', async () => {
    const pay = net.payments()
    const { api } = client({ keyHeader: 'X-Request-Id', throwHttpErrors: false })
    await api.post('orders', { json: cart, intent: 'a' })
    expect(pay.requests[0]!.headers.get('x-request-id')).toMatch(/^"[0-9a-f-]{36}"$/)
    expect(pay.requests[0]!.key).toBeNull()
  })

  it('retries a connection dropped before the server acted', async () => {
    const pay = net.payments()
    pay.fail({ type: 'drop-before' }, { type: 'drop-before' })
    const { api, events } = client()

    await api.post('orders', { json: cart, intent: 'checkout:c42' })

    expect(pay.charges).toHaveLength(1)
    expect(events.filter(e => e.type === 'attempt').map(e => e.type === 'attempt' && e.attempt)).toEqual([1, 2, 3])
    expect((await api.intents.get('checkout:c42'))?.attempts).toBe(3)
  })

  it('waits after a 409 (still in progress) and then gets the answer', async () => {
    const pay = net.payments()
    pay.fail({ type: 'status', status: 409 })
    const { api, events } = client()

    const res = await api.post('orders', { json: cart, intent: 'checkout:c42' })

    expect(res.status).toBe(201)
    expect(pay.charges).toHaveLength(1)
    expect(events.find(e => e.type === 'retry-scheduled')).toMatchObject({ reason: 'HTTP 409', attempt: 1 })
  })

  it.each([
    // As asked plus up to a quarter more, at random (0.5 here): never exactly N s for every client.
    { status: 503, retryAfter: '3', wait: 3375 },
    { status: 429, retryAfter: 'Mon, 23 Nov 2026 10:00:05 GMT', wait: 5625 },
  ])('honours $status with Retry-After: $retryAfter, jittered', async ({ status, retryAfter, wait }) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-11-23T10:00:00Z') })
    const pay = net.payments()
    pay.fail({ type: 'status', status, retryAfter })
    const { api, events } = client({ random: () => 0.5 })

    const call = api.post('orders', { json: cart, intent: 'checkout:c42' })
    await until(() => events.some(e => e.type === 'retry-scheduled'))
    await vi.advanceTimersByTimeAsync(wait - 1)
    expect(pay.requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    await until(() => pay.requests.length === 2)
    await call

    expect(pay.requests).toHaveLength(2)
    expect(pay.requests[1]!.at - pay.requests[0]!.at).toBe(wait)
    expect(events.find(e => e.type === 'retry-scheduled')).toMatchObject({ delay: wait, reason: `HTTP ${status}` })
  })

  it('honours a Retry-After longer than the old 20 s cap, up to maxRetryAfter', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const pay = net.payments()
    pay.fail({ type: 'status', status: 503, retryAfter: '90' }, { type: 'status', status: 503, retryAfter: '3600' })
    const { api, events } = client({ random: () => 0, deadline: 2 ** 31 - 1 })

    const call = api.post('orders', { json: cart, intent: 'checkout:c42' })
    await until(() => events.some(e => e.type === 'retry-scheduled'))
    await vi.advanceTimersByTimeAsync(90_000)
    await until(() => events.filter(e => e.type === 'retry-scheduled').length === 2)
    await vi.advanceTimersByTimeAsync(600_000)
    await until(() => pay.requests.length === 3)
    await call

    expect(events.filter(e => e.type === 'retry-scheduled').map(e => e.type === 'retry-scheduled' && e.delay)).toEqual([90_000, 600_000])
    expect(pay.charges).toHaveLength(1)
  })

  it('caps a long Retry-After at maxRetryAfter', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const pay = net.payments()
    pay.fail({ type: 'status', status: 503, retryAfter: '3600' })
    const { api, events } = client({ retry: { maxRetryAfter: 2000 }, random: () => 0 })

    const call = api.post('orders', { json: cart, intent: 'checkout:c42' })
    await until(() => events.some(e => e.type === 'retry-scheduled'))
    await vi.advanceTimersByTimeAsync(2000)
    await until(() => pay.requests.length === 2)
    await call

    expect(pay.requests[1]!.at - pay.requests[0]!.at).toBe(2000)
  })

  it('spends no attempts on answers that say to wait (409, 429 and 503 with Retry-After)', async () => {
    const pay = net.payments()
    pay.fail({ type: 'status', status: 409 }, { type: 'status', status: 503, retryAfter: '0' }, { type: 'status', status: 429, retryAfter: '0' }, { type: 'drop-before' })
    const { api } = client({ retry: { limit: 1 } })

    const res = await api.post('orders', { json: cart, intent: 'checkout:c42' })

    // Three waits and one failure: within a limit of one failed attempt.
    expect(res.status).toBe(201)
    expect(pay.requests).toHaveLength(5)
    expect(pay.charges).toHaveLength(1)
  })

  it('does not obey "come back in a second" forever: past the quick tells, each doubles the least wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const pay = net.payments()
    const told = { type: 'status', status: 503, retryAfter: '1' } as const
    // Failing for a while first, so that the aged wait (about the intent's age) is above the floors.
    pay.fail({ type: 'drop-before' }, { type: 'drop-before' }, { type: 'drop-before' }, told, told, told)
    const { api, events } = client({ random: () => 0.5, retry: { delay: 1000 } })
    const delays = () => events.flatMap(e => (e.type === 'retry-scheduled' ? [e.delay] : []))

    const call = api.post('orders', { json: cart, intent: 'checkout:c42' })
    for (let retry = 1; retry <= 6; retry++) {
      await until(() => delays().length === retry)
      await vi.advanceTimersByTimeAsync(delays()[retry - 1]!)
    }
    await call

    // Told: 1 s + jitter as asked, then at least 2 s, then 4 s: doubling, not at once the aged
    // wait (the intent is 6.5 s old at the second tell, 8.5 s at the third).
    expect(delays().slice(3)).toEqual([1500, 2000, 4000])
    expect(pay.charges).toHaveLength(1)
  })

  it('starts over with quick retries when the app calls again for an intent failing for a minute', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const pay = net.payments()
    pay.fail({ type: 'drop-before' }, { type: 'drop-before' }, { type: 'drop-before' }, { type: 'drop-before' })
    const { api, events } = client({ random: () => 0.5, retry: { delay: 1000, limit: 2 }, background: false })
    const delays = () => events.flatMap(e => (e.type === 'retry-scheduled' ? [e.delay] : []))

    const first = api.post('orders', { json: cart, intent: 'checkout:c42' }).catch(e => e)
    for (let retry = 1; retry <= 2; retry++) {
      await until(() => delays().length === retry)
      await vi.advanceTimersByTimeAsync(delays()[retry - 1]!)
    }
    expect((await first).name).toBe('IntentPendingError')
    await vi.advanceTimersByTimeAsync(60_000)

    // Someone is waiting on this call: a blip's quick retry (0.5 × 1 s), not a wait of the
    // intent's age (about a minute), which is for the background.
    const again = api.intents.resume('checkout:c42')
    await until(() => delays().length === 3)
    expect(delays()).toEqual([500, 2000, 500])
    await vi.advanceTimersByTimeAsync(500)
    expect((await again).status).toBe(201)
    expect(pay.charges).toHaveLength(1)
    expect(new Set(pay.keys()).size).toBe(1)
  })

  it('spends an attempt on a 503 that does not say how long to wait', async () => {
    const pay = net.payments()
    pay.fail({ type: 'status', status: 503 }, { type: 'status', status: 503 })
    const { api } = client({ retry: { limit: 1 }, background: false })

    const error = await api.post('orders', { json: cart, intent: 'checkout:c42' }).catch(e => e)

    expect(error.name).toBe('IntentPendingError')
    expect(pay.requests).toHaveLength(2)
  })

  it('waits by the default schedule: one quick retry with full jitter, then from 2 s on', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const pay = net.payments()
    pay.fail({ type: 'drop-before' }, { type: 'drop-before' })
    const { api, events } = client({ random: () => 0.5, retry: { delay: 1000 } })

    const call = api.post('orders', { json: cart, intent: 'checkout:c42' })
    for (const [retry, delay] of [[1, 500], [2, 2000]] as const) {
      await until(() => events.filter(e => e.type === 'retry-scheduled').length === retry)
      await vi.advanceTimersByTimeAsync(delay)
    }
    await call

    // Retry 1: 0.5 × 1000 (the quick retry); retry 2: the long regime's 2 s floor (age 0.5 s × 1).
    expect(events.filter(e => e.type === 'retry-scheduled').map(e => e.type === 'retry-scheduled' && e.delay)).toEqual([500, 2000])
    expect(pay.requests[2]!.at - pay.requests[0]!.at).toBe(2500)
  })

  it('retries a per-attempt timeout with the same key', async () => {
    const pay = net.payments()
    let release!: () => void
    pay.fail({ type: 'hold', release: new Promise<void>(resolve => (release = resolve)) })
    const { api } = client({ timeout: 30 })

    const call = api.post('orders', { json: cart, intent: 'checkout:c42' })
    // The first attempt times out; the retry meets the first still running (409) until it commits.
    await vi.waitFor(() => expect(pay.requests.length).toBeGreaterThanOrEqual(2))
    release()
    const res = await call

    expect(res.status).toBe(201)
    expect(pay.charges).toHaveLength(1)
    expect(new Set(pay.keys()).size).toBe(1)
  })

  it('does not retry a bug in an app hook', async () => {
    const pay = net.payments()
    const { api } = client({ hooks: { beforeRequest: [() => { throw new TypeError('oops') }] } })
    await expect(api.post('orders', { json: cart, intent: 'checkout:c42' })).rejects.toMatchObject({ name: 'IntentPendingError', cause: { message: 'oops' } })
    expect(pay.requests).toHaveLength(0)
  })
})
