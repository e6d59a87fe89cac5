import { describe, expect, it } from 'vitest'
import { cart, client, network, switchableOnline, until } from '../support/harness.js'

const net = network()

describe('offline', () => {
  it('spends no attempt while offline, and sends once back online', async () => {
    const pay = net.payments()
    const online = switchableOnline(false)
    const { api, events, types } = client({ online })

    const call = api.post('orders', { json: cart, intent: 'checkout:c42' })
    await until(() => types().includes('offline'))
    const whileOffline = await api.intents.get('checkout:c42')
    for (let i = 0; i < 50; i++) await new Promise(resolve => setImmediate(resolve))
    expect(pay.requests).toHaveLength(0)
    online.set(true)
    await call

    expect(whileOffline).toMatchObject({ state: 'pending', attempts: 0 }) // the key is on disk before going out
    expect(pay.requests).toHaveLength(1)
    expect(pay.charges).toHaveLength(1)
    expect(events.filter(e => e.type === 'attempt')).toHaveLength(1)
    expect(await api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed', attempts: 1 })
  })

  it('waits for the network between retries when it drops mid-flight', async () => {
    const pay = net.payments()
    const online = switchableOnline(true)
    pay.fail({ type: 'drop-before' })
    const { api, types } = client({ online, hooks: { beforeRetry: [() => online.set(false)] } })
    // beforeRetry runs after the backoff; the next attempt then finds the device offline.
    const call = api.post('orders', { json: cart, intent: 'checkout:c42' })
    await until(() => types().includes('offline'))
    expect(pay.requests).toHaveLength(1)
    online.set(true)
    await call

    expect(pay.requests).toHaveLength(2)
    expect(pay.charges).toHaveLength(1)
  })

  it('gives up waiting for the network when the caller aborts, staying pending', async () => {
    net.payments()
    const online = switchableOnline(false)
    const { api, types } = client({ online })
    const controller = new AbortController()

    const call = api.post('orders', { json: cart, intent: 'checkout:c42', signal: controller.signal })
    await until(() => types().includes('offline'))
    controller.abort()

    await expect(call).rejects.toMatchObject({ name: 'IntentPendingError' })
    expect(await api.intents.get('checkout:c42')).toMatchObject({ state: 'pending', attempts: 0 })
  })
})
