import { createContext, type ContextHandle, type IdempotencyContext } from './context.js'
import { decideKnownKey, isStorable } from './decide.js'
import { isServerError } from './errors.js'
import { fingerprint as defaultFingerprint, storageId } from './fingerprint.js'
import { parseIdempotencyKey } from './key.js'
import { normalise, type Config, type IdempotentOptions, type Outcome } from './options.js'
import { problemResponse, problemTypes } from './problem.js'
import { rebuild, toReplay, toStored } from './stored-response.js'

/** A Fetch API handler as `idempotent()` wraps it: the request, the idempotency context, then whatever the framework passes. */
export type IdempotentHandler<Args extends unknown[] = []> = (request: Request, ctx: IdempotencyContext, ...args: Args) => Response | Promise<Response>

/** What `idempotent()` returns: a plain Fetch API handler. */
export type FetchHandler<Args extends unknown[] = []> = (request: Request, ...args: Args) => Promise<Response>

/**
 * Wraps a Fetch API handler so it honours `Idempotency-Key` (IETF draft
 * draft-ietf-httpapi-idempotency-key-header):
 *
 * | request                                   | answer                                          |
 * | ----------------------------------------- | ----------------------------------------------- |
 * | no key (POST, PATCH)                      | 400, or the handler unguarded with `required: false` |
 * | new key                                   | the handler runs once; its answer is stored      |
 * | same key, done                            | the stored answer, byte for byte, `Idempotent-Replayed: true` |
 * | same key, still running                   | 409 with `Retry-After`                           |
 * | same key, other payload                   | 422                                             |
 * | handler throws or answers 5xx             | the key is released; nothing is stored           |
 *
 * @example
 * const store = await postgresStore(pool)
 * export const POST = idempotent(async (request, ctx) => {
 *   const order = await request.json()
 *   const { rows } = await ctx.tx.query('INSERT INTO orders (amount) VALUES ($1) RETURNING id', [order.amount])
 *   return Response.json({ id: rows[0].id }, { status: 201 })
 * }, { store, scope: (request) => userIdOf(request) })
 */
