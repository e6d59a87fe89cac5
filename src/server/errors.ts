/**
 * Errors of `oncely/server`. Each has a `name`, so `isOncelyServerError`-style
 * checks work across realms, and carries what a caller needs.
 */

/**
 * The claim on a key was taken over (its lease ran out) or is gone: this
 * request must not write a response. `idempotent()` turns it into a 409; a
 * store throws it from `complete`.
 *
 * @example
 * await store.complete(id, token, response, timing).catch((e) => { if (isServerError(e, 'ClaimLostError')) … })
 */
export class ClaimLostError extends Error {
  override readonly name = 'ClaimLostError'
  constructor(readonly key: string) {
    super(`The claim on idempotency key ${JSON.stringify(key)} was lost before completion; nothing was written`)
  }
}

/**
 * An option has a value the wrapper or a store cannot use; thrown when the handler is wrapped.
 *
 * @example
 * idempotent(pay, { store, ttl: -1 }) // throws OncelyServerOptionError: "ttl: must be a positive number of milliseconds, got -1"
 */
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
 *
 * @example
 * await redisStore(client) // throws RedisEvictionPolicyError { policy: 'allkeys-lru' } on such a server
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

/**
 * `ctx.tx` was used with a store that has no transactions (Redis, memory).
 *
 * @example
 * idempotent(async (r, ctx) => { await ctx.tx.query('…') }, { store: memoryStore() }) // rejects with it
 */
export class TransactionUnsupportedError extends Error {
  override readonly name = 'TransactionUnsupportedError'
  constructor(readonly store: string) {
    super(`The ${store} store has no transactions: run the effect yourself, idempotently, or use the Postgres or PGlite store`)
  }
}

/**
 * The request body could not be turned into a `Request` (Node adapter: a body parser ran first).
 *
 * @example
 * app.post('/pay', express.json(), toNodeHandler(pay)) // next(RequestBodyError): mount it before express.json()
 */
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
