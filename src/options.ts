import ky, { type KyInstance, type Options as KyOptions } from 'ky'
import { createJitter, exponentialDelay, type JitterStrategy } from './backoff.js'
import { defaultRetryStatuses } from './classify.js'
import { OncelyInputError } from './errors.js'
import type { Emitter } from './events.js'
import type { KeyFormat } from './key.js'
import { browserOnlineSource, type OnlineSource } from './online.js'
import type { OutagePolicy } from './outage.js'
import { defaultCredentialHeaders } from './request.js'
import type { ResponsePolicy } from './response.js'
import { candidateStores, degradingStore, type StoreOption } from './store/chain.js'
import type { IntentStore } from './store/types.js'

/** How oncely retries one intent. Names follow ky's `retry` options, which run the loop. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 8: at 30 % loss, 9 attempts all fail 2 times in 100,000. */
  limit?: number
  /** Base delay in ms for `base * 2^(n-1)`, or a function of the retry number. Default 250. */
  delay?: number | ((attempt: number) => number)
  /** Cap on one computed delay, ms. Default 10,000. */
  backoffLimit?: number
  /** Cap on a server's `Retry-After`, ms. Default 20,000. */
  maxRetryAfter?: number
  /** Default `'full'` (AWS's best result against a thundering herd). */
  jitter?: JitterStrategy | ((delay: number) => number)
  /** Statuses retried with the same key. Default 408, 409, 425, 429, 500, 502, 503, 504. */
  statusCodes?: number[]
  /** Retry after a per-attempt timeout (the server may have acted: same key). Default true. */
  retryOnTimeout?: boolean
}

/** Options of `createClient`. Any other ky option (`prefixUrl`, `headers`, `timeout`, `hooks`, `fetch`…) passes through. */
export interface ClientOptions extends Omit<KyOptions, 'retry' | 'json' | 'body' | 'method' | 'signal' | 'throwHttpErrors'> {
  /** Scopes every record, e.g. the user id: records of another namespace are never seen. Default `'default'`. */
  namespace?: string
  /** Default `'auto'`: IndexedDB, else localStorage, else memory. */
  store?: StoreOption
  retry?: RetryOptions | number
  /** How long the server keeps keys, ms. Default 24 h. Older pending intents are not resumed silently. */
  ttl?: number
  /** How long one call may take across all attempts before it rejects with `IntentPendingError`, ms. Default 60,000. */
  deadline?: number
  /** Default `'Idempotency-Key'`. */
  keyHeader?: string
  /** Default `'sf-string'` (`"…"`, as the IETF draft); `'bare'` for servers that expect the raw UUID. */
  keyFormat?: KeyFormat
  /** Header names never stored, added to authorization, cookie, proxy-authorization, x-api-key, x-csrf-token, x-xsrf-token. */
  credentialHeaders?: string[]
  /** Keep the body of confirmed responses for replay. Default true; false keeps the status only. */
  storeResponse?: boolean
  /** Response headers kept for replay. Default content-type, location, idempotent-replayed. */
  responseHeaders?: string[]
  /** Bodies larger than this are not stored (status only). Default 65,536. */
  maxResponseBytes?: number
  /** Default: `navigator.onLine` and its events where they exist, else always online. */
  online?: OnlineSource
  /**
   * Outage handling for a client that holds many intents (a service, a POS queue). After
   * `threshold` (5) unreachable attempts in a row, one probe per `probeInterval` (1 s) goes out and
   * other attempts wait without spending attempts; when the server answers, they are released
   * spread over `drain` (2) × the downtime, at most `maxDrain` (30 s). `false` turns it off.
   */
  outage?: false | Partial<OutagePolicy>
  /** Whether `post`/`put`/… throw `IntentRejectedError` on a refusal (4xx). Default true; `fetch` never throws on one. */
  throwHttpErrors?: boolean
  /** Clock, injectable for tests. Default `Date.now`. */
  now?: () => number
  /** Randomness for jitter, injectable for tests. Default `Math.random`. */
  random?: () => number
}

