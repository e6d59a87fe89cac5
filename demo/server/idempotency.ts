import { randomBytes, randomUUID } from 'node:crypto'
import { parseIdempotencyKey } from './key.js'
import { fingerprint, parseOrder, type Order } from './order.js'
import { problem, problemTypes, type Problem } from './problem.js'
import { ClaimLostError, type Charge, type IdempotencyStore, type KeyRecord } from './store/store.js'

/**
 * The server half of the idempotency contract (IETF draft "The Idempotency-Key
 * HTTP Header Field"), independent of HTTP plumbing:
 *
 * | request                                  | answer                                   |
 * | ---------------------------------------- | ---------------------------------------- |
 * | no key                                   | 400                                      |
 * | new key                                  | charge + store response, 201             |
 * | known key, completed, same payload       | stored response, `Idempotent-Replayed`   |
 * | known key, still in progress             | 409, `Retry-After: 1`                    |
 * | known key, other payload                 | 422                                      |
 * | key older than `keyTtlMs`                | treated as new                           |
 */

/** The call to the payment provider, made between claiming the key and committing. Tests pass a gate here. */
export type PaymentProvider = (order: Order, key: string) => Promise<void>

/** How the engine is built; only `store` is required. */
export interface EngineOptions {
  store: IdempotencyStore
  /** How long a key is remembered. Default 24 h, as the SDK's `ttl`. */
  keyTtlMs?: number
  /** A claim older than this whose request never committed (the process died) may be taken over. Default 60 s. */
  inProgressTimeoutMs?: number
  /** The clock, epoch ms; injectable so expiry tests do not wait. */
  now?: () => number
  provider?: PaymentProvider
}

/** What the engine did with one request, as the request log names it. */
export type EngineOutcome = 'charged' | 'replayed' | '400' | '409' | '422'

/** One HTTP answer, ready to write. */
export interface EngineResponse {
  status: number
  contentType: 'application/json' | 'application/problem+json'
  body: string
  headers: Record<string, string>
  outcome: EngineOutcome
  /** The parsed key, when there was one. */
  key?: string
}

/** The 201 body of a successful order. Stored and replayed verbatim. */
export interface OrderReceipt {
  orderId: string
  key: string
  cartId: string
  amount: number
  currency: string
  charged: true
  at: string
}

/** `GET /api/ledger`: `total` is the number of charges, the figure that must stay at one per intent. */
export interface Ledger {
  total: number
  charges: Array<{ key: string; orderId: string; amount: number; currency: string; at: string }>
}

/** The engine's handle, as returned by {@link createEngine}. */
export interface IdempotencyEngine {
  /** Handles `POST /api/orders`: the raw `Idempotency-Key` header and the raw body. */
  handle(request: { keyHeader: string | undefined; body: string }): Promise<EngineResponse>
  ledger(key?: string): Promise<Ledger>
  reset(): Promise<void>
  readonly store: IdempotencyStore
}

const DAY_MS = 24 * 60 * 60 * 1000
const ORDERS_PATH = '/api/orders'

/**
 * Creates the engine over a store.
 *
 * @example
 * const engine = createEngine({ store: createMemoryStore() })
 * await engine.handle({ keyHeader: '"0190…"', body: JSON.stringify(order) })
 */
