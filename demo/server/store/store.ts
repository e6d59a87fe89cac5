/**
 * The storage contract the idempotency engine talks to. Three implementations
 * keep it: `memory.ts` (in-process, for tests and the benchmark), and `sql.ts`
 * over PGlite or a real PostgreSQL (`pglite.ts`, `pg.ts`), with the same SQL.
 *
 * The contract is two steps, because a client must be able to see "in progress":
 * 1. `claim` inserts the key as `in_progress` only if absent (a unique
 *    constraint decides, not a cache), and commits at once.
 * 2. `complete` records the charge AND the response in one transaction, so a
 *    charge without a stored response (or the reverse) can never be observed.
 */

/** Where a key is in its life. `in_progress` → `completed`; nothing goes back. */
export type KeyState = 'in_progress' | 'completed'

/** The response stored with a completed key, replayed byte for byte. */
export interface StoredResponse {
  status: number
  /** The JSON body exactly as first sent. */
  body: string
}

/** One row of the idempotency-key table. */
export interface KeyRecord {
  key: string
  fingerprint: string
  state: KeyState
  /** Identifies the request that holds the claim, so a late writer cannot complete someone else's claim. */
  claimId: string
  createdAt: number
  expiresAt: number
  response?: StoredResponse
}

/** One effect on the server: the thing that must happen once. */
export interface Charge {
  orderId: string
  key: string
  cartId: string
  amount: number
  currency: string
  /** Epoch milliseconds. */
  at: number
}

/** What `claim` needs to know; times come from the engine's (injectable) clock. */
export interface ClaimRequest {
  key: string
  fingerprint: string
  claimId: string
  now: number
  expiresAt: number
  /** An `in_progress` claim made at or before this time is abandoned (its request died before committing). */
  staleBefore: number
}

/** Either we own the key now, or somebody already does and here is their record. */
export type ClaimResult = { claimed: true } | { claimed: false; record: KeyRecord }

/** Persistence for keys and charges. Every method is atomic on its own. */
export interface IdempotencyStore {
  /** Which backend this is, for logs and `/api/health`. */
  readonly kind: 'memory' | 'pglite' | 'pg'
  /**
   * Take the key if it is free, expired, or abandoned; otherwise return its record.
   * Never returns `claimed: false` with a record that is expired.
   */
  claim(request: ClaimRequest): Promise<ClaimResult>
  /**
   * Insert the charge and mark the key `completed` with its response, in one
   * transaction. Throws `ClaimLostError` (and writes nothing) if `claimId`
   * no longer holds the key.
   */
  complete(key: string, claimId: string, charge: Charge, response: StoredResponse): Promise<void>
  /** Give the key back after a failure before commit, so a retry can start over. */
  release(key: string, claimId: string): Promise<void>
  /** Charges in the order they were made, optionally for one key. */
  charges(key?: string): Promise<Charge[]>
  /** Forget every key and charge (tests and the demo's reset button). */
  reset(): Promise<void>
  close(): Promise<void>
}

/**
 * Whether a claim may take over an existing key: it expired, or it is still
 * `in_progress` but was made at or before `staleBefore` (its request died
 * before committing, so nothing of it was charged). One rule for every store.
 */
export function isReclaimable(record: KeyRecord, request: Pick<ClaimRequest, 'now' | 'staleBefore'>): boolean {
  if (record.expiresAt <= request.now) return true
  // A claim is only ever made at createdAt, so that is when it was locked.
  return record.state === 'in_progress' && record.createdAt <= request.staleBefore
}

/** The claim was taken over (or reset) between `claim` and `complete`. */
export class ClaimLostError extends Error {
  override readonly name = 'ClaimLostError'
  constructor(readonly key: string) {
    super(`The claim on idempotency key ${JSON.stringify(key)} was lost before commit`)
  }
}