/** Options normalised once: nothing downstream handles `undefined`. */
export interface Config {
  ky: KyInstance
  prefixUrl: string
  namespace: string
  store: IntentStore
  retry: {
    limit: number
    delay: (attempt: number) => number
    backoffLimit: number
    maxRetryAfter: number
    statusCodes: number[]
    retryOnTimeout: boolean
    /** A fresh jitter per call: decorrelated jitter keeps state. */
    jitter: () => (delay: number) => number
  }
  ttl: number
  deadline: number
  keyHeader: string
  keyFormat: KeyFormat
  credentialHeaders: string[]
  response: ResponsePolicy
  online: OnlineSource
  outage: OutagePolicy | undefined
  throwHttpErrors: boolean
  /** The app's `fetch` option, else the global one, looked up per request so it can be replaced. */
  fetch: (input: Request, init?: RequestInit) => Promise<Response>
  now: () => number
  random: () => number
}

const renamed: Record<string, string> = {
  idempotencyKey: 'oncely mints and keeps the key itself; name the action with `intent` instead.',
  retries: 'use `retry: { limit }` (ky\'s name).',
  storage: 'use `store`.',
}

export function checkRenamed(options: object, where: string): void {
  for (const name of Object.keys(options)) {
    if (name in renamed) throw new OncelyInputError(`\`${name}\` is not an option of ${where}: ${renamed[name]}`)
  }
}

const positive = (value: number, name: string): number => {
  if (!Number.isFinite(value) || value < 0) throw new OncelyInputError(`\`${name}\` must be a finite number >= 0, got ${value}.`)
  return value
}

export function normalizeOptions(options: ClientOptions, emitter: Emitter): Config {
  checkRenamed(options, 'createClient')
  const {
    namespace = 'default', store = 'auto', retry = {}, ttl = 24 * 60 * 60 * 1000, deadline = 60_000,
    keyHeader = 'Idempotency-Key', keyFormat = 'sf-string', credentialHeaders = [], storeResponse = true,
    responseHeaders = ['content-type', 'location', 'idempotent-replayed'], maxResponseBytes = 65_536,
    online = browserOnlineSource, outage = {}, throwHttpErrors = true, now = Date.now, random = Math.random,
    prefixUrl = '', fetch, ...kyOptions
  } = options
  if (typeof namespace !== 'string' || namespace === '') throw new OncelyInputError('`namespace` must be a non-empty string.')
  if (keyFormat !== 'sf-string' && keyFormat !== 'bare') throw new OncelyInputError('`keyFormat` must be "sf-string" or "bare".')
  const r: RetryOptions = typeof retry === 'number' ? { limit: retry } : retry
  const base = typeof r.delay === 'number' ? positive(r.delay, 'retry.delay') : 250
  const strategy = r.jitter ?? 'full'
  if (typeof strategy === 'string' && !['full', 'equal', 'decorrelated', 'none'].includes(strategy)) {
    throw new OncelyInputError(`\`retry.jitter\` must be "full", "equal", "decorrelated", "none" or a function, got ${strategy}.`)
  }
  return {
    ky: ky.create({ timeout: 10_000, ...kyOptions }),
    prefixUrl: String(prefixUrl),
    namespace,
    store: degradingStore(candidateStores(store), (from, to, error) =>
      emitter.emit({ type: 'storage-degraded', from, to, reason: 'store-failed', error })),
    retry: {
      limit: positive(r.limit ?? 8, 'retry.limit'),
      delay: typeof r.delay === 'function' ? r.delay : exponentialDelay(base),
      backoffLimit: positive(r.backoffLimit ?? 10_000, 'retry.backoffLimit'),
      maxRetryAfter: positive(r.maxRetryAfter ?? 20_000, 'retry.maxRetryAfter'),
      statusCodes: r.statusCodes ?? [...defaultRetryStatuses],
      retryOnTimeout: r.retryOnTimeout ?? true,
      jitter: typeof strategy === 'function' ? () => strategy : () => createJitter(strategy, base, random),
    },
    ttl: positive(ttl, 'ttl'),
    deadline: positive(deadline, 'deadline'),
    keyHeader,
    keyFormat,
    credentialHeaders: [...defaultCredentialHeaders, ...credentialHeaders.map(name => name.toLowerCase())],
    response: { storeResponse, responseHeaders, maxResponseBytes: positive(maxResponseBytes, 'maxResponseBytes') },
    online,
    outage: outage === false ? undefined : {
      threshold: positive(outage.threshold ?? 5, 'outage.threshold'),
      probeInterval: positive(outage.probeInterval ?? 1000, 'outage.probeInterval'),
      drain: positive(outage.drain ?? 2, 'outage.drain'),
      maxDrain: positive(outage.maxDrain ?? 30_000, 'outage.maxDrain'),
    },
    throwHttpErrors,
    fetch: (input, init) => (fetch ?? globalThis.fetch)(input, init),
    now,
    random,
  }
}
