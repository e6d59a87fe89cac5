import { sha256, type Digest } from './digest.js'
import { OncelyServerOptionError } from './errors.js'
import type { FingerprintInput } from './fingerprint.js'
import { DEFAULT_KEPT_HEADERS } from './stored-response.js'
import type { IdempotencyStore } from './store/types.js'

/** What became of one request, as `onOutcome` reports it. */
export type Outcome =
  | 'completed' // the handler ran and its answer is stored
  | 'replayed' // the stored answer, again
  | 'in-progress' // 409: another request holds the key
  | 'mismatch' // 422: the key was used with another payload
  | 'missing-key' // 400
  | 'invalid-key' // 400
  | 'too-large' // 413
  | 'released' // the handler answered 5xx (or 408/425/429, or ctx.forget): key freed, nothing stored
  | 'threw' // the handler threw: key freed, error rethrown
  | 'claim-lost' // 409: the lease ran out before completion; nothing written
  | 'passed-through' // no key and `required: false`, or a method the wrapper leaves alone

/** One outcome, with the request it belongs to. */
export interface OutcomeEvent {
  outcome: Outcome
  request: Request
  /** The client's key, parsed, when there was a valid one. */
  key?: string
  /** The status answered (absent for `threw`). */
  status?: number
  error?: unknown
}

/** Options of `idempotent()`. Only `store` is required. */
export interface IdempotentOptions<Args extends unknown[] = []> {
  store: IdempotencyStore
  /**
   * Whose key it is: a user or tenant id. Keys are stored per scope + method +
   * route, so one user's key never replays another's answer. Default `''`
   * (one scope): set it whenever the API has users.
   */
  scope?: (request: Request, ...args: Args) => string | Promise<string>
  /** The route part of the scope; default the URL's path (use the route pattern if paths carry ids you want shared). */
  route?: (request: Request) => string
  /** How long a key is remembered, ms. Default 24 h, the client's `ttl`. */
  ttl?: number
  /** How long a claim holds without completing before another request may take it over, ms. Default 60 s; keep it above the handler's longest run. */
  lease?: number
  /** `true` (default): a request without a key gets 400. `false`: it runs the handler unguarded. */
  required?: boolean
  /** Methods guarded; others pass through. Default POST and PATCH. */
  methods?: string[]
  /** Default `Idempotency-Key`. */
  header?: string
  /** The payload's identity for the 422 check; default SHA-256 of method, path + query and body bytes. */
  fingerprint?: (input: FingerprintInput, request: Request) => string | Promise<string>
  /** Response headers stored for the replay (lower or any case). Default content-type, location, etag and a few more; never Set-Cookie unless named. */
  keepHeaders?: readonly string[]
  /** Largest request body read, bytes; larger gets 413. Default 1 MiB. */
  maxBodyBytes?: number
  /** `Retry-After` seconds on the 409 for a key in progress. Default 1. */
  retryAfter?: number
  /** The clock, epoch ms; looked up per call. */
  now?: () => number
  /** Fresh fencing tokens; default `crypto.randomUUID()`. */
  token?: () => string
  /** Hash for ids and fingerprints; default SHA-256 (Web Crypto). */
  digest?: Digest
  /** Hears every outcome (logs, metrics); a listener that throws is reported to `console.error`, never breaks the request. */
  onOutcome?: (event: OutcomeEvent) => void
}

/** The options with every default filled in, checked once. */
export interface Config<Args extends unknown[]> {
  store: IdempotencyStore
  scope: (request: Request, ...args: Args) => string | Promise<string>
  route: (request: Request) => string
  ttl: number
  lease: number
  required: boolean
  methods: ReadonlySet<string>
  header: string
  fingerprint: ((input: FingerprintInput, request: Request) => string | Promise<string>) | undefined
  keepHeaders: readonly string[]
  maxBodyBytes: number
  retryAfter: number
  now: () => number
  token: () => string
  digest: Digest
  onOutcome: (event: OutcomeEvent) => void
}

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Checks and completes the options; throws `OncelyServerOptionError` naming the bad one.
 *
 * @example
 * normalise({ store: memoryStore() }).ttl // 86_400_000
 */
export function normalise<Args extends unknown[]>(options: IdempotentOptions<Args>): Config<Args> {
  if (!options || typeof options.store?.claim !== 'function') throw new OncelyServerOptionError('store', 'pass an IdempotencyStore (memoryStore(), postgresStore(pool), pgliteStore(db), redisStore(client))')
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) throw new OncelyServerOptionError(name, `must be a positive number of ${name === 'maxBodyBytes' ? 'bytes' : 'milliseconds'}, got ${String(value)}`)
    return value
  }
  const ttl = positive('ttl', options.ttl, DAY_MS)
  const lease = positive('lease', options.lease, 60_000)
  if (lease > ttl) throw new OncelyServerOptionError('lease', `must not exceed ttl (${ttl} ms)`)
  const retryAfter = options.retryAfter ?? 1
  if (!(Number.isInteger(retryAfter) && retryAfter >= 0)) throw new OncelyServerOptionError('retryAfter', `must be whole seconds ≥ 0, got ${String(retryAfter)}`)
  const header = options.header ?? 'Idempotency-Key'
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) throw new OncelyServerOptionError('header', `is not a header name: ${JSON.stringify(header)}`)
  const listener = options.onOutcome
  return {
    store: options.store,
    scope: options.scope ?? (() => ''),
    route: options.route ?? ((request) => new URL(request.url).pathname),
    ttl,
    lease,
    required: options.required ?? true,
    methods: new Set((options.methods ?? ['POST', 'PATCH']).map((method) => method.toUpperCase())),
    header,
    fingerprint: options.fingerprint,
    keepHeaders: (options.keepHeaders ?? DEFAULT_KEPT_HEADERS).map((name) => name.toLowerCase()),
    maxBodyBytes: positive('maxBodyBytes', options.maxBodyBytes, 1024 * 1024),
    retryAfter,
    now: () => (options.now ?? Date.now)(),
    token: options.token ?? (() => globalThis.crypto.randomUUID()),
    digest: options.digest ?? sha256,
    onOutcome: (event) => {
      if (!listener) return
      try {
        listener(event)
      } catch (error) {
        console.error('oncely/server: an onOutcome listener threw:', error)
      }
    },
  }
}
