/**
 * "Never a second key": one test per way a careful user found to get charged twice or lose an
 * intent. Each arranges the server and the store, acts as the app would, and checks the ledger.
 */
import { describe, expect, it } from 'vitest'
import { createClient, indexedDbStore, isReplayed, memoryStore, type IntentStore } from '../../src/index.js'
import { cart, client, closeAfterTest, freshDb, network, until } from '../support/harness.js'
import { gate } from '../support/payments.js'
import { faultyStore, silentUpdateStore } from '../support/stores.js'

const net = network()
const order = { json: cart, intent: 'checkout:c42' }
const keyOf = (raw: string | null | undefined) => raw?.replace(/^"|"$/g, '')

describe('1. a refusal after an attempt that may have acted keeps the key', () => {
  it.each([401, 400, 403, 404, 422])('answer lost, then %i: pending with its key, and paying again charges once', async status => {
    const pay = net.payments()
    pay.fail({ type: 'drop-after-commit' }, { type: 'status', status })
    const { api } = client()

    const error = await api.post('orders', order).catch(e => e)
    const record = await api.intents.get('checkout:c42')
    const again = await api.post('orders', order)

    expect(error.name).toBe('IntentPendingError')
    expect(error.response?.status).toBe(status)
    expect(record).toMatchObject({ state: 'pending', attempts: 2, declined: 1 })
    expect(again.status).toBe(201)
    expect(new Set(pay.keys())).toEqual(new Set([record!.key]))
    expect(pay.charges).toHaveLength(1)
  })

  it('timeout, then 409, then 401: pending, and the next call replays the one charge', async () => {
    const pay = net.payments()
    const acting = gate()
    pay.fail({ type: 'hold', release: acting.promise }, { type: 'pass' }, { type: 'status', status: 401 })
    const { api } = client({ timeout: 50 })

    const error = await api.post('orders', order).catch(e => e)
    acting.open()
    await until(() => pay.charges.length === 1)
    const again = await api.post('orders', order)

    expect(error.name).toBe('IntentPendingError')
    expect(pay.requests.slice(0, 3).map(r => r.key)).toEqual(Array(3).fill(pay.requests[0]!.key))
    expect(again.status).toBe(201)
    expect(new Set(pay.keys()).size).toBe(1)
    expect(pay.charges).toHaveLength(1)
  })

  it('a refusal of an attempt that cannot have acted still frees the key', async () => {
    const pay = net.payments()
    pay.fail({ type: 'status', status: 429 }, { type: 'status', status: 401 })
    const { api } = client()

    const error = await api.post('orders', order).catch(e => e)

    expect(error.name).toBe('IntentRejectedError')
    expect(await api.intents.get('checkout:c42')).toMatchObject({ state: 'rejected', attempts: 2, declined: 2 })
  })

  it('a 5xx the server marks as replayed is its stored result: stop, stay pending', async () => {
    const pay = net.payments()
    const replayed500 = new Response('{"title":"stored failure"}', { status: 500, headers: { 'Idempotent-Replayed': 'true' } })
    const { api } = client({ fetch: async () => replayed500.clone() })

    const error = await api.post('orders', order).catch(e => e)

    expect(error.name).toBe('IntentPendingError')
    expect(await api.intents.get('checkout:c42')).toMatchObject({ state: 'pending', attempts: 1 })
    expect(pay.requests).toHaveLength(0)
  })
})

describe('2. one transient read error does not lose the pending key', () => {
  it('reads the pending record once the store answers again, and resumes it with its key', async () => {
    const pay = net.payments()
    const db = freshDb()
    pay.fail({ type: 'drop-after-commit' })
    await client({ db, retry: { limit: 0 } }).api.post('orders', order).catch(() => {})
    const faulty = faultyStore(indexedDbStore(db))
    faulty.failNext('get')

    const res = await client({ db, store: faulty.store }).api.post('orders', order)

    expect(faulty.failures()).toBe(1)
    expect(res.status).toBe(201)
    expect(new Set(pay.keys()).size).toBe(1)
    expect(pay.charges).toHaveLength(1)
  })

  it('fails closed while the store cannot be read for the intent, and sends nothing', async () => {
    const pay = net.payments()
    const db = freshDb()
    pay.fail({ type: 'drop-after-commit' })
    await client({ db, retry: { limit: 0 } }).api.post('orders', order).catch(() => {})
    const faulty = faultyStore(indexedDbStore(db))
    faulty.failFor('get', 'default/checkout:c42')
    const { api } = client({ db, store: faulty.store })

    const error = await api.post('orders', order).catch(e => e)
    const other = await api.post('orders', { json: { ...cart, cartId: 'c43' }, intent: 'checkout:c43' })
    faulty.heal()
    const healed = await api.post('orders', order)

    expect(error.name).toBe('StorageError')
    expect(other.status).toBe(201)
    expect(healed.status).toBe(201)
    expect(pay.charges.map(c => JSON.parse(c.body).cartId)).toEqual(['c42', 'c43'])
  })
})

