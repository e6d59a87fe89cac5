import { storedBodyToSend, toBase64, type StoredBody } from './request.js'

/** A confirmed or rejected answer as stored: status, chosen headers, body if within the cap. */
export interface StoredResponse {
  status: number
  statusText: string
  headers: Array<[string, string]>
  body?: StoredBody
  /** True when the body was over `maxResponseBytes` (or `storeResponse` is false) and was not kept. */
  truncated?: boolean
}

export interface ResponsePolicy {
  storeResponse: boolean
  responseHeaders: readonly string[]
  maxResponseBytes: number
}

/** A definitive answer, read once: its stored form, and a fresh `Response` for each caller. */
export interface Answer {
  stored: StoredResponse
  /** A new, unread `Response` on each call: every caller of one flight gets its own. */
  response(): Response
}

/**
 * Reads a live answer's body once (no tee, no clone) and keeps what the policy asks to store.
 * Callers get rebuilt Responses with the same status, headers, body and URL.
 */
export async function readAnswer(live: Response, policy: ResponsePolicy): Promise<Answer> {
  const bytes = new Uint8Array(await live.arrayBuffer())
  const headers: Array<[string, string]> = []
  for (const name of policy.responseHeaders) {
    const value = live.headers.get(name)
    if (value !== null) headers.push([name, value])
  }
  const head = { status: live.status, statusText: live.statusText, headers }
  const keep = policy.storeResponse && bytes.byteLength <= policy.maxResponseBytes
  return {
    stored: keep ? { ...head, body: encode(bytes) } : { ...head, truncated: true },
    response: () => rebuild(live, bytes),
  }
}

/** A stored answer served again without a network call; its Responses are marked for `isReplayed`. */
export const replayAnswer = (stored: StoredResponse): Answer => ({ stored, response: () => toResponse(stored) })

// Text when it decodes as UTF-8 (the usual JSON answer), else base64; base64 too where
// TextDecoder is missing (Hermes before React Native 0.85).
function encode(data: Uint8Array): StoredBody {
  if (typeof TextDecoder === 'undefined') return { encoding: 'base64', data: toBase64(data) }
  try {
    return { encoding: 'text', data: new TextDecoder('utf-8', { fatal: true }).decode(data) }
  } catch {
    return { encoding: 'base64', data: toBase64(data) }
  }
}

const replayed = new WeakSet<Response>()
const nullBodyStatuses = [101, 204, 205, 304]

/** A fresh `Response` like `live` with `body` (read once already), keeping the live URL, as fetch reports it. */
export function rebuild(live: Pick<Response, 'status' | 'statusText' | 'headers' | 'url'>, body: BodyInit | undefined | void): Response {
  const response = new Response(nullBodyStatuses.includes(live.status) ? null : (body ?? null), live)
  if (live.url) Object.defineProperty(response, 'url', { value: live.url })
  return response
}

/** Rebuilds a stored answer as a standard `Response`, marked so `isReplayed` can tell it from a live one. */
export function toResponse(stored: StoredResponse): Response {
  const response = rebuild({ ...stored, headers: new Headers(stored.headers), url: '' }, storedBodyToSend(stored.body))
  replayed.add(response)
  return response
}

/**
 * True for a response oncely served from its store without a network call (a confirmed intent
 * called again). A `response.clone()` made by the app is not marked.
 *
 * @example
 * const res = await api.post('orders', { json: cart, intent: `checkout:${cart.id}` })
 * if (isReplayed(res)) toast('This order was already placed.')
 */
export const isReplayed = (response: Response): boolean => replayed.has(response)
