/**
 * `oncely/server`: the server half. Wrap a Fetch API handler so that one
 * `Idempotency-Key` is one effect, on a store that is shared by every process.
 *
 * @example
 * import { idempotent, postgresStore, toNodeHandler } from 'oncely/server'
 * const store = await postgresStore(pool)
 * const pay = idempotent(async (request, ctx) => {
 *   const { rows } = await ctx.tx.query('INSERT INTO payments (amount) VALUES ($1) RETURNING id', [(await request.json()).amount])
 *   return Response.json(rows[0], { status: 201 })
 * }, { store, scope: (request) => request.headers.get('x-user-id') ?? '' })
 * http.createServer(toNodeHandler(pay)).listen(3000)
 */
export { idempotent, type FetchHandler, type IdempotentHandler } from './idempotent.js'
export type { IdempotentOptions, Outcome, OutcomeEvent } from './options.js'
export type { IdempotencyContext, Transaction } from './context.js'
export { parseIdempotencyKey, MAX_KEY_LENGTH, type ParsedKey } from './key.js'
export { fingerprint, storageId, type FingerprintInput } from './fingerprint.js'
export { sha256, type Digest } from './digest.js'
export { decideKnownKey, isStorable, type KnownKeyAnswer } from './decide.js'
export { DEFAULT_KEPT_HEADERS, REPLAYED_HEADER } from './stored-response.js'
export { PROBLEM_CONTENT_TYPE, problemTypes, type Problem } from './problem.js'
export { ClaimLostError, OncelyServerOptionError, RedisEvictionPolicyError, RequestBodyError, TransactionUnsupportedError, isServerError } from './errors.js'
export { earliestSlot, overloaded, ReturnBook, shed, type ShedOptions } from './shed.js'
export { toNodeHandler, toRequest, writeResponse, type NodeHandlerOptions, type NodeRequestLike, type NodeResponseLike } from './node.js'
export { isClaimable, type Claim, type ClaimResult, type CompletionTiming, type IdempotencyStore, type KeyRecord, type KeyState, type StoreTransaction, type StoredResponse } from './store/types.js'
export { memoryStore, type MemoryStore } from './store/memory.js'
export { createSqlStore, schemaSql, type SqlDriver, type SqlQuery, type SqlStore, type SqlStoreOptions, type SqlTransaction } from './store/sql.js'
export { pgDriver, postgresStore, type PgClientLike, type PgPoolLike } from './store/postgres.js'
export { pgliteDriver, pgliteStore, type PGliteLike } from './store/pglite.js'
export { redisStore, type RedisClientLike, type RedisStore, type RedisStoreOptions } from './store/redis.js'
