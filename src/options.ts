import ky, { type KyInstance, type Options as KyOptions } from 'ky'
import { defaultRetryStatuses } from './classify.js'
import { OncelyInputError } from './errors.js'
import type { Emitter } from './events.js'
import type { KeyFormat } from './key.js'
import { browserOnlineSource, type OnlineSource } from './online.js'
import { defaultCredentialHeaders } from './request.js'
import type { ResponsePolicy } from './response.js'
import { chooseStore, type StoreOption } from './store/choose.js'
import { guardStore } from './store/guard.js'
import type { IntentStore } from './store/types.js'
import { createClock, type Clock } from './clock.js'
import type { BackgroundPolicy } from './resumer.js'
import { defaultSchedule, type SchedulePolicy } from './schedule.js'

/**
 * How oncely retries one intent, in its calls and in the background after them (one schedule:
 * docs/schedule.md). `limit`, `statusCodes`, `retryOnTimeout`, `delay`, `backoffLimit` and
 * `maxRetryAfter` keep ky's names; ky runs each call's loop.
 */
export interface RetryOptions extends Partial<SchedulePolicy> {
  /**
   * Failed attempts a call may retry before it ends `pending` (the background tries go on). Answers
   * that tell the client to wait (409, or 429/503 with `Retry-After`) do not count. Default 8.
   */
  limit?: number
  /** Statuses retried with the same key. Default 408, 409, 425, 429, 500, 502, 503, 504 (409 always). */
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
  /**
   * How long a decided record is kept (and a confirmed one replayed when its intent is called
   * again), ms; at least `ttl`. Default 7 days. Swept only once the server's `Date` has vouched
   * for the device clock, so a clock that jumps ahead cannot delete a charge.
   */
  retention?: number
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
   * Finishing pending intents on its own. After a call gives up (retries, deadline, offline), the
   * client keeps trying its intent with the same key on a long-horizon schedule, and at once when
   * the device comes back online, the page becomes visible or the server answers again; a new
   * client picks up its namespace's pending intents. `false` turns it off (`intents.resume()`
   * still works); an object tunes the schedule.
   */
  background?: false | Partial<BackgroundPolicy>
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
  retry: SchedulePolicy & { limit: number; statusCodes: number[]; retryOnTimeout: boolean }
  ttl: number
  retention: number
  deadline: number
  keyHeader: string
  keyFormat: KeyFormat
  credentialHeaders: string[]
  response: ResponsePolicy
  online: OnlineSource
  background: BackgroundPolicy | undefined
  throwHttpErrors: boolean
  /** The app's `fetch` option, else the global one, looked up per request so it can be replaced. */
  fetch: (input: Request, init?: RequestInit) => Promise<Response>
  now: () => number
  /** `now`, checked against the server's `Date`: what ages are judged by. */
  clock: Clock
  random: () => number
}

// Every option name ky and fetch take per request (vendor ones too: Next.js `next`, undici `dispatcher`).
const requestKeys = 'headers timeout hooks fetch context searchParams parseJson stringifyJson onDownloadProgress onUploadProgress mode credentials cache redirect referrer referrerPolicy integrity keepalive window duplex priority dispatcher next'
const clientKeys = `${requestKeys} prefixUrl namespace store retry ttl retention deadline keyHeader keyFormat credentialHeaders storeResponse responseHeaders maxResponseBytes online background throwHttpErrors now random`
export const callKeys = `${requestKeys} intent json body signal deadline throwHttpErrors`
export const fetchKeys = `${requestKeys} intent deadline method body signal`

const renamed: Record<string, string> = {
  idempotencyKey: 'oncely mints and keeps the key itself; name the action with `intent` instead.',
  retries: 'use `retry: { limit }` (ky\'s name).',
  jitter: 'oncely\'s schedule jitters every wait itself; tune `delay`, `quick`, `spread` or `backoffLimit` (docs/schedule.md).',
  storage: 'use `store`.',
  outage: 'gone: each intent\'s retries now space out with how long it has been failing, which paces an outage per intent (docs/schedule.md).',
}

/** Refuses options oncely does not know, naming the closest known one: a typo must not run silently. */
export function checkOptions(options: object, known: string, where: string): undefined {
  const names = known.split(' ')
  for (const name of Object.keys(options)) {
    if (names.includes(name)) continue
    const near = names.find(candidate => distance(name.toLowerCase(), candidate.toLowerCase()) <= 2)
    throw new OncelyInputError(`\`${name}\` is not an option of ${where}: ${renamed[name] ?? (near ? `did you mean \`${near}\`?` : `the options are ${names.join(', ')}.`)}`)
  }
}

// Levenshtein distance, for "did you mean".
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + Number(a[i - 1] !== b[j - 1]))
    row = next
  }
  return row[b.length]!
}

/** The longest delay a timer can take (2^31 - 1 ms); a longer one fires at once. */
const maxTimer = 2 ** 31 - 1

/** `value` as a number within [min, max], or a typed error naming the option. */
export function inRange(value: unknown, name: string, max = maxTimer, min = 0): number {
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    throw new OncelyInputError(`\`${name}\` must be a number from ${min} to ${max}, got ${String(value)}.`)
  }
  return value
}

