import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type OncelyEvent } from '../../src/index.js'
import { asyncStorageStore, netInfoOnlineSource, type AsyncStorageLike } from '../../src/react-native/index.js'
import { paymentServer } from '../support/payments.js'
import { memoryAsyncStorage, memoryNetInfo } from './fakes.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

function payments() {
  const pay = paymentServer()
  server.use(pay.handler)
  return pay
}

/** The app's client as the React Native setup snippet makes it; a new one per "app launch". */
function app(storage: AsyncStorageLike, netInfo = memoryNetInfo(), retry = {}) {
  const online = netInfoOnlineSource(netInfo)
  const api = createClient({ prefixUrl: 'http://api.test', store: asyncStorageStore(storage), online, retry: { delay: 1, ...retry } })
  const events: OncelyEvent[] = []
  api.subscribe(event => events.push(event))
  return { api, events, online }
}

const order = { json: { cart: 'c1', amount: 4200 }, intent: 'checkout:c1' }

describe('oncely on AsyncStorage and NetInfo', () => {
  it('creates an intent, loses the response, resumes after a relaunch and confirms: one charge, one key', async () => {
    const pay = payments()
    const storage = memoryAsyncStorage()
    pay.fail({ type: 'drop-after-commit' })

    const first = app(storage, memoryNetInfo(), { limit: 0 })
    await expect(first.api.post('orders', order)).rejects.toMatchObject({ name: 'IntentPendingError' })
    const pending = await first.api.intents.get('checkout:c1')
    expect(pending).toMatchObject({ state: 'pending', attempts: 1 })
    expect(JSON.parse(storage.data.get('oncely:default/checkout:c1')!)).toMatchObject({ key: pending!.key, state: 'pending' })
    expect(pay.charges).toHaveLength(1)
    first.api.close()

    const relaunched = app(storage)
    expect((await relaunched.api.intents.pending()).map(r => r.intent)).toEqual(['checkout:c1'])
    const response = await relaunched.api.intents.resume('checkout:c1')

    expect(response.status).toBe(201)
    expect(await response.json()).toMatchObject({ orderId: 'ord_1', key: pending!.key })
    expect(pay.keys()).toEqual([pending!.key, pending!.key])
    expect(pay.charges).toHaveLength(1)
    expect(await relaunched.api.intents.get('checkout:c1')).toMatchObject({ state: 'confirmed', key: pending!.key, attempts: 2 })
  })

  it('waits offline without spending attempts, and sends once NetInfo reports the connection back', async () => {
    const pay = payments()
    const netInfo = memoryNetInfo({ isConnected: false, isInternetReachable: false })
    const { api, events, online } = app(memoryAsyncStorage(), netInfo)
    await new Promise(resolve => setTimeout(resolve, 0)) // NetInfo's first answer
    expect(online.isOnline()).toBe(false)

    const call = api.post('orders', order)
    await expect.poll(() => events.map(e => e.type)).toContain('offline')
    expect(pay.requests).toHaveLength(0)
    expect(await api.intents.get('checkout:c1')).toMatchObject({ state: 'pending', attempts: 0 })

    netInfo.set({ isConnected: true, isInternetReachable: true })
    expect((await call).status).toBe(201)
    expect(pay.charges).toHaveLength(1)
    expect(await api.intents.get('checkout:c1')).toMatchObject({ state: 'confirmed', attempts: 1 })
  })

  it('reports a corrupt stored value and starts the intent afresh instead of crashing', async () => {
    const pay = payments()
    const storage = memoryAsyncStorage()
    storage.data.set('oncely:default/checkout:c1', '{truncated')
    const { api, events } = app(storage)
    expect((await api.post('orders', order)).status).toBe(201)
    expect(events.find(e => e.type === 'storage-degraded')).toMatchObject({ reason: expect.stringContaining('corrupt') })
    expect(pay.charges).toHaveLength(1)
  })
})
