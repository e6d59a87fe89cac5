import { ClaimLostError } from '../errors.js'
import { isClaimable, type Claim, type ClaimResult, type IdempotencyStore, type KeyRecord, type StoredResponse } from './types.js'

/** The in-process store, with a way to look inside for tests. */
export interface MemoryStore extends IdempotencyStore {
  /** Keys held right now (expired ones included until touched). */
  readonly size: number
  clear(): void
}

/**
 * Keys in a `Map` of this process: for tests, examples and single-process
 * tools. Each method runs to completion without awaiting, so on one event loop
 * it is as atomic as a transaction. Not shared between processes, lost on
 * restart: use Postgres, PGlite or Redis for anything real.
 *
 * @example
 * const handler = idempotent(pay, { store: memoryStore() })
 */
export function memoryStore(): MemoryStore {
  const records = new Map<string, KeyRecord>()
  const copy = (record: KeyRecord): KeyRecord => ({ ...record, ...(record.response ? { response: copyResponse(record.response) } : {}) })

  return {
    kind: 'memory',
    get size() {
      return records.size
    },
    async claim(claim: Claim): Promise<ClaimResult> {
      const existing = records.get(claim.id)
      if (existing && !isClaimable(existing, claim.now)) return { claimed: false, record: copy(existing) }
      records.set(claim.id, { state: 'in_progress', fingerprint: claim.fingerprint, token: claim.token, leaseUntil: claim.now + claim.lease, expiresAt: claim.now + claim.ttl })
      return { claimed: true }
    },
    async complete(id: string, token: string, response: StoredResponse): Promise<void> {
      const record = records.get(id)
      if (!record || record.token !== token || record.state !== 'in_progress') throw new ClaimLostError(id)
      records.set(id, { ...record, state: 'completed', response: copyResponse(response) })
    },
    async release(id: string, token: string): Promise<void> {
      const record = records.get(id)
      if (record && record.token === token && record.state === 'in_progress') records.delete(id)
    },
    clear: () => records.clear(),
  }
}

function copyResponse(response: StoredResponse): StoredResponse {
  return { status: response.status, headers: response.headers.map(([name, value]) => [name, value]), body: response.body.slice() }
}
