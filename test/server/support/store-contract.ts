import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClaimLostError, type Claim, type IdempotencyStore, type StoredResponse } from '../../../src/server/index.js'

const T0 = 1_767_225_600_000 // 2026-01-01
let serial = 0
const claimOf = (id: string, overrides: Partial<Claim> = {}): Claim => ({ id, fingerprint: 'fp-a', token: `token-${++serial}`, now: T0, lease: 1_000, ttl: 10_000, ...overrides })
const timing = { now: T0, expiresAt: T0 + 10_000 }
const response = (body = '{"orderId":"ord_1"}'): StoredResponse => ({ status: 201, headers: [['content-type', 'application/json']], body: new TextEncoder().encode(body) })

/** How a store's expiry can be driven from a test. */
export interface ContractOptions {
  /**
   * `app`: leases and ttl follow `Claim.now` (memory, SQL). `store`: the store expires keys itself
   * (Redis), and `expire(id)` makes one lapse now, as its lease running out would.
   */
  clock: 'app' | 'store'
  expire?: (id: string) => Promise<void>
}

/**
 * The store contract as a suite: what every backend must do. `open` runs once; ids are unique per
 * test, so no reset is needed (a store shared with other suites stays correct).
 */
export function describeStoreContract(name: string, open: () => Promise<IdempotencyStore>, options: ContractOptions): void {
  describe(`${name} store contract`, () => {
    let store: IdempotencyStore
    let id: string
    const fresh = () => (id = `${name}-${++serial}-${Math.random().toString(36).slice(2)}`)
    beforeAll(async () => {
      store = await open()
    }, 60_000)
    afterAll(() => undefined)

    it('lets exactly one of many simultaneous claims win a key, and shows the losers its record', async () => {
      fresh()
      const results = await Promise.all(Array.from({ length: 12 }, () => store.claim(claimOf(id))))

      expect(results.filter((r) => r.claimed)).toHaveLength(1)
      for (const loser of results.filter((r) => !r.claimed)) expect(loser).toMatchObject({ claimed: false, record: { state: 'in_progress', fingerprint: 'fp-a' } })
    })

    it('stores the response byte for byte on complete, for the next claim to replay', async () => {
      fresh()
      await store.claim(claimOf(id, { token: 'mine' }))
      const binary: StoredResponse = { status: 200, headers: [['content-type', 'application/octet-stream']], body: new Uint8Array([0, 255, 128, 10, 34, 92]) }

      await store.complete(id, 'mine', binary, timing)
      const again = await store.claim(claimOf(id, { fingerprint: 'fp-a' }))

      expect(again.claimed).toBe(false)
      expect(!again.claimed && again.record).toMatchObject({ state: 'completed', fingerprint: 'fp-a', response: { status: 200, headers: [['content-type', 'application/octet-stream']] } })
      expect(!again.claimed && [...again.record.response!.body]).toEqual([0, 255, 128, 10, 34, 92])
    })

    it('keeps UTF-8 text bodies exact, escapes and all', async () => {
      fresh()
      await store.claim(claimOf(id, { token: 'mine' }))
      const text = '{"note":"naïve \\"quoted\\" \u2028 😀","n":1}\n'

      await store.complete(id, 'mine', response(text), timing)
      const again = await store.claim(claimOf(id))

      expect(!again.claimed && new TextDecoder().decode(again.record.response!.body)).toBe(text)
    })

    it('refuses to complete for a token that does not hold the claim, and writes nothing', async () => {
      fresh()
      await store.claim(claimOf(id, { token: 'theirs' }))

      await expect(store.complete(id, 'mine', response(), timing)).rejects.toBeInstanceOf(ClaimLostError)
      const again = await store.claim(claimOf(id))
      expect(!again.claimed && again.record).toMatchObject({ state: 'in_progress', token: 'theirs' })
    })

    it('refuses to complete a key nobody holds', async () => {
      fresh()
      await expect(store.complete(id, 'mine', response(), timing)).rejects.toBeInstanceOf(ClaimLostError)
      expect((await store.claim(claimOf(id))).claimed).toBe(true)
    })

    it('releases an in-progress claim for its own token only, and never a completed key', async () => {
      fresh()
      const a = id
      const b = fresh()
      await store.claim(claimOf(a, { token: 'ta' }))
      await store.claim(claimOf(b, { token: 'tb' }))
      await store.complete(b, 'tb', response(), timing)

      await store.release(a, 'not-ta')
      const stillHeld = await store.claim(claimOf(a))
      await store.release(a, 'ta')
      await store.release(b, 'tb')

      expect(stillHeld.claimed).toBe(false)
      expect((await store.claim(claimOf(a))).claimed).toBe(true)
      expect((await store.claim(claimOf(b))).claimed).toBe(false)
    })

    it('lets a claim whose lease ran out be taken over, and fences the old holder out', async () => {
      fresh()
      await store.claim(claimOf(id, { token: 'stalled' }))
      const early = await store.claim(claimOf(id, { now: T0 + 999 }))

      if (options.clock === 'store') await options.expire!(id)
      const takeover = await store.claim(claimOf(id, { token: 'next', now: T0 + 1_000 }))

      expect(early.claimed).toBe(false)
      expect(takeover.claimed).toBe(true)
      await expect(store.complete(id, 'stalled', response(), timing)).rejects.toBeInstanceOf(ClaimLostError)
      await store.complete(id, 'next', response('{"winner":"next"}'), timing)
      const replay = await store.claim(claimOf(id, { now: T0 + 1_001 }))
      expect(!replay.claimed && new TextDecoder().decode(replay.record.response!.body)).toBe('{"winner":"next"}')
    })

    it('forgets a completed key once its ttl is over', async () => {
      fresh()
      await store.claim(claimOf(id, { token: 'old' }))
      await store.complete(id, 'old', response(), timing)
      const within = await store.claim(claimOf(id, { now: T0 + 9_999 }))

      if (options.clock === 'store') await options.expire!(id)
      const after = await store.claim(claimOf(id, { now: T0 + 10_000, fingerprint: 'fp-b' }))

      expect(within.claimed).toBe(false)
      expect(after.claimed).toBe(true)
    })
  })
}
