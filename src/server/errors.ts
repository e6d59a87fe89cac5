/**
 * Errors of `oncely/server`. Each has a `name`, so `isOncelyServerError`-style
 * checks work across realms, and carries what a caller needs.
 */

/** The claim on a key was taken over (its lease ran out) or is gone: this request must not write a response. */
export class ClaimLostError extends Error {
  override readonly name = 'ClaimLostError'
  constructor(readonly key: string) {
    super(`The claim on idempotency key ${JSON.stringify(key)} was lost before completion; nothing was written`)
  }
}

/** An option has a value the wrapper or a store cannot use. */
export class OncelyServerOptionError extends Error {
  override readonly name = 'OncelyServerOptionError'
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`)
  }
}

/**
 * The Redis server may evict keys under memory pressure (`maxmemory-policy`
 * other than `noeviction`): an evicted claim lets a retry act a second time.
 */
export class RedisEvictionPolicyError extends Error {
  override readonly name = 'RedisEvictionPolicyError'
  constructor(
    /** The policy found, or `undefined` when `CONFIG GET` was refused. */
    readonly policy: string | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(
      policy === undefined
        ? 'Could not read maxmemory-policy (CONFIG GET refused). Set it to noeviction and pass unsafeSkipEvictionCheck: true to start anyway.'
        : `Redis maxmemory-policy is ${policy}: under memory pressure it may evict idempotency keys, and a retry would then act twice. Set maxmemory-policy noeviction (or pass unsafeSkipEvictionCheck: true to start anyway).`,
      options,
    )
  }
}

/** `ctx.tx` was used with a store that has no transactions (Redis, memory). */
export class TransactionUnsupportedError extends Error {
  override readonly name = 'TransactionUnsupportedError'
  constructor(readonly store: string) {
    super(`The ${store} store has no transactions: run the effect yourself, idempotently, or use the Postgres or PGlite store`)
  }
}

/** The request body could not be turned into a `Request` (Node adapter: a body parser ran first). */
export class RequestBodyError extends Error {
  override readonly name = 'RequestBodyError'
}

/**
 * Whether `error` is one of this module's errors with that name; works across realms.
 *
 * @example
 * if (isServerError(error, 'ClaimLostError')) return retryLater()
 */
export function isServerError(error: unknown, name: 'ClaimLostError' | 'OncelyServerOptionError' | 'RedisEvictionPolicyError' | 'TransactionUnsupportedError' | 'RequestBodyError'): boolean {
  return error instanceof Error && error.name === name
}
