import type { Options as KyOptions } from 'ky'
import { IntentRejectedError, OncelyInputError } from './errors.js'
import { createEmitter, type Listener } from './events.js'
import { Busy, execute, readRecord, replay, storeKey, type Call, type Context, type Settled } from './intent.js'
import { createResumer, type Tried } from './resumer.js'
import { listenToTabs } from './tabs.js'
import { Flights } from './lock.js'
import { callKeys, checkOptions, checkText, checkTimeout, fetchKeys, inRange, keyHeaderSet, liveHeaders, normalizeOptions, type ClientOptions, type Config } from './options.js'
import { isExpired, type IntentRecord } from './record.js'
import { prepareBody, storedBodyToSend, type ReplayableBody } from './request.js'
import { toResponse } from './response.js'

/** Options of one call: ky's per-request options plus the intent. */
export interface RequestOptions extends Omit<KyOptions, 'retry' | 'method' | 'body' | 'prefixUrl' | 'throwHttpErrors'> {
  /** The app's name for this action, stable across reloads: `checkout:${cart.id}`. Omit for a one-off call. */
  intent?: string
  body?: ReplayableBody | null
  /** This call's deadline across all attempts, ms (default: the client's). */
  deadline?: number
  /** Throw `IntentRejectedError` on a refusal (default: the client's). */
  throwHttpErrors?: boolean
}

/** `fetch`'s init plus the intent. */
export interface IntentRequestInit extends RequestInit {
  intent?: string
  deadline?: number
}

export interface Intents {
  /** The record of an intent in this namespace, if any. */
  get(intent: string): Promise<IntentRecord | undefined>
  /** Every pending intent, oldest first: what to resume after a reload. */
  pending(): Promise<IntentRecord[]>
  /** Continues a stored intent with its own key: replays a confirmed one, sends a pending one again. */
  resume(intent: string, options?: { signal?: AbortSignal; deadline?: number }): Promise<Response>
  /** Drops an intent's record; the next call for it mints a new key. */
  forget(intent: string): Promise<void>
  /** Drops every record of this namespace (e.g. on sign-out). */
  clear(): Promise<void>
  /**
   * Tries every pending intent of this namespace once, now, each with its key, and resolves with
   * those still pending. For a service worker's `sync` event, or a "retry now" button.
   */
  drain(): Promise<IntentRecord[]>
}

type Method = (url: string | URL, options?: RequestOptions) => Promise<Response>

export interface OncelyClient {
  post: Method
  put: Method
  patch: Method
  delete: Method
  get: Method
  /** Fetch-compatible: resolves with the answer for any definitive status, rejects with `IntentPendingError` when unknown. */
  fetch(input: string | URL | Request, init?: IntentRequestInit): Promise<Response>
  intents: Intents
  /** Listens to every intent's events; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void
  /**
   * Stops the client's background work (its scheduled tries, device and tab listeners), as a
   * closed page would; calls still work. For tests, and for an app that replaces its client
   * (say, on sign-out). Records stay: the next client picks them up.
   */
  close(): void
}

/**
 * Makes a client whose calls are safe to retry: one intent, one idempotency key, one effect.
 *
 * @example
 * const api = createClient({ prefixUrl: '/api', namespace: user.id })
 * const res = await api.post('orders', { json: cart, intent: `checkout:${cart.id}` })
 */
