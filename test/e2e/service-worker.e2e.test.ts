import { describe, expect, it } from 'vitest'
import { shortKey } from '../../demo/page/key.js'
import { until, useShop } from './shop.js'
import { controlled, fireSync, ordersFromWorkers, syncTags, workerSyncs } from './sync.js'

/**
 * The demo's service worker finishes a pending payment after every tab of the shop is closed:
 * the page asked the browser for a Background Sync when the payment went pending, the browser
 * wakes the worker, and the worker sends the payment with the key the page minted. A new tab
 * then shows the order, from the record, with no request.
 */
describe('after the last tab closes', () => {
  const t = useShop({ serviceWorkers: 'allow' })

  it('pays a payment left pending offline once the network is back, by a sync Chromium fires itself', async () => {
    const fromWorker = ordersFromWorkers(t.context)
    const syncs = workerSyncs(t.context)
    const shop = await t.open({ pace: 'fast' })
    await controlled(shop.page)
    expect(await shop.page.locator('#worker-state').getAttribute('data-finisher')).toBe('worker')
    await t.context.setOffline(true)

    await shop.pay()
    await until(() => shop.timeline(), titles => titles.includes('Not sent yet · nothing left this device'), 'the call giving up offline')
    const key = await shop.key()
    // The page asked for a sync; offline, the browser holds it until the network is back.
    await until(() => syncTags(shop.page), tags => tags.includes('oncely'), 'the page\'s sync registration')
    await shop.page.close()
    expect(t.context.pages()).toEqual([])

    await t.context.setOffline(false)

    const ledger = await until(() => t.demo.ledger(), seen => seen.total > 0, 'the worker\'s charge')
    expect(ledger.charges.map(charge => charge.key)).toEqual([key])
    expect((await t.demo.requests()).map(request => [request.key, request.outcome])).toEqual([[key, 'charged']])
    // Chromium reports the worker's request to the test a little after the server has it.
    await until(async () => fromWorker, sent => sent.length > 0 && sent.every(request => request.result), 'the worker\'s request to finish')
    expect(fromWorker).toEqual([{ key, result: 'answered' }])
    await until(async () => syncs, done => done.length > 0, 'the sync to end')
    expect(syncs).toEqual([0])

    const next = await t.open()
    expect(await next.confirmed()).toBe(ledger.charges[0]!.orderId)
    expect(await next.notice()).toMatchObject({ kind: 'confirmed-away', text: expect.stringContaining(shortKey(key)) })
    expect(await next.key()).toBe(key)
    expect(await t.demo.requests()).toHaveLength(1)
  })

  it('finishes a payment the server failed after every tab closed, when the server heals and the browser syncs again', async () => {
    const fromWorker = ordersFromWorkers(t.context)
    const syncs = workerSyncs(t.context)
    await t.demo.chaos({ mode: 'drop-before', count: null })
    const shop = await t.open({ pace: 'fast' })
    await controlled(shop.page)

    await shop.pay()
    await shop.waitForNotice('pending')
    const key = await shop.key()
    await until(() => syncTags(shop.page), tags => tags.includes('oncely'), 'the page\'s sync registration')
    await shop.page.close()
    // Online, Chromium fires the page's sync at once: the worker's try fails like the page's did,
    // and Chromium schedules the next sync minutes later.
    await until(async () => syncs, done => done.length > 0, 'the first sync to end')
    expect(syncs).toEqual([1])

    await t.demo.chaos({ mode: 'off' })
    await fireSync(t.context, t.demo.url, 'oncely')

    const ledger = await until(() => t.demo.ledger(), seen => seen.total > 0, 'the worker\'s charge')
    expect(ledger.charges.map(charge => charge.key)).toEqual([key])
    await until(async () => fromWorker, sent => sent.length === 2 && sent.every(request => request.result), 'the worker\'s second request to finish')
    expect(fromWorker).toEqual([{ key, result: 'failed' }, { key, result: 'answered' }])
    await until(async () => syncs, done => done.length > 1, 'the second sync to end')
    expect(syncs).toEqual([1, 0])
    const requests = await t.demo.requests()
    expect(new Set(requests.map(request => request.key))).toEqual(new Set([key]))
    expect(requests.map(request => request.outcome).filter(outcome => outcome !== 'dropped-before')).toEqual(['charged'])

    const next = await t.open()
    expect(await next.confirmed()).toBe(ledger.charges[0]!.orderId)
    expect(await next.notice()).toMatchObject({ kind: 'confirmed-away' })
    expect(await t.demo.requests()).toHaveLength(requests.length)
  })
})
