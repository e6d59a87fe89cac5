import { afterEach, describe, expect, it, vi } from 'vitest'
import { IntentPendingError, isReplayed } from '../../src/index.js'
import { cart, client, network, until } from '../support/harness.js'
import { gate } from '../support/payments.js'

const net = network()
afterEach(() => vi.useRealTimers())

describe('a pending intent survives a reload', () => {
  it('is found by the next page on the same IndexedDB and resumed with the same key', async () => {
    const pay = net.payments()
    const first = client({ retry: { limit: 1 } })
    pay.fail({ type: 'drop-after-commit' }, { type: 'drop-before' })

    await expect(first.api.post('orders', { json: cart, intent: 'checkout:c42' })).rejects.toBeInstanceOf(IntentPendingError)
    // "Reload": the first page is gone; a new client shares nothing with it but the database.
    first.api.close()
    const second = client({ db: first.db })
    const [pending] = await second.api.intents.pending()
    const res = await second.api.intents.resume('checkout:c42')

    expect(pending).toMatchObject({ intent: 'checkout:c42', state: 'pending', attempts: 2 })
    expect(res.status).toBe(201)
    expect(pay.charges).toHaveLength(1)
    expect(new Set(pay.keys())).toEqual(new Set([pending!.key]))
    expect(await second.api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed', attempts: 3 })
  })

  it('resumes when the user presses Pay again after the reload (same intent, same payload)', async () => {
    const pay = net.payments()
    const first = client({ retry: { limit: 0 } })
    pay.fail({ type: 'drop-after-commit' })
    await expect(first.api.post('orders', { json: cart, intent: 'checkout:c42' })).rejects.toBeInstanceOf(IntentPendingError)
    first.api.close()

    const second = client({ db: first.db })
    const res = await second.api.post('orders', { json: cart, intent: 'checkout:c42' })

    expect(await res.json()).toMatchObject({ orderId: 'ord_1' })
    expect(pay.charges).toHaveLength(1)
    expect(new Set(pay.keys()).size).toBe(1)
  })

  it('writes the key before the first byte is sent', async () => {
    const pay = net.payments()
    const held = gate()
    pay.fail({ type: 'hold', release: held.promise })
    const first = client()

    const call = first.api.post('orders', { json: cart, intent: 'checkout:c42' })
    await until(() => pay.requests.length === 1)
    // The request is on the wire and unanswered: a page that died now would find this record.
    const onDisk = await client({ db: first.db }).api.intents.get('checkout:c42')
    held.open()
    await call

    expect(onDisk).toMatchObject({ state: 'pending', key: pay.keys()[0], attempts: 1 })
  })

  it('stays pending when retries run out, then confirms on resume', async () => {
    const pay = net.payments()
    pay.fail(...Array.from({ length: 3 }, () => ({ type: 'status' as const, status: 503 })))
    const { api, events } = client({ retry: { limit: 2 } })

    const error = await api.post('orders', { json: cart, intent: 'checkout:c42' }).catch(e => e)
    const stalled = await api.intents.get('checkout:c42')
    await api.intents.resume('checkout:c42')

    expect(error).toBeInstanceOf(IntentPendingError)
    expect(error.record).toMatchObject({ state: 'pending', attempts: 3, error: 'HTTP 503' })
    expect(stalled).toMatchObject({ state: 'pending', key: error.record.key })
    expect(pay.charges).toHaveLength(1)
    expect(new Set(pay.keys()).size).toBe(1)
    expect(events.map(e => e.type)).toContain('pending')
    expect(await api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed', attempts: 4 })
  })

  it('stays pending when the caller aborts, and keeps the key', async () => {
    const pay = net.payments()
    const held = gate()
    pay.fail({ type: 'hold', release: held.promise })
    const { api } = client()
    const controller = new AbortController()

    const call = api.post('orders', { json: cart, intent: 'checkout:c42', signal: controller.signal })
    await until(() => pay.requests.length === 1)
    controller.abort()
    const error = await call.catch(e => e)
    held.open()

    expect(error).toBeInstanceOf(IntentPendingError)
    expect(error.cause.name).toBe('AbortError')
    expect(await api.intents.get('checkout:c42')).toMatchObject({ state: 'pending', key: pay.keys()[0] })
    await api.intents.resume('checkout:c42')
    expect(pay.charges).toHaveLength(1)
  })

  it('stays pending when the deadline passes, and sends nothing after', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const pay = net.payments()
    pay.fail(...Array.from({ length: 50 }, () => ({ type: 'drop-before' as const })))
    // The call alone: the background tries that follow it have their own tests (background.test.ts).
    const { api, events } = client({ deadline: 1000, retry: { delay: 300, limit: 100 }, background: false })

    const call = api.post('orders', { json: cart, intent: 'checkout:c42' }).catch(e => e)
    // Backoff 300, 600, 1200 ms: attempts at 0, 300 and 900; the deadline at 1000 ends the third wait.
    for (const [retry, advance] of [[1, 300], [2, 600], [3, 100]] as const) {
      await until(() => events.filter(e => e.type === 'retry-scheduled').length === retry)
      await vi.advanceTimersByTimeAsync(advance)
    }
    const error = await call
    const sent = pay.requests.length
    await vi.advanceTimersByTimeAsync(60_000)

    expect(error).toBeInstanceOf(IntentPendingError)
    expect(error.cause.name).toBe('DeadlineError')
    expect(sent).toBe(3)
    expect(pay.requests).toHaveLength(sent)
    expect(pay.charges).toHaveLength(0)
  })

  it('throws IntentExpiredError for a pending intent older than the ttl, sending nothing', async () => {
    const pay = net.payments()
    let now = Date.parse('2026-11-23T10:00:00Z')
    const first = client({ retry: { limit: 0 }, now: () => now })
    pay.fail({ type: 'drop-before' })
    await first.api.post('orders', { json: cart, intent: 'checkout:c42' }).catch(() => {})

    now += 25 * 60 * 60 * 1000
    const error = await first.api.intents.resume('checkout:c42').catch(e => e)

    expect(error.name).toBe('IntentExpiredError')
    expect(pay.requests).toHaveLength(1)
  })

  it('replays a confirmed intent on resume even past the ttl, never ordering again', async () => {
    const pay = net.payments()
    let now = Date.parse('2026-11-23T10:00:00Z')
    const { api } = client({ now: () => now, ttl: 1000 })
    await api.post('orders', { json: cart, intent: 'checkout:c42' })

    now += 5000
    const res = await api.intents.resume('checkout:c42')

    expect(isReplayed(res)).toBe(true)
    expect(await res.json()).toMatchObject({ orderId: 'ord_1' })
    expect(pay.requests).toHaveLength(1)
  })
})
