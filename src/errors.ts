import type { IntentRecord } from './record.js'

/** Base class of every error oncely throws on purpose; `name` tells them apart across realms. */
export class OncelyError extends Error {
  override name = 'OncelyError'
}

/**
 * The outcome is unknown: retries ran out, the deadline passed, the caller aborted, or the
 * server answered in a way that says nothing about whether it acted. The key is kept and the
 * record stays `pending`; `api.intents.resume(error.record.intent)` continues later.
 */
export class IntentPendingError extends OncelyError {
  override name = 'IntentPendingError'
  constructor(readonly record: IntentRecord, options?: { cause?: unknown }) {
    super(`Intent ${record.intent ?? '(anonymous)'} is still pending after ${record.attempts} attempt(s): the server may or may not have acted. Resume it later with the same key.`, options)
  }
}

/** The same intent was called with another payload (method, URL or body). Nothing was sent. */
export class IntentConflictError extends OncelyError {
  override name = 'IntentConflictError'
  constructor(readonly intent: string, readonly expected: string, readonly actual: string) {
    super(`Intent ${intent} already stands for another request (${expected}); this call (${actual}) was not sent. Use a new intent id for a new action, or forget() the old one.`)
  }
}

/** A pending intent outlived `ttl`: the server may have forgotten its key, so it is not resumed silently. */
export class IntentExpiredError extends OncelyError {
  override name = 'IntentExpiredError'
  constructor(readonly record: IntentRecord) {
    super(`Intent ${record.intent} has been pending since ${new Date(record.createdAt).toISOString()}, longer than the ttl: the server may have forgotten its key. Check the order with the server, then forget() the intent to start over.`)
  }
}

/** The server refused and did not act (422 or another 4xx). The next call for this intent starts with a fresh key. */
export class IntentRejectedError extends OncelyError {
  override name = 'IntentRejectedError'
  constructor(readonly record: IntentRecord, readonly response: Response) {
    super(`Intent ${record.intent ?? '(anonymous)'} was rejected by the server with status ${response.status}.`)
  }
}

/** Bad input (an option, an intent id, a body that cannot be replayed). Nothing was sent or stored. */
export class OncelyInputError extends OncelyError {
  override name = 'OncelyInputError'
}

const is = <T extends OncelyError>(name: string) => (error: unknown): error is T =>
  typeof error === 'object' && error !== null && (error as Error).name === name

export const isIntentPendingError = is<IntentPendingError>('IntentPendingError')
export const isIntentConflictError = is<IntentConflictError>('IntentConflictError')
export const isIntentExpiredError = is<IntentExpiredError>('IntentExpiredError')
export const isIntentRejectedError = is<IntentRejectedError>('IntentRejectedError')
export const isOncelyInputError = is<OncelyInputError>('OncelyInputError')

/** The request never got an answer (connection refused, reset or dropped). The server may have acted. */
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