export function createEngine(options: EngineOptions): IdempotencyEngine {
  const { store } = options
  const keyTtlMs = options.keyTtlMs ?? DAY_MS
  const inProgressTimeoutMs = options.inProgressTimeoutMs ?? 60_000
  const provider = options.provider ?? (async () => undefined)
  // Looked up per call, not captured, so a test may swap Date.now too.
  const now = () => (options.now ?? Date.now)()

  async function handle({ keyHeader, body }: { keyHeader: string | undefined; body: string }): Promise<EngineResponse> {
    const parsedKey = parseIdempotencyKey(keyHeader)
    if (!parsedKey.ok) {
      const type = parsedKey.reason === 'missing' ? problemTypes.keyMissing : problemTypes.keyInvalid
      return fail(problem(400, type, `Idempotency-Key ${parsedKey.reason}`, parsedKey.detail), '400')
    }
    const { key } = parsedKey

    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      return fail(problem(400, problemTypes.invalidBody, 'Body is not JSON', 'Send the order as application/json.'), '400', key)
    }
    // Invalid input is refused before the key is claimed: nothing happened, so nothing is remembered.
    const parsed = parseOrder(json)
    if (!parsed.ok) return fail(problem(400, problemTypes.invalidBody, 'Invalid order', parsed.errors.join('; '), { errors: parsed.errors }), '400', key)

    const at = now()
    const print = fingerprint('POST', ORDERS_PATH, json)
    const claimId = randomUUID()
    const claim = await store.claim({ key, fingerprint: print, claimId, now: at, expiresAt: at + keyTtlMs, staleBefore: at - inProgressTimeoutMs })
    if (!claim.claimed) return answerKnownKey(claim.record, print, key)

    try {
      await provider(parsed.order, key)
      const chargedAt = now()
      const receipt: OrderReceipt = {
        orderId: `ord_${randomBytes(8).toString('hex')}`,
        key,
        cartId: parsed.order.cartId,
        amount: parsed.order.amount,
        currency: parsed.order.currency,
        charged: true,
        at: new Date(chargedAt).toISOString(),
      }
      const charge: Charge = { orderId: receipt.orderId, key, cartId: receipt.cartId, amount: receipt.amount, currency: receipt.currency, at: chargedAt }
      const response = { status: 201, body: JSON.stringify(receipt) }
      await store.complete(key, claimId, charge, response)
      return { ...response, contentType: 'application/json', headers: {}, outcome: 'charged', key }
    } catch (error) {
      // Our claim was taken over (we stalled past inProgressTimeoutMs) and nothing of ours was committed:
      // another request owns the key now, which is exactly what 409 tells the client.
      if (error instanceof ClaimLostError) return inProgress(key)
      // Nothing was committed (charge and response share one transaction), so free the key for the retry.
      // If even that fails, the claim goes stale and is taken over after inProgressTimeoutMs.
      await store.release(key, claimId).catch((releaseError: unknown) => {
        throw new AggregateError([error, releaseError], 'Order failed and its key could not be released')
      })
      throw error
    }
  }

  async function ledger(key?: string): Promise<Ledger> {
    const charges = await store.charges(key)
    return {
      total: charges.length,
      charges: charges.map((c) => ({ key: c.key, orderId: c.orderId, amount: c.amount, currency: c.currency, at: new Date(c.at).toISOString() })),
    }
  }

  return { handle, ledger, reset: () => store.reset(), store }
}

/** A key we have seen: mismatch beats everything, then in-progress, then replay. */
function answerKnownKey(record: KeyRecord, print: string, key: string): EngineResponse {
  if (record.fingerprint !== print) {
    return fail(problem(422, problemTypes.keyReused, 'Idempotency-Key reused with another payload', 'This key was first used with a different request body. Mint a new key for a new intent.'), '422', key)
  }
  if (record.state === 'in_progress' || !record.response) return inProgress(key)
  return {
    status: record.response.status,
    contentType: 'application/json',
    body: record.response.body,
    // A client SDK reads this to tell "done now" from "done before" (exposed to CORS in respond.ts).
    headers: { 'Idempotent-Replayed': 'true' },
    outcome: 'replayed',
    key,
  }
}

function inProgress(key: string): EngineResponse {
  const busy = problem(409, problemTypes.keyInProgress, 'A request with this Idempotency-Key is in progress', 'Retry with the same key after Retry-After seconds.')
  return { ...fail(busy, '409', key), headers: { 'Retry-After': '1' } }
}

function fail(body: Problem, outcome: EngineOutcome, key?: string): EngineResponse {
  return { status: body.status, contentType: 'application/problem+json', body: JSON.stringify(body), headers: {}, outcome, ...(key === undefined ? {} : { key }) }
}
