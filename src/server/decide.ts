import type { KeyRecord } from './store/types.js'

/** What to answer a request whose key is already held. */
export type KnownKeyAnswer = { kind: 'mismatch' } | { kind: 'in-progress' } | { kind: 'replay'; record: KeyRecord & { response: NonNullable<KeyRecord['response']> } }

/**
 * The answer for a key the store would not let us claim. Pure. Mismatch beats
 * everything (a key names one payload), then in progress, then the replay.
 *
 * @example
 * decideKnownKey(record, 'fp-a') // { kind: 'in-progress' } while record.state is in_progress
 */
export function decideKnownKey(record: KeyRecord, fingerprint: string): KnownKeyAnswer {
  if (record.fingerprint !== fingerprint) return { kind: 'mismatch' }
  if (record.state !== 'completed' || !record.response) return { kind: 'in-progress' }
  return { kind: 'replay', record: record as KeyRecord & { response: NonNullable<KeyRecord['response']> } }
}

/**
 * Whether a handler's answer is stored under its key, by status. 5xx is never
 * stored (the client retries with the same key and must get a fresh attempt),
 * nor are the statuses that mean "try again" (408, 425, 429). Pure.
 *
 * @example
 * isStorable(201) // true
 * isStorable(503) // false
 */
export function isStorable(status: number): boolean {
  return status < 500 && status !== 408 && status !== 425 && status !== 429
}