/** A per-attempt `timeout`: ms or `false` (ky's). */
export const checkTimeout = (timeout: unknown): void => {
  if (timeout !== undefined && timeout !== false) inRange(timeout, 'timeout', maxTimer, 1)
}

/** Text that must survive `encodeURIComponent` (store keys, lock names): no lone surrogates. */
export function checkText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 512) throw new OncelyInputError(`\`${name}\` must be a non-empty string of at most 512 characters, got ${JSON.stringify(value)}.`)
  try {
    encodeURIComponent(value)
  } catch {
    throw new OncelyInputError(`\`${name}\` contains a lone surrogate and cannot be stored.`)
  }
  return value
}

export function normalizeOptions(options: ClientOptions, emitter: Emitter): Config {
  checkOptions(options, clientKeys, 'createClient')
  const {
    namespace = 'default', store = 'auto', retry = {}, ttl = 24 * 60 * 60 * 1000, retention = 7 * 24 * 60 * 60 * 1000, deadline = 60_000,
    keyHeader = 'Idempotency-Key', keyFormat = 'sf-string', credentialHeaders = [], storeResponse = true,
    responseHeaders = ['content-type', 'location', 'idempotent-replayed'], maxResponseBytes = 65_536,
    online = browserOnlineSource, background = {}, throwHttpErrors = true, now = Date.now, random = Math.random,
    prefixUrl = '', fetch, ...kyOptions
  } = options
  checkText(namespace, 'namespace')
  if (keyFormat !== 'sf-string' && keyFormat !== 'bare') throw new OncelyInputError('`keyFormat` must be "sf-string" or "bare".')
  if (typeof keyHeader !== 'string' || !/^[!#$%&'*+.^_`|~\w-]+$/.test(keyHeader)) throw new OncelyInputError(`\`keyHeader\` must be an HTTP header name, got ${JSON.stringify(keyHeader)}.`)
  if (liveHeaders(kyOptions.headers).has(keyHeader)) throw new OncelyInputError(keyHeaderSet(keyHeader))
  checkTimeout(kyOptions.timeout)
  const r: RetryOptions = typeof retry === 'number' ? { limit: retry } : retry
  checkOptions(r, 'limit delay quick spread backoffLimit maxRetryAfter statusCodes retryOnTimeout', '`retry`')
  const schedule = { ...defaultSchedule, ...r }
  const clock = createClock(now)
  const chosen = chooseStore(store, (from, to) =>
    // Told after createClient returns, so the app's subscribe() right after it hears it.
    queueMicrotask(() => emitter.emit({ type: 'storage-degraded', from, to, reason: `no ${from} in this runtime` })))
  return {
    ky: ky.create({ timeout: 10_000, ...kyOptions }),
    prefixUrl: String(prefixUrl),
    namespace,
    store: guardStore(chosen),
    retry: {
      limit: inRange(r.limit ?? 8, 'retry.limit', Infinity),
      delay: inRange(schedule.delay, 'retry.delay'),
      quick: inRange(schedule.quick, 'retry.quick', 30),
      spread: inRange(schedule.spread, 'retry.spread', 100),
      backoffLimit: inRange(schedule.backoffLimit, 'retry.backoffLimit'),
      maxRetryAfter: inRange(schedule.maxRetryAfter, 'retry.maxRetryAfter'),
      statusCodes: r.statusCodes ?? [...defaultRetryStatuses],
      retryOnTimeout: r.retryOnTimeout ?? true,
    },
    ttl: inRange(ttl, 'ttl', Infinity, 1),
    retention: inRange(retention, 'retention', Infinity, ttl),
    deadline: inRange(deadline, 'deadline', maxTimer, 1),
    keyHeader,
    keyFormat,
    credentialHeaders: [...defaultCredentialHeaders, ...credentialHeaders.map(name => name.toLowerCase())],
    response: { storeResponse, responseHeaders, maxResponseBytes: inRange(maxResponseBytes, 'maxResponseBytes', Infinity) },
    online,
    background: background === false ? undefined : checkOptions(background, 'wake', '`background`') ?? { wake: inRange(background.wake ?? 1000, 'background.wake') },
    throwHttpErrors,
    fetch: (input, init) => (fetch ?? globalThis.fetch)(input, init),
    now,
    clock,
    random,
  }
}

export const keyHeaderSet = (name: string): string =>
  `Do not set ${name} yourself: oncely mints one key per intent and keeps it across retries and reloads. Pass \`intent\` instead.`

/** ky's headers option as `Headers`: a record may hold `undefined` (meaning: unset), which `Headers` refuses. */
export function liveHeaders(init: KyOptions['headers']): Headers {
  return new Headers(init && !(init instanceof Headers) && !Array.isArray(init)
    ? Object.entries(init).filter((entry): entry is [string, string] => entry[1] !== undefined)
    : init)
}