describe('3. one transient write error does not leave later intents without a key on disk', () => {
  it('writes the key after a failed write, and a reload finds it', async () => {
    const pay = net.payments()
    const db = freshDb()
    const faulty = faultyStore(indexedDbStore(db))
    faulty.failNext('update')
    const first = client({ db, store: faulty.store, retry: { limit: 0 } })
    await first.api.post('orders', { json: { ...cart, cartId: 'c41' }, intent: 'checkout:c41' })
    pay.fail({ type: 'drop-after-commit' })
    await first.api.post('orders', order).catch(() => {})

    // "Reload", then Pay again.
    const reloaded = client({ db })
    const again = await reloaded.api.post('orders', order)

    expect(again.status).toBe(201)
    expect(pay.charges.filter(c => JSON.parse(c.body).cartId === 'c42')).toHaveLength(1)
  })

  it('sends nothing when the key cannot be written at all', async () => {
    const pay = net.payments()
    const faulty = faultyStore(indexedDbStore(freshDb()))
    faulty.failFor('update', '*')

    const error = await client({ store: faulty.store }).api.post('orders', order).catch(e => e)

    expect(error.name).toBe('StorageError')
    expect(pay.requests).toHaveLength(0)
  })
})

describe('4. a custom store whose update() resolves to nothing', () => {
  it('two clients sharing it agree on one key', async () => {
    const pay = net.payments()
    const store = silentUpdateStore()
    const a = closeAfterTest(createClient({ prefixUrl: 'http://api.test', store, retry: { delay: 1 } }))
    const b = closeAfterTest(createClient({ prefixUrl: 'http://api.test', store, retry: { delay: 1 } }))

    await Promise.all([a.post('orders', order), b.post('orders', order)])

    expect(new Set(pay.keys()).size).toBe(1)
    expect(pay.charges).toHaveLength(1)
  })
})

describe('5. the key on the wire is oncely\'s', () => {
  it('wins over an Idempotency-Key a beforeRequest hook sets, on every attempt', async () => {
    const pay = net.payments()
    pay.fail({ type: 'drop-before' }, { type: 'drop-after-commit' })
    const hooks = { beforeRequest: [(request: Request) => request.headers.set('Idempotency-Key', `"${crypto.randomUUID()}"`)] }
    const { api } = client({ hooks })

    await api.post('orders', order)

    expect(new Set(pay.keys()).size).toBe(1)
    expect(pay.keys()[0]).toBe((await api.intents.get('checkout:c42'))!.key)
    expect(pay.charges).toHaveLength(1)
  })

  it('refuses a client whose headers set the key', () => {
    expect(() => createClient({ headers: { 'idempotency-key': 'mine' } })).toThrow(/Do not set Idempotency-Key/)
  })
})

