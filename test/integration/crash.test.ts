import { describe, expect, it } from 'vitest'
import { indexedDbStore, type IntentStore } from '../../src/index.js'
import { cart, client, freshDb, network, switchableOnline, until } from '../support/harness.js'
import { gate, type Fault } from '../support/payments.js'

const net = network()

/** The page dies when the record about to be written is `confirmed`: that write never lands. */
function diesBeforeConfirming(inner: IntentStore): IntentStore {
  return {
    ...inner,
    update: (key, updater) =>
      inner.update(key, current => {
        const next = updater(current) as { state?: string }
        if (next?.state === 'confirmed') throw new Error('the page died')
        return next
      }),
  }
}

/**
 * A "reload" at each step of a call (docs/design.md, "The life of one call"). Each row leaves a page dead at one
 * point; a new client on the same IndexedDB resumes, and the ledger shows one charge, one key.
 */
describe('crash-point matrix: a reload at every step', () => {
  it.each<{ step: string; faults: (acting: Promise<void>) => Fault[]; offline?: boolean; dieBeforeConfirm?: boolean; reached: string }>([
    { step: 'after the key is written, before the first byte', faults: () => [], offline: true, reached: 'offline' },
    { step: 'after the request left, before the server acted', faults: () => [{ type: 'drop-before' }], reached: 'pending' },
    { step: 'after the server committed, before the answer arrived', faults: () => [{ type: 'drop-after-commit' }], reached: 'pending' },
    { step: 'while the server is still acting (it commits later)', faults: acting => [{ type: 'hold', release: acting }], reached: 'attempt' },
    { step: 'after the answer arrived, before confirmed was written', faults: () => [], dieBeforeConfirm: true, reached: 'storage-degraded' },
  ])('$step', async ({ faults, offline, dieBeforeConfirm, reached }) => {
    const pay = net.payments()
    const acting = gate()
    pay.fail(...faults(acting.promise))
    const db = freshDb()
    const online = switchableOnline(!offline)
    const store = dieBeforeConfirm ? diesBeforeConfirming(indexedDbStore(db)) : indexedDbStore(db)
    const dying = client({ db, store, online, retry: { limit: 0 } })

    // The first page: abandoned at that step, never awaited.
    void dying.api.post('orders', { json: cart, intent: 'checkout:c42' }).catch(() => {})
    await until(() => dying.events.some(e => e.type === reached))
    // A server still acting answers the reloaded page 409 until it commits.
    setTimeout(acting.open, 20)

    // The reloaded page, on the same database.
    const reloaded = client({ db })
    const [pending] = await reloaded.api.intents.pending()
    const res = await reloaded.api.intents.resume('checkout:c42')

    expect(pending?.key).toBeDefined()
    expect(res.status).toBe(201)
    expect(pay.charges).toHaveLength(1)
    expect(new Set(pay.keys())).toEqual(new Set([pending!.key]))
    expect(await reloaded.api.intents.get('checkout:c42')).toMatchObject({ state: 'confirmed', key: pending!.key })
  })
})
