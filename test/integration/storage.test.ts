import { set } from 'idb-keyval'
import { describe, expect, it } from 'vitest'
import { createClient, indexedDbStore, localStorageStore, memoryStore, StorageError, type IntentStore, type OncelyEvent } from '../../src/index.js'
import { cart, client, closeAfterTest, freshDb, network, until } from '../support/harness.js'
import { gate } from '../support/payments.js'

const net = network()

/** A store whose every operation fails, as IndexedDB does when blocked or over quota. */
const broken = (message: string): IntentStore => {
  const fail = async (): Promise<never> => {
    throw new DOMException(message, 'QuotaExceededError')
  }
  return { name: 'broken', atomic: true, get: fail, update: fail, delete: fail, entries: fail }
}

describe('what is stored', () => {
  it('never writes credentials, from the call or the client', async () => {
    net.payments()
    const db = freshDb()
    const api = closeAfterTest(createClient({
      prefixUrl: 'http://api.test',
      store: indexedDbStore(db),
      headers: { Authorization: 'Bearer client-token' },
      credentialHeaders: ['X-Session'],
    }))

    // Secrets no random key or timestamp can contain (a UUID is hex: no letter past f).
    await api.post('orders', { json: cart, intent: 'checkout:c42', headers: { Cookie: 'sid=s3cret', 'x-session': 'session-zqx', 'X-Trace': 'trace-wvy' } })

    const raw = JSON.stringify(await indexedDbStore(db).entries(''))
    expect(raw).not.toMatch(/client-token|s3cret|session-zqx|authorization|cookie|x-session/i)
    expect(raw).toContain('trace-wvy')
  })

  it('sends credentials again on resume, from the client options and hooks', async () => {
    const pay = net.payments()
    const db = freshDb()
    pay.fail({ type: 'drop-before' })
    const first = client({ db, retry: { limit: 0 }, headers: { authorization: 'Bearer old' } })
    await first.api.post('orders', { json: cart, intent: 'checkout:c42' }).catch(() => {})
    first.api.close()

    const second = client({ db, hooks: { beforeRequest: [request => request.headers.set('authorization', 'Bearer fresh')] } })
    await second.api.intents.resume('checkout:c42')

    expect(pay.requests.map(r => r.headers.get('authorization'))).toEqual(['Bearer old', 'Bearer fresh'])
    expect(pay.requests[1]!.headers.get('content-type')).toBe('application/json')
  })

  it('keeps namespaces apart on one database, and clear() wipes only its own', async () => {
    net.payments()
    const db = freshDb()
    const alice = client({ db, namespace: 'alice' })
    const bob = client({ db, namespace: 'bob' })
    await alice.api.post('orders', { json: cart, intent: 'checkout:c42' })

    expect(await bob.api.intents.get('checkout:c42')).toBeUndefined()
    await bob.api.post('orders', { json: cart, intent: 'checkout:c42' })
    await bob.api.intents.clear()

    expect(await bob.api.intents.get('checkout:c42')).toBeUndefined()
    expect(await alice.api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed' })
  })

  it('keeps the request body only while it may be sent again, and no query string in the error', async () => {
    const pay = net.payments()
    const { api } = client({ retry: { limit: 0 }, hooks: { beforeRequest: [() => { throw new Error('hook failed for http://api.test/orders?token=t0ken-zqx') }] } })
    const failed = await api.post('orders', { json: cart, intent: 'a' }).catch(e => e)
    pay.fail({ type: 'drop-before' })
    const second = client({ retry: { limit: 0 } })
    await second.api.post('orders', { json: cart, intent: 'checkout:c42' }).catch(() => {})
    const pending = await second.api.intents.get('checkout:c42')
    await second.api.intents.resume('checkout:c42')

    expect(failed.record.error).toBe('Error: hook failed for http://api.test/orders')
    expect(pending?.request.body).toEqual({ encoding: 'text', data: JSON.stringify(cart) })
    expect((await second.api.intents.get('checkout:c42'))?.request).toEqual({ method: 'POST', url: 'http://api.test/orders', headers: [['content-type', 'application/json']] })
  })

  it('does not bring back a record cleared while its call was in flight', async () => {
    const pay = net.payments()
    const held = gate()
    pay.fail({ type: 'hold', release: held.promise })
    const { api, db } = client()

    const call = api.post('orders', { json: cart, intent: 'checkout:c42' })
    await until(() => pay.requests.length === 1)
    await api.intents.clear()
    held.open()
    const res = await call

    expect(res.status).toBe(201)
    expect(await api.intents.get('checkout:c42')).toBeUndefined()
    expect(await indexedDbStore(db).entries('')).toEqual([])
  })

  it('lists one namespace by its key range, whatever the neighbours are called', async () => {
    const db = freshDb()
    const store = indexedDbStore(db)
    for (const key of ['alice/a', 'alice/', 'alice0/x', 'alic/x', 'alice%2Fbob/x', 'alice/\uffff']) await set(key, { v: 1, key }, db)

    expect((await store.entries('alice/')).map(([key]) => key).sort()).toEqual(['alice/', 'alice/a', 'alice/\uffff'])
  })

  it('stores only the status when storeResponse is false', async () => {
    net.payments()
    const { api } = client({ storeResponse: false })
    await api.post('orders', { json: cart, intent: 'checkout:c42' })
    const record = await api.intents.get('checkout:c42')
    expect(record?.response).toMatchObject({ status: 201, truncated: true })
    expect(record?.response?.body).toBeUndefined()
  })

  it('forget() lets the next call start over with a new key', async () => {
    const pay = net.payments()
    const { api } = client()
    await api.post('orders', { json: cart, intent: 'checkout:c42' })
    await api.intents.forget('checkout:c42')
    await api.post('orders', { json: cart, intent: 'checkout:c42' })
    expect(new Set(pay.keys()).size).toBe(2)
  })
})

describe('storage failures fail closed, and degrade only where there never was a store', () => {
  it('fails a call on a store that keeps failing, with an event and a typed error, sending nothing', async () => {
    const pay = net.payments()
    const events: OncelyEvent[] = []
    const api = closeAfterTest(createClient({ prefixUrl: 'http://api.test', store: broken('quota') }))
    api.subscribe(event => events.push(event))

    const error = await api.post('orders', { json: cart, intent: 'checkout:c42' }).catch(e => e)

    expect(error).toBeInstanceOf(StorageError)
    expect(error.message).toMatch(/broken store failed to get 4 times: QuotaExceededError: quota/)
    expect(events).toMatchObject([{ type: 'storage-degraded', intent: 'checkout:c42', from: 'broken', to: 'broken', error }])
    expect(pay.requests).toHaveLength(0)
    // A call without an intent needs no store: it still goes out.
    expect((await api.post('orders', { json: cart })).status).toBe(201)
  })

  it('picks the next store, and says so, when the runtime has no IndexedDB at all', async () => {
    net.payments()
    const original = globalThis.indexedDB
    // @ts-expect-error simulate a runtime without IndexedDB
    delete globalThis.indexedDB
    try {
      const events: OncelyEvent[] = []
      const api = closeAfterTest(createClient({ prefixUrl: 'http://api.test' }))
      api.subscribe(event => events.push(event))
      await api.post('orders', { json: cart, intent: 'checkout:c42' })
      expect(await api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed' })
      expect(events[0]).toMatchObject({ type: 'storage-degraded', from: 'indexeddb', to: 'memory', reason: 'no indexeddb in this runtime' })
    } finally {
      globalThis.indexedDB = original
    }
  })

  it('refuses to stand in for IndexedDB when it was asked for by name', async () => {
    const pay = net.payments()
    const original = globalThis.indexedDB
    // @ts-expect-error simulate a runtime without IndexedDB
    delete globalThis.indexedDB
    try {
      const api = closeAfterTest(createClient({ prefixUrl: 'http://api.test', store: 'indexeddb' }))
      const error = await api.post('orders', { json: cart, intent: 'checkout:c42' }).catch(e => e)
      expect(error).toBeInstanceOf(StorageError)
      expect(error.message).toMatch(/store: 'indexeddb' was asked for, but this runtime has none/)
      expect(pay.requests).toHaveLength(0)
    } finally {
      globalThis.indexedDB = original
    }
  })

  it.each([
    { title: 'garbage', value: 'not a record', keeps: false },
    { title: 'a record from a future version', value: { v: 9, key: '0190b1c2-0000-7000-8000-000000000001', state: 'pending' }, keeps: true },
  ])('reports a corrupt record ($title) and carries on, keeping a key it can read', async ({ value, keeps }) => {
    const pay = net.payments()
    const db = freshDb()
    await set(`default/checkout:c42`, value, db)
    const { api, events } = client({ db })

    const res = await api.post('orders', { json: cart, intent: 'checkout:c42' })

    expect(res.status).toBe(201)
    expect(events[0]).toMatchObject({ type: 'storage-degraded', reason: expect.stringMatching(/^corrupt record/) })
    expect(pay.keys()[0] === '0190b1c2-0000-7000-8000-000000000001').toBe(keeps)
    expect(await api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed' })
  })

  it('reads corrupt JSON in localStorage as a corrupt record, not a failing store', async () => {
    const data = new Map<string, string>()
    const storage = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
      removeItem: (k: string) => void data.delete(k),
      key: (i: number) => [...data.keys()][i] ?? null,
      get length() {
        return data.size
      },
      clear: () => data.clear(),
    } as Storage
    storage.setItem('oncely:default/checkout:c42', '{broken')
    net.payments()
    const events: OncelyEvent[] = []
    const api = closeAfterTest(createClient({ prefixUrl: 'http://api.test', store: localStorageStore(storage) }))
    api.subscribe(event => events.push(event))

    await api.post('orders', { json: cart, intent: 'checkout:c42' })

    expect(events.filter(e => e.type === 'storage-degraded').map(e => e.type === 'storage-degraded' && e.reason)).toEqual(['corrupt record: not an object'])
    expect(JSON.parse(storage.getItem('oncely:default/checkout:c42')!)).toMatchObject({ state: 'confirmed' })
  })

  it('keeps a memory store private to its client', async () => {
    net.payments()
    const store = memoryStore()
    const api = closeAfterTest(createClient({ prefixUrl: 'http://api.test', store }))
    await api.post('orders', { json: cart, intent: 'checkout:c42' })
    const [entry] = (await store.entries('')) as Array<[string, { state: string }]>
    entry![1].state = 'tampered'
    expect(await api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed' })
  })
})

describe('retention', () => {
  it('replays a confirmed intent past the ttl, and sweeps it once the server\'s clock says retention is over', async () => {
    let now = Date.now()
    const pay = net.payments({ clock: () => now })
    const db = freshDb()
    const { api } = client({ db, now: () => now, ttl: 1000, retention: 5000 })
    await api.post('orders', { json: cart, intent: 'checkout:c42' })

    now += 2000
    const replayed = await api.post('orders', { json: cart, intent: 'checkout:c42' })
    now += 4000
    // Any answer carries the server's Date; the sweep trusts that, not the device.
    await api.post('orders', { json: { ...cart, cartId: 'c43' }, intent: 'checkout:c43' })
    await api.intents.pending()
    const swept = await api.intents.get('checkout:c42')
    await api.post('orders', { json: cart, intent: 'checkout:c42' })

    expect(replayed.status).toBe(201)
    expect(swept).toBeUndefined()
    expect(await api.intents.get('checkout:c43')).toMatchObject({ state: 'confirmed' })
    expect(pay.charges.map(c => JSON.parse(c.body).cartId)).toEqual(['c42', 'c43', 'c42'])
  })
})
