import { ClaimLostError, isReclaimable, type Charge, type ClaimRequest, type ClaimResult, type IdempotencyStore, type KeyRecord, type StoredResponse } from './store.js'

/**
 * An in-process store with the same semantics as the SQL one. Each method runs
 * to completion without awaiting, so on one event loop it is as atomic as a
 * transaction; the `Map` plays the part of the unique constraint.
 *
 * Used by tests and the benchmark: an in-memory PGlite needs ~2.5 s of initdb
 * per start, this needs nothing.
 *
 * @example
 * const store = createMemoryStore()
 */
export function createMemoryStore(): IdempotencyStore {
  const keys = new Map<string, KeyRecord>()
  let ledger: Charge[] = []

  return {
    kind: 'memory',

    async claim(request: ClaimRequest): Promise<ClaimResult> {
      const existing = keys.get(request.key)
      if (existing && !isReclaimable(existing, request)) return { claimed: false, record: { ...existing } }
      keys.set(request.key, {
        key: request.key,
        fingerprint: request.fingerprint,
        state: 'in_progress',
        claimId: request.claimId,
        createdAt: request.now,
        expiresAt: request.expiresAt,
      })
      return { claimed: true }
    },

    async complete(key: string, claimId: string, charge: Charge, response: StoredResponse): Promise<void> {
      const record = keys.get(key)
      if (!record || record.claimId !== claimId || record.state !== 'in_progress') throw new ClaimLostError(key)
      ledger.push({ ...charge })
      keys.set(key, { ...record, state: 'completed', response: { ...response } })
    },

    async release(key: string, claimId: string): Promise<void> {
      const record = keys.get(key)
      if (record && record.claimId === claimId && record.state === 'in_progress') keys.delete(key)
    },

    async charges(key?: string): Promise<Charge[]> {
      return ledger.filter((charge) => key === undefined || charge.key === key).map((charge) => ({ ...charge }))
    },

    async reset(): Promise<void> {
      keys.clear()
      ledger = []
    },

    async close(): Promise<void> {
      keys.clear()
      ledger = []
    },
  }
}