export function createClient(options: ClientOptions = {}): OncelyClient {
  const emitter = createEmitter()
  const config = normalizeOptions(options, emitter)
  const ctx: Context = { config, emitter, flights: new Flights<Settled>() }

  const finish = (settled: Settled, throwOnReject: boolean): Response => {
    const response = settled.answer.response()
    if (settled.outcome === 'rejected' && throwOnReject) throw new IntentRejectedError(settled.record, response)
    return response
  }

  /** A stored pending intent as a call again. Credentials were not stored: the client's headers and hooks add them as ky sends. */
  const stored = ({ intent, request }: IntentRecord, { signal, deadline = config.deadline }: { signal?: AbortSignal; deadline?: number }, background?: boolean) =>
    makeCall(config, {
      intent,
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: { send: storedBodyToSend(request.body), stored: request.body, contentType: undefined },
      signal,
      deadline,
      options: {},
      background,
    })

  const method = (name: string): Method => async (url, callOptions = {}) => {
    checkOptions(callOptions, callKeys, `api.${name.toLowerCase()}()`)
    const { intent, json, body, headers, signal, searchParams, deadline = config.deadline, throwHttpErrors = config.throwHttpErrors, ...rest } = callOptions
    const call = await makeCall(config, { intent, method: name, url: withSearch(resolveUrl(url, config.prefixUrl), searchParams), headers, body: await prepareBody(body, json), signal: signal ?? undefined, deadline, options: rest })
    return finish(await execute(ctx, call), throwHttpErrors)
  }

  // Records of this namespace only: a key range, so other users' records on the device cost nothing.
  const list = async (): Promise<Array<[string, IntentRecord | undefined]>> => {
    const prefix = storeKey(config.namespace, '')
    return (await config.store.entries(prefix)).map(([name, value]) => [name, readRecord(ctx, name.slice(prefix.length), value)])
  }

  const intents: Intents = {
    get: async intent => readRecord(ctx, checkText(intent, 'intent'), await config.store.get(storeKey(config.namespace, intent))),
    async pending() {
      const out: IntentRecord[] = []
      // Only a clock the server has vouched for may delete: a jump ahead must not sweep a charge away.
      const now = config.clock.checked()
      for (const [name, record] of await list()) {
        if (record?.state === 'pending') out.push(record)
        else if (record && now !== undefined && now - record.updatedAt > config.retention) await config.store.delete(name)
      }
      return out.sort((a, b) => a.createdAt - b.createdAt)
    },
    async resume(intent, resumeOptions = {}) {
      checkOptions(resumeOptions, 'signal deadline', 'intents.resume()')
      const record = await intents.get(intent)
      if (!record) throw new OncelyInputError(`No stored intent ${intent} in namespace ${config.namespace}.`)
      if (record.state === 'rejected') throw new IntentRejectedError(record, toResponse(record.response ?? { status: 400, statusText: '', headers: [] }))
      // Resume never places a new order: a confirmed record is replayed, whatever its age.
      if (record.state === 'confirmed') return finish(replay(ctx, record), false)
      return finish(await execute(ctx, await stored(record, resumeOptions)), config.throwHttpErrors)
    },
    async drain() {
      const due = async () => (await intents.pending()).filter(record => !isExpired(record, config.ttl, config.clock.now()))
      for (const record of await due()) {
        // A call of this client already driving it is waited for, not counted as still pending.
        await ctx.flights.get(storeKey(config.namespace, record.intent!))?.promise.catch(() => undefined)
        await tryOnce(record)
      }
      return due()
    },
    forget: async intent => config.store.delete(storeKey(config.namespace, checkText(intent, 'intent'))),
    async clear() {
      for (const [name] of await list()) await config.store.delete(name)
    },
  }

  /** One background try: one attempt, only if no call here or in another tab drives the intent. */
  const tryOnce = async (record: IntentRecord, signal?: AbortSignal): Promise<Tried> => {
    try {
      await execute(ctx, await stored(record, { signal }, true))
      return 'done'
    } catch (error) {
      return error instanceof Busy ? 'busy' : error
    }
  }
  const resumer = config.background && createResumer(ctx, config.background, () => intents.pending(), intents.get, tryOnce)
  resumer?.start()
  // Every client of the namespace hears the others' decisions, the background on or not (a service worker).
  const stopTabs = listenToTabs(ctx, intents.get, record => resumer?.backup(record))

  return {
    post: method('POST'),
    put: method('PUT'),
    patch: method('PATCH'),
    delete: method('DELETE'),
    get: method('GET'),
    async fetch(input, init = {}) {
      checkOptions(init, fetchKeys, 'api.fetch()')
      const request = input instanceof Request ? input : undefined
      const { intent, deadline = config.deadline, signal, method: verb, headers, body, ...rest } = init
      const source = body ?? (request?.body ? await request.clone().arrayBuffer() : undefined)
      const call = await makeCall(config, {
        intent,
        method: (verb ?? request?.method ?? 'GET').toUpperCase(),
        url: resolveUrl(request ? request.url : (input as string | URL), ''),
        headers: headers ?? request?.headers,
        body: await prepareBody(source, undefined),
        signal: signal ?? request?.signal,
        deadline,
        // What the Request itself says (redirect: 'manual', credentials…) unless init says otherwise.
        options: { ...(request && requestInit(request)), ...rest } as KyOptions,
      })
      return finish(await execute(ctx, call), false)
    },
    intents,
    subscribe: listener => emitter.subscribe(listener),
    close() {
      resumer?.stop()
      stopTabs()
    },
  }
}

