/**
 * The store contract. The wrapper (`idempotent.ts`) orchestrates; a store
 * implements three small primitives, each one atomic on its own:
 *
 * 1. `claim`: take the key if it is free, expired, or its holder's lease ran
 *    out, else return its record. One round trip, so a new key and a replay
 *    each cost one store call before the handler runs.
 * 2. `complete`: store the response, only if `token` still holds the claim
 *    (fencing: a worker that lost its claim can never write).
 * 3. `release`: give the key back after a failure, only if `token` holds it.
 *
 * SQL stores add `transaction()`, so the handler's effect, the key's
 * completion and the stored response commit together.
 */

/** Where a key is in its life: `in_progress` → `completed`, or released (gone). */
export type KeyState = 'in_progress' | 'completed'

/** A response as stored and replayed: status, the headers kept, the body bytes. */
export interface StoredResponse {
  status: number
  /** Lower-case names, in order. */
  headers: Array<[string, string]>
  body: Uint8Array
}

/** What a store keeps per key. Times are epoch ms of the app's clock (Redis: its own expiry). */
export interface KeyRecord {
  state: KeyState
  fingerprint: string
  /** The claim's fencing token. */
  token: string
  /** Until when an `in_progress` claim is its holder's; after that another request may take it over. */
  leaseUntil: number
  expiresAt: number
  response?: StoredResponse
}

/** One attempt to take a key. */
export interface Claim {
  /** The scoped storage id (see `storageId`), not the client's raw key. */
  id: string
  fingerprint: string
  /** A fresh random token naming this claim. */
  token: string
  now: number
  /** How long the claim holds without completing (ms). */
  lease: number
  /** How long a key is remembered (ms). */
  ttl: number
}

/** Either this request owns the key now, or here is the record that stands in its way. */
export type ClaimResult = { claimed: true } | { claimed: false; record: KeyRecord }

/** When a completion happens and until when its key is remembered (epoch ms, app clock). */
export interface CompletionTiming {
  now: number
  /** The claim's `now + ttl`: a replay is served until then. */
  expiresAt: number
}

/** One database transaction the handler's effect runs in (SQL stores). */
export interface StoreTransaction {
  /** Runs one parameterised statement inside the transaction. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>
  /** Marks the key completed with `response` if `token` still holds it, then commits; else rolls back and throws `ClaimLostError`. */
  complete(id: string, token: string, response: StoredResponse, timing: CompletionTiming): Promise<void>
  /** Commits without touching a key (a request that came without one). */
  commit(): Promise<void>
  rollback(): Promise<void>
}

/** Persistence for idempotency keys. */
export interface IdempotencyStore {
  /** For logs and health checks: `memory`, `pglite`, `postgres`, `redis`. */
  readonly kind: string
  claim(claim: Claim): Promise<ClaimResult>
  /** Throws `ClaimLostError` (and writes nothing) if `token` no longer holds `id`. */
  complete(id: string, token: string, response: StoredResponse, timing: CompletionTiming): Promise<void>
  /** Deletes the claim if `token` still holds it and it is in progress; otherwise does nothing. */
  release(id: string, token: string): Promise<void>
  /** Opens a transaction for the handler's effect; absent on stores that cannot (Redis, memory). */
  transaction?(): Promise<StoreTransaction>
}

/**
 * Whether an existing record may be taken over by a new claim: it expired, or
 * it is in progress and its holder's lease ran out (the holder died or
 * stalled; nothing of it was committed). One rule for every store.
 *
 * @example
 * isClaimable({ state: 'in_progress', leaseUntil: 10, expiresAt: 100, … }, 10) // true
 */
export function isClaimable(record: Pick<KeyRecord, 'state' | 'leaseUntil' | 'expiresAt'>, now: number): boolean {
  if (record.expiresAt <= now) return true
  return record.state === 'in_progress' && record.leaseUntil <= now
}