describe('6. time cannot undo a charge', () => {
  it('a wall clock 25 h ahead neither sweeps a confirmed intent nor mints a second key', async () => {
    const pay = net.payments()
    let now = Date.now()
    const { api } = client({ now: () => now })
    await api.post('orders', order)

    now += 25 * 3600_000
    await api.intents.pending()
    const again = await api.post('orders', order)
    now -= 25 * 3600_000
    const corrected = await api.post('orders', order)

    expect(isReplayed(again)).toBe(true)
    expect(isReplayed(corrected)).toBe(true)
    expect(pay.requests).toHaveLength(1)
    expect(await api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed' })
  })

  it('a page that never heard the server\'s Date does not sweep on its own clock', async () => {
    net.payments({ clock: false })
    let now = Date.now()
    const db = freshDb()
    await client({ db, now: () => now }).api.post('orders', order)

    now += 30 * 24 * 3600_000
    const reloaded = client({ db, now: () => now })
    await reloaded.api.intents.pending()

    expect(await reloaded.api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed' })
  })

  it('a pending intent is not expired by a wall clock that jumps after the server was heard', async () => {
    const pay = net.payments()
    let now = Date.now()
    const { api } = client({ now: () => now, retry: { limit: 0 } })
    await api.post('orders', { json: { ...cart, cartId: 'c41' }, intent: 'checkout:c41' })
    pay.fail({ type: 'drop-after-commit' })
    await api.post('orders', order).catch(() => {})

    now += 25 * 3600_000
    const res = await api.intents.resume('checkout:c42')

    expect(res.status).toBe(201)
    expect(pay.charges).toHaveLength(2)
    expect(new Set(pay.keys().slice(1)).size).toBe(1)
  })
})

describe('7. 409 means "in progress" whatever retry.statusCodes says', () => {
  it('retries a 409 with the same key although the list leaves it out', async () => {
    const pay = net.payments()
    const acting = gate()
    pay.fail({ type: 'hold', release: acting.promise })
    const { api } = client({ timeout: 50, retry: { statusCodes: [503], delay: 20 } })

    const call = api.post('orders', order)
    await until(() => pay.requests.length >= 2)
    acting.open()
    const res = await call

    expect(res.status).toBe(201)
    expect(new Set(pay.keys()).size).toBe(1)
    expect(pay.charges).toHaveLength(1)
  })
})

describe('8. a store that answers with another intent\'s record', () => {
  it('fails the call before sending, instead of replaying the other intent', async () => {
    const pay = net.payments()
    const inner = memoryStore()
    const mixedUp: IntentStore = { ...inner, get: async () => (await inner.entries(''))[0]?.[1] }
    const { api, events } = client({ store: mixedUp })
    await api.post('orders', { json: cart, intent: 'tip:1' })

    const error = await api.post('orders', { json: { ...cart, amount: 5 }, intent: 'tip:2' }).catch(e => e)

    expect(error.name).toBe('StorageError')
    expect(pay.requests).toHaveLength(1)
    expect(events.some(e => e.type === 'storage-degraded' && /tip:1/.test(e.reason))).toBe(true)
  })
})

describe('9. two clients without Web Locks', () => {
  it('the loser never writes pending over the winner\'s confirmed record', async () => {
    const pay = net.payments()
    const acting = gate()
    pay.fail({ type: 'hold', release: acting.promise }, { type: 'pass' }, { type: 'drop-before' })
    const db = freshDb()
    const winner = client({ db })
    const loser = client({ db, retry: { limit: 1, delay: 80 } })

    const won = winner.api.post('orders', order)
    await until(() => pay.requests.length === 1)
    const lost = loser.api.post('orders', order).catch(e => e)
    await until(() => pay.requests.length === 2)
    acting.open()
    await won
    await lost

    expect(await winner.api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed' })
    expect(await loser.api.intents.pending()).toEqual([])
    expect(pay.charges).toHaveLength(1)
  })
})

describe('10. the key is resent exactly as first sent', () => {
  it('keeps the quotes of a pending key after keyFormat changes to bare', async () => {
    const pay = net.payments({ rawKeys: true })
    const db = freshDb()
    pay.fail({ type: 'drop-after-commit' })
    await client({ db, retry: { limit: 0 } }).api.post('orders', order).catch(() => {})

    const res = await client({ db, keyFormat: 'bare' }).api.post('orders', order)

    expect(res.status).toBe(201)
    expect(pay.requests[1]!.key).toBe(pay.requests[0]!.key)
    expect(pay.charges).toHaveLength(1)
  })
})

describe('11. a fingerprint is of the payload, not its encoding', () => {
  const form = () => {
    const body = new FormData()
    body.set('cartId', 'c42')
    body.set('note', 'gift wrap')
    return body
  }

  it('the same form sent again after a lost answer is the same intent, sent byte for byte', async () => {
    const pay = net.payments()
    pay.fail({ type: 'drop-after-commit' })
    const { api } = client({ retry: { limit: 0 } })
    await api.post('orders', { body: form(), intent: 'checkout:c42' }).catch(() => {})

    const res = await api.post('orders', { body: form(), intent: 'checkout:c42' })

    expect(res.status).toBe(201)
    expect(new Set(pay.keys()).size).toBe(1)
    expect(pay.charges).toHaveLength(1)
  })

  it('a double click with two FormData objects joins one flight', async () => {
    const pay = net.payments()
    const { api } = client()

    const [a, b] = await Promise.all([api.post('orders', { body: form(), intent: 'x' }), api.post('orders', { body: form(), intent: 'x' })])

    expect([a.status, b.status]).toEqual([201, 201])
    expect(pay.requests).toHaveLength(1)
  })
})

describe('12. options oncely does not know are refused', () => {
  it('names the closest option of createClient', () => {
    expect(() => createClient({ namepsace: 'u1' } as never)).toThrow(/`namepsace` is not an option of createClient: did you mean `namespace`\?/)
  })

  it('refuses an unknown call option before anything is stored or sent', async () => {
    const pay = net.payments()
    const { api } = client()

    const error = await api.post('orders', { json: cart, intnet: 'checkout:c42' } as never).catch(e => e)

    expect(error.name).toBe('OncelyInputError')
    expect(error.message).toMatch(/did you mean `intent`/)
    expect(pay.requests).toHaveLength(0)
    expect(await api.intents.pending()).toEqual([])
  })
})
