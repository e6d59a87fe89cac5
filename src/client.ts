import type { Options as KyOptions } from 'ky'
import { IntentRejectedError, OncelyInputError } from './errors.js'
import { createEmitter, type Listener } from './events.js'
import { decodeReported, execute, replay, storeKey, type Call, type Context, type Settled } from './intent.js'
import { Flights } from './lock.js'
import { checkRenamed, normalizeOptions, type ClientOptions, type Config } from './options.js'
import { OutageGate } from './outage.js'
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
  const gate = config.outage && new OutageGate(config.outage, config.now, config.random)
  const ctx: Context = { config, emitter, flights: new Flights<Settled>(), gate }

  const finish = (settled: Settled, throwOnReject: boolean): Response => {
    const response = settled.answer.response()
    if (settled.outcome === 'rejected' && throwOnReject) throw new IntentRejectedError(settled.record, response)
    return response
  }

  const method = (name: string): Method => async (url, callOptions = {}) => {
    checkRenamed(callOptions, `api.${name.toLowerCase()}()`)
    const { intent, json, body, headers, signal, searchParams, deadline = config.deadline, throwHttpErrors = config.throwHttpErrors, ...rest } = callOptions
    const call = await makeCall(config, { intent, method: name, url: withSearch(resolveUrl(url, config.prefixUrl), searchParams), headers, body: await prepareBody(body, json), signal: signal ?? undefined, deadline, options: rest })
    return finish(await execute(ctx, call), throwHttpErrors)
  }

  const read = async (intent: string): Promise<IntentRecord | undefined> => {
    const value = await config.store.get(storeKey(config.namespace, intent))
    const decoded = value === undefined ? undefined : decodeReported(ctx, intent, value)
    return decoded?.ok ? decoded.record : undefined
  }

  const intents: Intents = {
    get: intent => read(checkIntent(intent)),
    async pending() {
      const prefix = storeKey(config.namespace, '')
      const out: IntentRecord[] = []
      for (const [name, value] of await config.store.entries(prefix)) {
        const decoded = decodeReported(ctx, name.slice(prefix.length), value)
        if (!decoded.ok) continue
        const record = decoded.record
        if (record.state === 'pending') out.push(record)
        // Decided records past the ttl are swept here: the server has forgotten their keys too.
        else if (isExpired(record, config.ttl, config.now())) await config.store.delete(name)
      }
      return out.sort((a, b) => a.createdAt - b.createdAt)
    },
    async resume(intent, resumeOptions = {}) {
      const record = await read(checkIntent(intent))
      if (!record) throw new OncelyInputError(`No stored intent ${intent} in namespace ${config.namespace}.`)
      if (record.state === 'rejected') throw new IntentRejectedError(record, toResponse(record.response ?? { status: 400, statusText: '', headers: [] }))
      // Resume never places a new order: a confirmed record is replayed even past its ttl.
      if (record.state === 'confirmed') return finish(replay(ctx, record), false)
      const { request } = record
      // Credentials were not stored: the client's headers and hooks add them again as ky sends.
      const call = await makeCall(config, {
        intent,
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: { send: storedBodyToSend(request.body), stored: request.body, contentType: undefined },
        signal: resumeOptions.signal,
        deadline: resumeOptions.deadline ?? config.deadline,
        options: {},
      })
      return finish(await execute(ctx, call), config.throwHttpErrors)
    },
    forget: intent => config.store.delete(storeKey(config.namespace, checkIntent(intent))),
    async clear() {
      for (const [name] of await config.store.entries(storeKey(config.namespace, ''))) await config.store.delete(name)
    },
  }

  return {
    post: method('POST'),
    put: method('PUT'),
    patch: method('PATCH'),
    delete: method('DELETE'),
    get: method('GET'),
    async fetch(input, init = {}) {
      checkRenamed(init, 'api.fetch()')
      const request = input instanceof Request ? input : undefined
      const { intent, deadline = config.deadline, signal, method: verb, headers, body, ...rest } = init
      const source = body ?? (request?.body ? await request.clone().arrayBuffer() : undefined)
      const call = await makeCall(config, {
        intent,
        method: (verb ?? request?.method ?? 'GET').toUpperCase(),
        url: request ? request.url : resolveUrl(input as string | URL, ''),
        headers: headers ?? request?.headers,
        body: await prepareBody(source, undefined),
        signal: signal ?? request?.signal,
        deadline,
        options: rest as KyOptions,
      })
      return finish(await execute(ctx, call), false)
    },
    intents,
    subscribe: listener => emitter.subscribe(listener),
  }
}

const checkIntent = (intent: unknown): string => {
  if (typeof intent !== 'string' || intent === '' || intent.length > 512) {
    throw new OncelyInputError(`An intent id must be a non-empty string of at most 512 characters, got ${JSON.stringify(intent)}.`)
  }
  return intent
}

async function makeCall(config: Config, parts: Omit<Call, 'headers'> & { headers: KyOptions['headers'] }): Promise<Call> {
  if (parts.intent !== undefined) checkIntent(parts.intent)
  // ky allows `undefined` values in a headers record (meaning: unset); Headers does not.
  const init = parts.headers && !(parts.headers instanceof Headers) && !Array.isArray(parts.headers)
    ? Object.entries(parts.headers).filter((entry): entry is [string, string] => entry[1] !== undefined)
    : parts.headers
  const headers = new Headers(init)
  if (headers.has(config.keyHeader)) {
    throw new OncelyInputError(`Do not set ${config.keyHeader} yourself: oncely mints one key per intent and keeps it across retries and reloads. Pass \`intent\` instead.`)
  }
  if (parts.body.contentType && !headers.has('content-type')) headers.set('content-type', parts.body.contentType)
  return { ...parts, headers }
}

// ky's prefixUrl rules, applied here because the stored request needs the absolute URL.
function resolveUrl(input: string | URL, prefixUrl: string): string {
  let url = String(input)
  if (prefixUrl && typeof input === 'string') {
    if (input.startsWith('/')) throw new OncelyInputError('With `prefixUrl`, the path must not begin with a slash (as in ky).')
    url = prefixUrl.endsWith('/') ? prefixUrl + input : `${prefixUrl}/${input}`
  }
  try {
    return new URL(url, globalThis.location?.href).href
  } catch {
    throw new OncelyInputError(`Cannot resolve ${JSON.stringify(url)} to an absolute URL: outside a page, give \`prefixUrl\` or an absolute URL.`)
  }
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
