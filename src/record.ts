import { isKey } from './key.js'
import type { StoredRequest } from './request.js'
import type { StoredResponse } from './response.js'

/** `pending`: the server may or may not have acted. `confirmed`/`rejected`: it answered definitively. */
export type IntentState = 'pending' | 'confirmed' | 'rejected'

/** What the store keeps per intent. Plain JSON, versioned so a later layout can read this one. */
export interface IntentRecord {
  v: 1
  /** The client's `namespace` (e.g. the user id): a record is only ever read back by its own. */
  namespace: string
  /** The app's id for the action, e.g. `checkout:42`; undefined for a call made without one. */
  intent: string | undefined
  /** The idempotency key (UUIDv7), minted once and never re-minted while the server may know it. */
  key: string
  /** The header value exactly as first sent (`"…"` or bare): resent as is, whatever `keyFormat` says later. */
  wire: string
  state: IntentState
  fingerprint: string
  /** The replayable request, credentials stripped; a decided record keeps it without its body. */
  request: StoredRequest
  /** Attempts handed to the network so far, across reloads and tabs, counted before each is sent. */
  attempts: number
  /** Of those, the ones the server answered with a 4xx: known not to have acted. */
  declined: number
  createdAt: number
  updatedAt: number
  response?: StoredResponse
  /** Why the last run ended without a definitive answer (`pending`), or the refusal (`rejected`). */
  error?: string
  /** When the last run's next try was due (the server's `Retry-After`, or the schedule's wait): no try before it. */
  retryAt?: number
}

/** Every way a record can change; `transition` is the only place that applies them. */
export type Action =
  /** One more attempt is about to be sent; `declined` says the server answered the previous one with a 4xx. */
  | { type: 'attempt'; declined: boolean }
  | { type: 'confirm'; response: StoredResponse }
  /** A 4xx refusal; `certain` when the server says it is the stored answer of the key's first request. */
  | { type: 'refuse'; response: StoredResponse; certain: boolean }
  | { type: 'stall'; error: string; declined: boolean; retryAt: number | undefined }

export function createRecord(fields: Pick<IntentRecord, 'namespace' | 'intent' | 'key' | 'wire' | 'fingerprint' | 'request'> & { now: number }): IntentRecord {
  const { now, ...rest } = fields
  return { v: 1, ...rest, state: 'pending', attempts: 0, declined: 0, createdAt: now, updatedAt: now }
}

/**
 * The state machine, applied to the stored record inside the store's update, so counts from
 * several tabs add up. A decided record never changes again: a late answer from a lost race
 * cannot undo a charge. A refusal frees the key (`rejected`) only when every attempt under it
 * was declined; after one that may have acted, the intent stays pending with its key.
 */
export function transition(record: IntentRecord, action: Action, now: number): IntentRecord {
  if (record.state !== 'pending') return record
  const at = { ...record, updatedAt: now }
  switch (action.type) {
    case 'attempt':
      return { ...at, attempts: record.attempts + 1, declined: record.declined + Number(action.declined) }
    case 'stall': {
      const { retryAt: _last, ...rest } = at
      const stalled = { ...rest, error: action.error, declined: record.declined + Number(action.declined) }
      return action.retryAt === undefined ? stalled : { ...stalled, retryAt: action.retryAt }
    }
    case 'confirm':
      return decide(at, 'confirmed', action.response, undefined)
    case 'refuse': {
      const declined = record.declined + 1
      const error = `HTTP ${action.response.status}`
      if (action.certain || declined >= record.attempts) return decide({ ...at, declined }, 'rejected', action.response, error)
      return { ...at, declined, error: `${error} after an attempt that may have acted` }
    }
  }
}

// A decided record needs its fingerprint and answer, not the request body.
function decide(record: IntentRecord, state: IntentState, response: StoredResponse, error: string | undefined): IntentRecord {
  const { error: _stalled, retryAt: _due, request: { body: _body, ...request }, ...rest } = record
  return error === undefined ? { ...rest, request, state, response } : { ...rest, request, state, response, error }
}

export const isExpired = (record: IntentRecord, ttl: number, now: number): boolean => now - record.createdAt > ttl

/**
 * A stored value read back: a record of the asked intent, or why it is not one. `foreign` marks a
 * well-formed record of another intent or namespace: a store that answers with it cannot be trusted.
 */
export type Decoded = { ok: true; record: IntentRecord } | { ok: false; reason: string; key: string | undefined; foreign?: true }

/** Checks a stored value's shape and that it belongs to `intent` in `namespace`; never throws. */
export function decodeRecord(value: unknown, namespace: string, intent: string): Decoded {
  if (typeof value !== 'object' || value === null) return { ok: false, reason: 'not an object', key: undefined }
  const r = value as Partial<IntentRecord> & { v?: unknown }
  const key = isKey(r.key) ? r.key : undefined
  if (r.v !== 1) return { ok: false, reason: `unknown record version ${String(r.v)}`, key }
  const valid =
    key !== undefined &&
    (r.wire === key || r.wire === `"${key}"`) &&
    (r.state === 'pending' || r.state === 'confirmed' || r.state === 'rejected') &&
    typeof r.fingerprint === 'string' &&
    typeof r.request === 'object' && r.request !== null &&
    typeof r.request.method === 'string' && typeof r.request.url === 'string' && Array.isArray(r.request.headers) &&
    [r.attempts, r.declined, r.createdAt, r.updatedAt].every(n => typeof n === 'number')
  if (!valid) return { ok: false, reason: 'malformed record', key }
  if (r.namespace !== namespace || r.intent !== intent) {
    return { ok: false, reason: `a record of ${String(r.namespace)}/${String(r.intent)} stored as ${namespace}/${intent}`, key, foreign: true }
  }
  return { ok: true, record: value as IntentRecord }
}
