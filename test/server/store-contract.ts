import { beforeAll, afterAll, beforeEach, describe, expect, it } from 'vitest'
import { ClaimLostError, type Charge, type ClaimRequest, type IdempotencyStore } from '../../demo/server/store/store.js'

const T0 = 1_767_225_600_000 // 2026-01-01
const claimOf = (key: string, overrides: Partial<ClaimRequest> = {}): ClaimRequest => ({
  key,
  fingerprint: 'fp-a',
  claimId: `claim-${Math.random()}`,
  now: T0,
  expiresAt: T0 + 1_000,
  staleBefore: T0 - 100,
  ...overrides,
})
const chargeOf = (key: string, orderId = `ord_${key}`): Charge => ({ orderId, key, cartId: 'cart', amount: 12.5, currency: 'EUR', at: T0 })
const response = { status: 201, body: '{"orderId":"ord_1"}' }

/**
 * The store contract as a suite: what every backend must do, whatever it is
 * built on. `open` runs once; the store is reset before each test.
 */
export function describeStoreContract(name: string, open: () => Promise<IdempotencyStore>): void {
  describe(`${name} store`, () => {
    let store: IdempotencyStore
    beforeAll(async () => {
      store = await open()
    }, 60_000) // PGlite's first start runs initdb
    afterAll(async () => store.close())
    beforeEach(async () => store.reset())

    it('lets exactly one of many simultaneous claims win a key', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.claim(claimOf('k', { claimId: `c${i}` }))))

      expect(results.filter((r) => r.claimed)).toHaveLength(1)
      for (const loser of results.filter((r) => !r.claimed)) {
        expect(loser).toMatchObject({ claimed: false, record: { key: 'k', state: 'in_progress', fingerprint: 'fp-a' } })
      }
    })

    it('stores the charge and the response together on complete', async () => {
      await store.claim(claimOf('k', { claimId: 'mine' }))

      await store.complete('k', 'mine', chargeOf('k'), response)

      expect(await store.claim(claimOf('k'))).toEqual({
        claimed: false,
        record: { key: 'k', fingerprint: 'fp-a', state: 'completed', claimId: 'mine', createdAt: T0, expiresAt: T0 + 1_000, response },
      })
      expect(await store.charges()).toEqual([chargeOf('k')])
    })

    it('writes nothing when completing a claim it does not hold', async () => {
      await store.claim(claimOf('k', { claimId: 'theirs' }))

      await expect(store.complete('k', 'mine', chargeOf('k'), response)).rejects.toBeInstanceOf(ClaimLostError)
      expect(await store.charges()).toEqual([])
    })

    it('releases an in-progress claim so the key can be claimed again, but never a completed one', async () => {
      await store.claim(claimOf('a', { claimId: 'ca' }))
      await store.claim(claimOf('b', { claimId: 'cb' }))
      await store.complete('b', 'cb', chargeOf('b'), response)

      await store.release('a', 'ca')
      await store.release('b', 'cb')

      expect((await store.claim(claimOf('a'))).claimed).toBe(true)
      expect((await store.claim(claimOf('b'))).claimed).toBe(false)
    })

    it('treats an expired key as free', async () => {
      await store.claim(claimOf('k', { claimId: 'old' }))
      await store.complete('k', 'old', chargeOf('k'), response)

      expect((await store.claim(claimOf('k', { now: T0 + 999, staleBefore: T0 + 899 }))).claimed).toBe(false)
      expect((await store.claim(claimOf('k', { now: T0 + 1_000, staleBefore: T0 + 900, expiresAt: T0 + 2_000 }))).claimed).toBe(true)
    })

    it('lets a stale in-progress claim be taken over, but not a fresh one', async () => {
      await store.claim(claimOf('k', { claimId: 'stalled' }))

      expect((await store.claim(claimOf('k', { now: T0 + 50, staleBefore: T0 - 50 }))).claimed).toBe(false)
      expect((await store.claim(claimOf('k', { now: T0 + 100, staleBefore: T0, claimId: 'next' }))).claimed).toBe(true)
      await expect(store.complete('k', 'stalled', chargeOf('k'), response)).rejects.toBeInstanceOf(ClaimLostError)
    })

    it('lists charges in the order they were made, for all keys or one', async () => {
      for (const key of ['x', 'y', 'z']) {
        await store.claim(claimOf(key, { claimId: key }))
        await store.complete(key, key, chargeOf(key), response)
      }

      expect((await store.charges()).map((c) => c.key)).toEqual(['x', 'y', 'z'])
      expect(await store.charges('y')).toEqual([chargeOf('y')])
    })

    it('forgets keys and charges on reset', async () => {
      await store.claim(claimOf('k', { claimId: 'c' }))
      await store.complete('k', 'c', chargeOf('k'), response)

      await store.reset()

      expect(await store.charges()).toEqual([])
      expect((await store.claim(claimOf('k'))).claimed).toBe(true)
    })
  })
}
