import type { StoredRequest } from './request.js'
import type { StoredResponse } from './response.js'

/** `pending`: the server may or may not have acted. `confirmed`/`rejected`: it answered definitively. */
export type IntentState = 'pending' | 'confirmed' | 'rejected'

/** What the store keeps per intent. Plain JSON, versioned so a later layout can read this one. */
export interface IntentRecord {
  v: 1
  /** The app's id for the action, e.g. `checkout:42`; undefined for a call made without one. */
  intent: string | undefined
  /** The idempotency key (UUIDv7), minted once and never re-minted while the server may know it. */
  key: string
  state: IntentState
  fingerprint: string
  /** The replayable request, credentials stripped. */
  request: StoredRequest
  /** Attempts handed to the network so far, across reloads. */
  attempts: number
  createdAt: number
  updatedAt: number
  response?: StoredResponse
  /** Why the last run ended without an answer (`pending`) or the refusal (`rejected`). */
  error?: string
}

/** Every way a record can change; `transition` is the only place that applies them. */
export type Action =
  | { type: 'attempt'; attempts: number }
  | { type: 'confirm'; response: StoredResponse }
  | { type: 'reject'; response: StoredResponse }
  | { type: 'stall'; error: string }

export function createRecord(fields: { intent: string | undefined; key: string; fingerprint: string; request: StoredRequest; now: number }): IntentRecord {
  const { intent, key, fingerprint, request, now } = fields
  return { v: 1, intent, key, state: 'pending', fingerprint, request, attempts: 0, createdAt: now, updatedAt: now }
}

/**
 * The state machine. A decided record (`confirmed`/`rejected`) never goes back to `pending`, and a
 * confirmed one is never rejected: late answers from a lost race cannot undo a charge.
 */
export function transition(record: IntentRecord, action: Action, now: number): IntentRecord {
  if (record.state !== 'pending') return record
  switch (action.type) {
    case 'attempt':
      return { ...record, attempts: Math.max(record.attempts, action.attempts), updatedAt: now }
    case 'confirm': {
      const { error: _stalled, ...rest } = record
      return { ...rest, state: 'confirmed', response: action.response, updatedAt: now }
    }
    case 'reject':
      return { ...record, state: 'rejected', response: action.response, error: `HTTP ${action.response.status}`, updatedAt: now }
    case 'stall':
      return { ...record, error: action.error, updatedAt: now }
  }
}

export const isExpired = (record: IntentRecord, ttl: number, now: number): boolean => now - record.createdAt > ttl

/** A stored value read back: a record, or why it is not one (a corrupt or future-version value). */
export type Decoded = { ok: true; record: IntentRecord } | { ok: false; reason: string; key: string | undefined }

/** Checks a stored value's shape; never throws, whatever another version or a broken disk left there. */
export function decodeRecord(value: unknown): Decoded {
  if (typeof value !== 'object' || value === null) return { ok: false, reason: 'not an object', key: undefined }
  const r = value as Partial<IntentRecord> & { v?: unknown }
  const key = typeof r.key === 'string' && /^[0-9a-f-]{36}$/i.test(r.key) ? r.key : undefined
  if (r.v !== 1) return { ok: false, reason: `unknown record version ${String(r.v)}`, key }
  const valid =
    key !== undefined &&
    (r.state === 'pending' || r.state === 'confirmed' || r.state === 'rejected') &&
    typeof r.fingerprint === 'string' &&
    typeof r.request === 'object' && r.request !== null &&
    typeof r.request.method === 'string' && typeof r.request.url === 'string' && Array.isArray(r.request.headers) &&
    typeof r.attempts === 'number' && typeof r.createdAt === 'number' && typeof r.updatedAt === 'number'
  return valid ? { ok: true, record: value as IntentRecord } : { ok: false, reason: 'malformed record', key }
}