const requestInit = ({ redirect, credentials, mode, cache, referrer, referrerPolicy, integrity, keepalive }: Request): RequestInit =>
  ({ redirect, credentials, mode, cache, referrer, referrerPolicy, integrity, keepalive })

async function makeCall(config: Config, parts: Omit<Call, 'headers' | 'background'> & { headers: KyOptions['headers']; background?: boolean | undefined }): Promise<Call> {
  if (parts.intent !== undefined) checkText(parts.intent, 'intent')
  inRange(parts.deadline, 'deadline', 2 ** 31 - 1, 1)
  checkTimeout(parts.options.timeout)
  const headers = liveHeaders(parts.headers)
  if (headers.has(config.keyHeader)) throw new OncelyInputError(keyHeaderSet(config.keyHeader))
  if (parts.body.contentType && !headers.has('content-type')) headers.set('content-type', parts.body.contentType)
  return { ...parts, headers, background: parts.background === true }
}

// ky's prefixUrl rules, applied here because the stored request needs the absolute URL; and what
// may not be sent at all: another scheme, or credentials in the URL (they would be stored).
function resolveUrl(input: string | URL, prefixUrl: string): string {
  let url = String(input)
  if (prefixUrl && typeof input === 'string') {
    if (/^([a-z][\w+.-]*:|\/)/i.test(input)) throw new OncelyInputError(`With \`prefixUrl\`, pass a path without a leading slash, not ${JSON.stringify(input)} (as in ky).`)
    url = prefixUrl.endsWith('/') ? prefixUrl + input : `${prefixUrl}/${input}`
  }
  let resolved: URL
  try {
    resolved = new URL(url, globalThis.location?.href)
  } catch {
    throw new OncelyInputError(`Cannot resolve ${JSON.stringify(url)} to an absolute URL: outside a page, give \`prefixUrl\` or an absolute URL.`)
  }
  if (!/^https?:$/.test(resolved.protocol)) throw new OncelyInputError(`Only http(s) URLs can be sent, not ${resolved.protocol}.`)
  if (resolved.username || resolved.password) throw new OncelyInputError('A URL with user:password@ would store the password: send credentials in headers.')
  return resolved.href
}
function withSearch(url: string, searchParams: KyOptions['searchParams']): string {
  if (searchParams === undefined) return url
  const target = new URL(url)
  const params = typeof searchParams === 'string' || searchParams instanceof URLSearchParams || Array.isArray(searchParams)
    ? new URLSearchParams(searchParams as string | URLSearchParams | string[][])
    : new URLSearchParams(Object.entries(searchParams).filter(([, value]) => value !== undefined).map(([k, v]) => [k, String(v)]))
  target.search = params.toString()
  return target.href
}
