import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { PaymentProvider } from '../../demo/server/shop.js'
import { getJson, heldProvider, manualClock, order, postOrder, serve } from './support/demo.js'

const KEY = '0190b6e4-7a1c-7cc1-9d2e-5f3a2b1c0d9e'

describe('POST /api/orders: the idempotency contract', () => {
  it('charges once on the first request with a key and answers 201 with the receipt', async () => {
    const server = await serve()

    const answer = await postOrder(server.url, `"${KEY}"`)

    expect(answer.status).toBe(201)
    expect(answer.body).toMatchObject({ key: KEY, amount: 25, currency: 'EUR', cartId: 'cart-42', charged: true })
    expect(answer.body.orderId).toMatch(/^ord_[0-9a-f]{16}$/)
    expect(new Date(answer.body.at).toISOString()).toBe(answer.body.at)
    expect(answer.headers.get('idempotent-replayed')).toBeNull()
    expect((await getJson(server.url, '/api/ledger')).total).toBe(1)
  })

  it('replays the stored response for a known key, flagged Idempotent-Replayed, without charging again', async () => {
    const server = await serve()
    const first = await postOrder(server.url, `"${KEY}"`)

    const second = await postOrder(server.url, `"${KEY}"`)

    expect(second.status).toBe(first.status)
    expect(second.body).toEqual(first.body)
    expect(second.headers.get('idempotent-replayed')).toBe('true')
    expect((await getJson(server.url, '/api/ledger')).total).toBe(1)
  })

  it('treats the bare and the quoted form of a key as the same key', async () => {
    const server = await serve()
    const quoted = await postOrder(server.url, `"${KEY}"`)

    const bare = await postOrder(server.url, KEY)

    expect(bare.headers.get('idempotent-replayed')).toBe('true')
    expect(bare.body).toEqual(quoted.body)
    expect((await getJson(server.url, '/api/ledger')).total).toBe(1)
  })

  it('answers 409 with Retry-After while the first request with the key is in progress', async () => {
    const held = heldProvider()
    const server = await serve({ provider: held.provider })
    const first = postOrder(server.url, `"${KEY}"`)
    await held.entered

    const second = await postOrder(server.url, `"${KEY}"`)

    expect(second.status).toBe(409)
    expect(second.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(second.headers.get('retry-after')).toBe('1')
    expect(second.body.type).toMatch(/in-progress/)
    held.open()
    expect((await first).status).toBe(201)
    expect((await getJson(server.url, '/api/ledger')).total).toBe(1)
  })

  it('charges exactly once when many requests with one key arrive at the same time', async () => {
    const server = await serve()

    const answers = await Promise.all(Array.from({ length: 20 }, () => postOrder(server.url, `"${KEY}"`)))

    const created = answers.filter((a) => a.status === 201 && a.headers.get('idempotent-replayed') === null)
    expect(created).toHaveLength(1)
    // The others either met the claim (409) or the stored response (replay): never a second charge.
    for (const other of answers.filter((a) => !created.includes(a))) {
      expect(other.status === 409 || other.headers.get('idempotent-replayed') === 'true').toBe(true)
    }
    expect((await getJson(server.url, '/api/ledger')).total).toBe(1)
  })

  it('answers 422 when a known key comes back with another payload, and charges nothing more', async () => {
    const server = await serve()
    await postOrder(server.url, `"${KEY}"`)

    const reused = await postOrder(server.url, `"${KEY}"`, order({ amount: 99 }))

    expect(reused.status).toBe(422)
    expect(reused.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(reused.body).toMatchObject({ status: 422, type: expect.stringMatching(/reused/) })
    expect((await getJson(server.url, '/api/ledger')).total).toBe(1)
  })

  it('sees the same payload in another key order as the same payload', async () => {
    const server = await serve()
    await postOrder(server.url, `"${KEY}"`, { cartId: 'c', amount: 5, items: [{ sku: 'A', name: 'a', qty: 1, price: 5 }] })

    const again = await postOrder(server.url, `"${KEY}"`, { items: [{ price: 5, qty: 1, name: 'a', sku: 'A' }], amount: 5, cartId: 'c' })

    expect(again.headers.get('idempotent-replayed')).toBe('true')
  })

  it('answers 422 for a mismatched payload even while the first request is in progress', async () => {
    const held = heldProvider()
    const server = await serve({ provider: held.provider })
    const first = postOrder(server.url, `"${KEY}"`)
    await held.entered

    expect((await postOrder(server.url, `"${KEY}"`, order({ cartId: 'other' }))).status).toBe(422)
    held.open()
    await first
  })

  it.each([
    ['no header', null],
    ['an empty header', ''],
    ['an empty quoted string', '""'],
  ])('answers 400 problem+json for %s, and charges nothing', async (_title, key) => {
    const server = await serve()

    const answer = await postOrder(server.url, key)

    expect(answer.status).toBe(400)
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(answer.body).toMatchObject({ status: 400, type: expect.stringMatching(/idempotency-key-missing/), detail: expect.any(String) })
    expect((await getJson(server.url, '/api/ledger')).total).toBe(0)
  })

  it('answers 400 for a malformed quoted key', async () => {
    const server = await serve()

    const answer = await postOrder(server.url, '"unterminated')

    expect(answer.status).toBe(400)
    expect(answer.body.type).toMatch(/idempotency-key-invalid/)
  })

  it.each([
    ['a body that is not JSON', '{nope'],
    ['an order without items', order({ items: [] })],
    ['a negative amount', order({ amount: -1 })],
    ['an item with a fractional quantity', order({ items: [{ sku: 'A', name: 'a', qty: 1.5, price: 1 }] })],
    ['a lower-case currency', order({ currency: 'eur' })],
  ])('refuses %s with 400 and does not remember the key', async (_title, body) => {
    const server = await serve()

    const refused = await postOrder(server.url, `"${KEY}"`, body)
    const fixed = await postOrder(server.url, `"${KEY}"`)

    expect(refused.status).toBe(400)
    expect(refused.body.type).toMatch(/invalid-body/)
    // Nothing happened the first time, so the corrected request is a first request, not a 422.
    expect(fixed.status).toBe(201)
    expect(fixed.headers.get('idempotent-replayed')).toBeNull()
  })

  it('forgets a key after the expiry window and treats it as new', async () => {
    const clock = manualClock()
    const server = await serve({ now: clock.now, keyTtlMs: 60_000 })
    const first = await postOrder(server.url, `"${KEY}"`)

    clock.advance(59_999)
    const within = await postOrder(server.url, `"${KEY}"`)
    clock.advance(1)
    const after = await postOrder(server.url, `"${KEY}"`, order({ amount: 30 }))

    expect(within.headers.get('idempotent-replayed')).toBe('true')
    expect(after.status).toBe(201)
    expect(after.headers.get('idempotent-replayed')).toBeNull()
    expect(after.body.orderId).not.toBe(first.body.orderId)
    expect((await getJson(server.url, '/api/ledger')).total).toBe(2)
  })

  // On PGlite: the charge commits in the request's transaction with the key, so the stalled
  // request's late charge is rolled back by the fence. (The memory backend has no transactions.)
  it('lets a retry take over a claim whose request stalled past the in-progress timeout, charging once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'oncely-takeover-'))
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }))
    const clock = manualClock()
    const stalled = heldProvider()
    let calls = 0
    // Only the first request stalls in the provider: our stand-in for a worker that died mid-payment.
    const provider: PaymentProvider = async (...args) => (++calls === 1 ? stalled.provider(...args) : undefined)
    const server = await serve({ dataDir, now: clock.now, provider, inProgressTimeoutMs: 30_000 })
    const first = postOrder(server.url, `"${KEY}"`)
    await stalled.entered

    clock.advance(30_000)
    const retry = await postOrder(server.url, `"${KEY}"`)
    stalled.open()

    expect(retry.status).toBe(201)
    // The stalled request lost its claim: it commits nothing and is told another request holds the key.
    expect((await first).status).toBe(409)
    expect((await getJson(server.url, '/api/ledger')).total).toBe(1)
  }, 30_000)
})
