import type { IntentRecord } from './record.js'

/** Base class of every error oncely throws on purpose; `name` tells them apart across realms. */
export class OncelyError extends Error {
  override name = 'OncelyError'
}

/**
 * The outcome is unknown: retries ran out, the deadline passed, the caller aborted, or the
 * server answered in a way that says nothing about whether it acted (a 5xx, or a refusal after
 * an attempt that may have acted). The key is kept and the record stays `pending`; the client
 * keeps trying it, and `api.intents.resume(intent)` continues it at once.
 */
export class IntentPendingError extends OncelyError {
  override name = 'IntentPendingError'
  /** The refusal that ended this run, when the server refused after an attempt that may have acted (e.g. 401 after a lost answer). */
  readonly response: Response | undefined
  constructor(readonly record: IntentRecord, options?: { cause?: unknown; response?: Response }) {
    super(`Intent ${record.intent ?? '(anonymous)'} is still pending after ${record.attempts} attempt(s): the server may or may not have acted, so its key is kept.`, options)
    this.response = options?.response
  }
}

/** The same intent was called with another payload (method, URL or body). Nothing was sent. */
export class IntentConflictError extends OncelyError {
  override name = 'IntentConflictError'
  constructor(readonly intent: string, readonly expected: string, readonly actual: string) {
    super(`Intent ${intent} already stands for another request (${expected}); this call (${actual}) was not sent. Use a new intent id for a new action.`)
  }
}

/** A pending intent outlived `ttl`: the server may have forgotten its key, so it is not resumed silently. */
export class IntentExpiredError extends OncelyError {
  override name = 'IntentExpiredError'
  constructor(readonly record: IntentRecord) {
    super(`Intent ${record.intent} has been pending since ${new Date(record.createdAt).toISOString()}, past the ttl: the server may have forgotten its key, so it is not sent again.`)
  }
}

/** The server refused, and no attempt under the key can have acted: the next call starts with a fresh key. */
export class IntentRejectedError extends OncelyError {
  override name = 'IntentRejectedError'
  constructor(readonly record: IntentRecord, readonly response: Response) {
    super(`Intent ${record.intent ?? '(anonymous)'} was rejected by the server with status ${response.status}.`)
  }
}

/** Bad input (an option, an intent id, a URL, a body that cannot be replayed). Nothing was sent or stored. */
export class OncelyInputError extends OncelyError {
  override name = 'OncelyInputError'
}

/**
 * The durable store failed (after brief retries) or answered what it cannot have stored. oncely
 * fails closed: without the store's word on an intent, nothing is minted or sent for it.
 */
export class StorageError extends OncelyError {
  override name = 'StorageError'
}

const is = <T extends OncelyError>(name: string) => (error: unknown): error is T =>
  typeof error === 'object' && error !== null && (error as Error).name === name

export const isIntentPendingError = is<IntentPendingError>('IntentPendingError')
export const isIntentConflictError = is<IntentConflictError>('IntentConflictError')
export const isIntentExpiredError = is<IntentExpiredError>('IntentExpiredError')
export const isIntentRejectedError = is<IntentRejectedError>('IntentRejectedError')
export const isOncelyInputError = is<OncelyInputError>('OncelyInputError')
export const isStorageError = is<StorageError>('StorageError')

/** The request failed before an answer arrived (connection refused, reset or dropped). The server may have acted. */
export class NetworkError extends OncelyError {
  override name = 'NetworkError'
  constructor(options?: { cause?: unknown }) {
    super('The request failed before an answer arrived; the server may or may not have acted.', options)
  }
}

/** The call's `deadline` passed before a definitive answer. */
export class DeadlineError extends OncelyError {
  override name = 'DeadlineError'
  constructor(readonly deadline: number) {
    super(`No definitive answer within the deadline of ${deadline} ms.`)
  }
}