export function idempotent<Args extends unknown[] = []>(handler: IdempotentHandler<Args>, options: IdempotentOptions<Args>): FetchHandler<Args> {
  const config = normalise(options)
  const { store } = config

  return async (request, ...args) => {
    const report = (outcome: Outcome, response: Response, key?: string): Response => {
      config.onOutcome({ outcome, request, status: response.status, ...(key === undefined ? {} : { key }) })
      return response
    }
    if (!config.methods.has(request.method.toUpperCase())) return passThrough(handler, config, request, args)

    const parsed = parseIdempotencyKey(request.headers.get(config.header) ?? undefined)
    if (!parsed.ok) {
      if (parsed.reason === 'missing' && !config.required) return passThrough(handler, config, request, args)
      const type = parsed.reason === 'missing' ? problemTypes.keyMissing : problemTypes.keyInvalid
      return report(`${parsed.reason}-key`, problemResponse({ type, title: `${config.header} ${parsed.reason}`, status: 400, detail: parsed.detail }))
    }
    const { key } = parsed

    const declared = Number(request.headers.get('content-length') ?? 0)
    // A clone, so the handler still reads the original body as it came.
    const body = declared > config.maxBodyBytes ? undefined : new Uint8Array(await request.clone().arrayBuffer())
    if (!body || body.length > config.maxBodyBytes) {
      const detail = `The body exceeds ${config.maxBodyBytes} bytes.`
      return report('too-large', problemResponse({ type: problemTypes.bodyTooLarge, title: 'Request body too large', status: 413, detail }), key)
    }

    const url = new URL(request.url)
    const input = { method: request.method, target: url.pathname + url.search, body }
    const [scope, print] = await Promise.all([config.scope(request, ...args), config.fingerprint ? config.fingerprint(input, request) : defaultFingerprint(input, config.digest)])
    const id = await storageId({ scope, method: request.method, route: config.route(request), key }, config.digest)
    const token = config.token()
    const claimedAt = config.now()
    const claim = await store.claim({ id, fingerprint: print, token, now: claimedAt, lease: config.lease, ttl: config.ttl })

    if (!claim.claimed) {
      const known = decideKnownKey(claim.record, print)
      if (known.kind === 'mismatch') return report('mismatch', reused(config), key)
      if (known.kind === 'in-progress') return report('in-progress', inProgress(config), key)
      return report('replayed', toReplay(known.record.response), key)
    }

    const handle = createContext(store, key)
    let response: Response
    try {
      response = await handler(request, handle.context, ...args)
    } catch (error) {
      await abandon(handle, () => store.release(id, token), error)
      config.onOutcome({ outcome: 'threw', request, key, error })
      throw error
    }
    // Never cache a failure: the retry with this key must get a fresh attempt.
    if (!isStorable(response.status) || handle.isForgotten(response)) {
      await abandon(handle, () => store.release(id, token))
      return report('released', response, key)
    }

    const stored = await toStored(response, config.keepHeaders).catch(async (error: unknown) => {
      await abandon(handle, () => store.release(id, token), error)
      throw error
    })
    const transaction = await handle.transaction()
    try {
      const timing = { now: config.now(), expiresAt: claimedAt + config.ttl }
      if (transaction) await transaction.complete(id, token, stored, timing)
      else await store.complete(id, token, stored, timing)
    } catch (error) {
      // Our lease ran out and the key was taken over (or is gone): another request owns it now,
      // which is what 409 tells the client. Nothing of ours was written (and the transaction rolled back).
      if (isServerError(error, 'ClaimLostError')) return report('claim-lost', inProgress(config), key)
      // With a transaction, the effect rolled back: free the key for the retry. Without one the effect
      // may have happened, so the claim is left to its lease rather than inviting an instant second run.
      if (transaction) await abandon(handle, () => store.release(id, token), error)
      throw error
    }
    return report('completed', rebuild(response, stored.body), key)
  }
}

/** A request the wrapper does not guard: the handler runs, its transaction (if any) commits on success. */
async function passThrough<Args extends unknown[]>(handler: IdempotentHandler<Args>, config: Config<Args>, request: Request, args: Args): Promise<Response> {
  const handle = createContext(config.store, undefined)
  let response: Response
  try {
    response = await handler(request, handle.context, ...args)
  } catch (error) {
    await abandon(handle, async () => undefined, error)
    throw error
  }
  const transaction = await handle.transaction()
  if (transaction) {
    if (response.status < 500 && !handle.isForgotten(response)) await transaction.commit()
    else await transaction.rollback()
  }
  config.onOutcome({ outcome: 'passed-through', request, status: response.status })
  return response
}

/** Rolls back the handler's transaction and releases the key; a failure here joins the original one. */
async function abandon(handle: ContextHandle, release: () => Promise<void>, original?: unknown): Promise<void> {
  const failures: unknown[] = []
  const transaction = await handle.transaction()
  if (transaction) await transaction.rollback().catch((error: unknown) => failures.push(error))
  await release().catch((error: unknown) => failures.push(error))
  if (failures.length === 0) return
  // Unreleased, the claim still ends with its lease; say so rather than swallow it.
  throw new AggregateError(original === undefined ? failures : [original, ...failures], 'oncely/server: could not roll back or release the key after a failed request')
}

function inProgress<Args extends unknown[]>(config: Config<Args>): Response {
  const detail = `Another request with this ${config.header} is still running. Retry with the same key after Retry-After seconds.`
  return problemResponse({ type: problemTypes.keyInProgress, title: `A request with this ${config.header} is in progress`, status: 409, detail }, { 'Retry-After': String(config.retryAfter) })
}

function reused<Args extends unknown[]>(config: Config<Args>): Response {
  const detail = `This ${config.header} was first used with another request (method, path or body). Use a new key for a new intent.`
  return problemResponse({ type: problemTypes.keyReused, title: `${config.header} reused with another payload`, status: 422, detail })
}
