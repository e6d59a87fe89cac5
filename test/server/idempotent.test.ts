// The wrapper's contract, request by request, on the in-process store (the store contract itself
// runs on every backend in stores.test.ts).
import { describe, expect, it } from 'vitest'
import { idempotent, memoryStore, OncelyServerOptionError, type IdempotentOptions } from '../../src/server/index.js'

const KEY = '0190b6e4-7a1c-7cc1-9d2e-5f3a2b1c0d9e'

/** A handler that counts its effects and answers each with a new order id. */
function shop(options: Partial<IdempotentOptions> = {}, behaviour: (call: number, request: Request) => Response | undefined | Promise<Response | undefined> = () => undefined) {
  let effects = 0
  const handler = idempotent(async (request) => {
    const call = ++effects
    const special = await behaviour(call, request)
    if (special) return special
    return new Response(JSON.stringify({ orderId: `ord_${call}`, body: await request.text() }), { status: 201, headers: { 'content-type': 'application/json', location: `/orders/${call}`, 'set-cookie': 'session=1', 'x-trace': String(call) } })
  }, { store: memoryStore(), ...options })
  return { handler, effects: () => effects }
}

const post = (key: string | null, body = '{"amount":25}', path = '/orders', headers: Record<string, string> = {}) =>
  new Request(`http://shop.test${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'idempotency-key': key }), ...headers }, body })

function deferred() {
  let open!: () => void
  const gate = new Promise<void>((resolve) => (open = resolve))
  let enter!: () => void
  const entered = new Promise<void>((resolve) => (enter = resolve))
  return { gate, open, entered, enter }
}

describe('idempotent(): one key, one effect', () => {
  it('runs the handler on a new key and answers with its response, unmarked', async () => {
    const { handler, effects } = shop()

    const answer = await handler(post(`"${KEY}"`))

    expect(answer.status).toBe(201)
    expect(await answer.json()).toEqual({ orderId: 'ord_1', body: '{"amount":25}' })
    expect(answer.headers.get('idempotent-replayed')).toBeNull()
    expect(answer.headers.get('set-cookie')).toBe('session=1') // the first answer is the handler's own
    expect(effects()).toBe(1)
  })

  it('replays the stored answer byte for byte, marked, with the kept headers only, and runs no second effect', async () => {
    const { handler, effects } = shop()
    const first = await handler(post(`"${KEY}"`))
    const firstBytes = new Uint8Array(await first.arrayBuffer())

    const replay = await handler(post(`"${KEY}"`))

    expect(replay.status).toBe(201)
    expect(new Uint8Array(await replay.arrayBuffer())).toEqual(firstBytes)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(replay.headers.get('content-type')).toBe('application/json')
    expect(replay.headers.get('location')).toBe('/orders/1')
    expect(replay.headers.get('set-cookie')).toBeNull()
    expect(replay.headers.get('x-trace')).toBeNull()
    expect(effects()).toBe(1)
  })

  it('replays binary bodies exactly', async () => {
    const bytes = new Uint8Array([0, 1, 254, 255, 0xc3, 0x28])
    const { handler } = shop({}, () => new Response(bytes, { status: 200, headers: { 'content-type': 'application/octet-stream' } }))
    await handler(post(KEY))

    const replay = await handler(post(KEY))

    expect(new Uint8Array(await replay.arrayBuffer())).toEqual(bytes)
  })

  it('treats the sf-string and the bare form of a key as the same key', async () => {
    const { handler, effects } = shop()
    await handler(post(`"${KEY}"`))

    const bare = await handler(post(KEY))

    expect(bare.headers.get('idempotent-replayed')).toBe('true')
    expect(effects()).toBe(1)
  })

  it('answers 409 problem+json with Retry-After while the first request with the key runs', async () => {
    const held = deferred()
    const { handler, effects } = shop({ retryAfter: 2 }, async (call) => {
      if (call === 1) {
        held.enter()
        await held.gate
      }
      return undefined
    })
    const first = handler(post(`"${KEY}"`))
    await held.entered

    const second = await handler(post(`"${KEY}"`))
    held.open()

    expect(second.status).toBe(409)
    expect(second.headers.get('retry-after')).toBe('2')
    expect(second.headers.get('content-type')).toBe('application/problem+json')
    expect((await second.json()).type).toBe('urn:oncely:problem:idempotency-key-in-progress')
    expect((await first).status).toBe(201)
    expect(effects()).toBe(1)
  })

  it('runs one effect when twenty requests with one key arrive at once', async () => {
    const { handler, effects } = shop({}, async () => {
      await new Promise((resolve) => setImmediate(resolve))
      return undefined
    })

    const answers = await Promise.all(Array.from({ length: 20 }, () => handler(post(KEY))))

    expect(effects()).toBe(1)
    expect(answers.filter((a) => a.status === 201 && !a.headers.has('idempotent-replayed'))).toHaveLength(1)
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true)
  })

  it.each([
    { title: 'another body', request: () => post(KEY, '{"amount":26}') },
    { title: 'another query string', request: () => post(KEY, '{"amount":25}', '/orders?currency=USD') },
  ])('answers 422 when the key comes back with $title, and acts no more', async ({ request }) => {
    const { handler, effects } = shop()
    await handler(post(KEY))

    const reused = await handler(request())

    expect(reused.status).toBe(422)
    expect(await reused.json()).toMatchObject({ status: 422, type: 'urn:oncely:problem:idempotency-key-reused' })
    expect(effects()).toBe(1)
  })

  it('answers 422 for another payload even while the first is in progress', async () => {
    const held = deferred()
    const { handler } = shop({}, async (call) => {
      if (call === 1) {
        held.enter()
        await held.gate
      }
      return undefined
    })
    const first = handler(post(KEY))
    await held.entered

    expect((await handler(post(KEY, '{"amount":99}'))).status).toBe(422)
    held.open()
    await first
  })

  it('keeps keys per scope, method and route: one user’s key never replays another’s answer', async () => {
    const { handler, effects } = shop({ scope: (request) => request.headers.get('x-user') ?? '' })

    const alice = await handler(post(KEY, '{"amount":25}', '/orders', { 'x-user': 'alice' }))
    const bob = await handler(post(KEY, '{"amount":25}', '/orders', { 'x-user': 'bob' }))
    const otherRoute = await handler(post(KEY, '{"amount":25}', '/refunds', { 'x-user': 'alice' }))

    expect(effects()).toBe(3)
    expect(bob.headers.get('idempotent-replayed')).toBeNull()
    expect((await bob.json()).orderId).not.toBe((await alice.json()).orderId)
    expect(otherRoute.status).toBe(201)
  })

  it.each([
    ['no header', null, 'missing'],
    ['an empty sf-string', '""', 'missing'],
    ['an unterminated sf-string', '"abc', 'invalid'],
    ['non-ASCII', 'clé', 'invalid'],
  ])('answers 400 problem+json for %s, and runs nothing', async (_title, key, reason) => {
    const { handler, effects } = shop()

    const answer = await handler(post(key))

    expect(answer.status).toBe(400)
    expect(await answer.json()).toMatchObject({ type: `urn:oncely:problem:idempotency-key-${reason}` })
    expect(effects()).toBe(0)
  })

  it('passes a keyless request through unguarded when the app opts out (required: false)', async () => {
    const { handler, effects } = shop({ required: false })

    await handler(post(null))
    await handler(post(null))

    expect(effects()).toBe(2)
  })

  it('leaves methods it does not guard alone (GET by default)', async () => {
    const { handler, effects } = shop()

    const answer = await handler(new Request('http://shop.test/orders/1'))

    expect(answer.status).toBe(201)
    expect(effects()).toBe(1)
  })

  it('refuses a body over maxBodyBytes with 413 before claiming the key', async () => {
    const { handler, effects } = shop({ maxBodyBytes: 10 })

    const answer = await handler(post(KEY, 'x'.repeat(11)))
    const fits = await handler(post(KEY, 'x'.repeat(10)))

    expect(answer.status).toBe(413)
    expect(fits.status).toBe(201)
    expect(effects()).toBe(1)
  })
})

describe('idempotent(): failures are never cached', () => {
  it.each([500, 502, 503, 408, 425, 429])('releases the key when the handler answers %i, so the retry runs afresh', async (status) => {
    const { handler, effects } = shop({}, (call) => (call === 1 ? new Response('try again', { status }) : undefined))

    const failed = await handler(post(KEY))
    const retry = await handler(post(KEY))

    expect(failed.status).toBe(status)
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBeNull()
    expect(effects()).toBe(2)
  })

  it('releases the key and rethrows when the handler throws', async () => {
    const { handler } = shop({}, (call) => {
      if (call === 1) throw new Error('card network down')
      return undefined
    })

    await expect(handler(post(KEY))).rejects.toThrow('card network down')
    expect((await handler(post(KEY))).status).toBe(201)
  })

  it('stores a 4xx the handler decided (the client will not retry it)', async () => {
    const { handler, effects } = shop({}, () => Response.json({ error: 'card declined' }, { status: 402 }))

    await handler(post(KEY))
    const replay = await handler(post(KEY))

    expect(replay.status).toBe(402)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(effects()).toBe(1)
  })

  it('forgets the key when the handler says nothing happened (ctx.forget), so a fixed retry is a first request', async () => {
    let calls = 0
    const handler = idempotent(async (request, ctx) => {
      calls++
      const body = (await request.json()) as { amount?: number }
      if (!(body.amount! > 0)) return ctx.forget(Response.json({ error: 'amount must be > 0' }, { status: 400 }))
      return Response.json({ ok: true }, { status: 201 })
    }, { store: memoryStore() })

    const refused = await handler(post(KEY, '{"amount":0}'))
    const fixed = await handler(post(KEY, '{"amount":5}'))

    expect(refused.status).toBe(400)
    expect(fixed.status).toBe(201) // not 422: the first body was never remembered
    expect(calls).toBe(2)
  })

  it('throws TransactionUnsupportedError from ctx.tx on a store without transactions, and frees the key', async () => {
    const store = memoryStore()
    const handler = idempotent(async (_request, ctx) => {
      await ctx.tx.query('SELECT 1')
      return new Response('never')
    }, { store })

    await expect(handler(post(KEY))).rejects.toMatchObject({ name: 'TransactionUnsupportedError' })
    expect(store.size).toBe(0)
  })
})

describe('idempotent(): time', () => {
  it('forgets a key after the ttl and treats it as new', async () => {
    let now = 1_000_000
    const { handler, effects } = shop({ ttl: 60_000, lease: 1_000, now: () => now })
    await handler(post(KEY))

    now += 59_999
    const within = await handler(post(KEY))
    now += 1
    const after = await handler(post(KEY, '{"amount":30}'))

    expect(within.headers.get('idempotent-replayed')).toBe('true')
    expect(after.status).toBe(201)
    expect(effects()).toBe(2)
  })

  it('lets a retry take over a claim whose lease ran out; the stalled request then writes nothing and answers 409', async () => {
    let now = 1_000_000
    const held = deferred()
    const { handler, effects } = shop({ lease: 30_000, now: () => now }, async (call) => {
      if (call === 1) {
        held.enter()
        await held.gate
      }
      return undefined
    })
    const stalled = handler(post(KEY))
    await held.entered
    now += 30_000
    const retry = await handler(post(KEY))
    held.open()
    const late = await stalled
    const replay = await handler(post(KEY))

    expect(retry.status).toBe(201)
    expect(late.status).toBe(409)
    expect(await replay.json()).toMatchObject({ orderId: 'ord_2' })
    expect(effects()).toBe(2) // the stalled handler ran too: without ctx.tx its effect is its own to make idempotent
  })
})

describe('idempotent(): options and outcomes', () => {
  it('reports every outcome with its request', async () => {
    const events: string[] = []
    const { handler } = shop({ onOutcome: (event) => events.push(`${event.outcome}:${event.status}:${event.key ?? '-'}`) }, (call) => (call === 1 ? new Response('x', { status: 503 }) : undefined))

    await handler(post(null))
    await handler(post(KEY))
    await handler(post(KEY))
    await handler(post(KEY))
    await handler(post(KEY, '{"other":1}'))

    expect(events).toEqual(['missing-key:400:-', `released:503:${KEY}`, `completed:201:${KEY}`, `replayed:201:${KEY}`, `mismatch:422:${KEY}`])
  })

  it.each([
    { options: { store: undefined }, option: 'store' },
    { options: { ttl: -1 }, option: 'ttl' },
    { options: { lease: Number.NaN }, option: 'lease' },
    { options: { ttl: 1_000, lease: 2_000 }, option: 'lease' },
    { options: { retryAfter: 1.5 }, option: 'retryAfter' },
    { options: { header: 'Bad Header' }, option: 'header' },
  ])('throws OncelyServerOptionError naming $option', ({ options, option }) => {
    const make = () => idempotent(async () => new Response(), { store: memoryStore(), ...(options as object) } as IdempotentOptions)
    expect(make).toThrow(OncelyServerOptionError)
    expect(make).toThrow(new RegExp(`^${option}:`))
  })
})
