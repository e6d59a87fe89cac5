import { createStore, set } from 'idb-keyval'
import { describe, expect, it } from 'vitest'
import { createClient, indexedDbStore, localStorageStore, memoryStore, type IntentStore, type OncelyEvent } from '../../src/index.js'
import { cart, client, freshDb, network } from '../support/harness.js'

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
    const api = createClient({
      prefixUrl: 'http://api.test',
      store: indexedDbStore(db),
      headers: { Authorization: 'Bearer client-token' },
      credentialHeaders: ['X-Session'],
    })

    await api.post('orders', { json: cart, intent: 'checkout:c42', headers: { Cookie: 'sid=s3cret', 'x-session': 'abc', 'X-Trace': 't1' } })

    const raw = JSON.stringify(await indexedDbStore(db).entries(''))
    expect(raw).not.toMatch(/client-token|s3cret|abc|authorization|cookie|x-session/i)
    expect(raw).toContain('t1')
  })

  it('sends credentials again on resume, from the client options and hooks', async () => {
    const pay = net.payments()
    const db = freshDb()
    pay.fail({ type: 'drop-before' })
    const first = client({ db, retry: { limit: 0 }, headers: { authorization: 'Bearer old' } })
    await first.api.post('orders', { json: cart, intent: 'checkout:c42' }).catch(() => {})

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

describe('storage failures degrade, never crash a call', () => {
  it('falls back from a failing store with an event, and the call succeeds', async () => {
    const pay = net.payments()
    const events: OncelyEvent[] = []
    const api = createClient({ prefixUrl: 'http://api.test', store: broken('quota') })
    api.subscribe(event => events.push(event))

    const res = await api.post('orders', { json: cart, intent: 'checkout:c42' })

    expect(res.status).toBe(201)
    expect(pay.charges).toHaveLength(1)
    expect(events[0]).toMatchObject({ type: 'storage-degraded', from: 'broken', to: 'memory', reason: 'store-failed' })
    expect(await api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed' })
  })

  it('picks the next store of the chain when IndexedDB is missing', async () => {
    net.payments()
    const original = globalThis.indexedDB
    // @ts-expect-error simulate a runtime without IndexedDB
    delete globalThis.indexedDB
    try {
      const api = createClient({ prefixUrl: 'http://api.test' })
      await api.post('orders', { json: cart, intent: 'checkout:c42' })
      expect(await api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed' })
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
    const api = createClient({ prefixUrl: 'http://api.test', store: localStorageStore(storage) })
    api.subscribe(event => events.push(event))

    await api.post('orders', { json: cart, intent: 'checkout:c42' })

    expect(events.filter(e => e.type === 'storage-degraded').map(e => e.type === 'storage-degraded' && e.reason)).toEqual(['corrupt record: not an object'])
    expect(JSON.parse(storage.getItem('oncely:default/checkout:c42')!)).toMatchObject({ state: 'confirmed' })
  })

  it('keeps a memory store private to its client', async () => {
    net.payments()
    const store = memoryStore()
    const api = createClient({ prefixUrl: 'http://api.test', store })
    await api.post('orders', { json: cart, intent: 'checkout:c42' })
    const [entry] = (await store.entries('')) as Array<[string, { state: string }]>
    entry![1].state = 'tampered'
    expect(await api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed' })
  })
})

describe('ttl', () => {
  it('starts over after a confirmed intent expired, and sweeps it from the list', async () => {
    const pay = net.payments()
    let now = Date.parse('2026-11-23T10:00:00Z')
    const db = createStore('oncely-ttl', 'intents')
    const { api } = client({ db, now: () => now, ttl: 1000 })
    await api.post('orders', { json: cart, intent: 'checkout:c42' })

    now += 1001
    await api.intents.pending()
    const swept = await api.intents.get('checkout:c42')
    await api.post('orders', { json: cart, intent: 'checkout:c42' })

    expect(swept).toBeUndefined()
    expect(new Set(pay.keys()).size).toBe(2)
  })
})
