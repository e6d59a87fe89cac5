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

/** Reads a response (a clone, so the caller's copy stays unread) into its stored form. */
export async function toStoredResponse(response: Response, policy: ResponsePolicy): Promise<StoredResponse> {
  const headers: Array<[string, string]> = []
  for (const name of policy.responseHeaders) {
    const value = response.headers.get(name)
    if (value !== null) headers.push([name, value])
  }
  const head = { status: response.status, statusText: response.statusText, headers }
  if (!policy.storeResponse) return { ...head, truncated: true }
  const data = new Uint8Array(await response.clone().arrayBuffer())
  if (data.byteLength > policy.maxResponseBytes) return { ...head, truncated: true }
  return { ...head, body: encode(data) }
}

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

/** Rebuilds a stored answer as a standard `Response`, marked so `isReplayed` can tell it from a live one. */
export function toResponse(stored: StoredResponse): Response {
  const body = nullBodyStatuses.includes(stored.status) ? null : (storedBodyToSend(stored.body) ?? null)
  const response = new Response(body, { status: stored.status, statusText: stored.statusText, headers: stored.headers })
  replayed.add(response)
  return response
}

/** A clone that keeps the replayed mark: each caller of one flight gets its own readable copy. */
export function cloneResponse(response: Response): Response {
  const copy = response.clone()
  if (replayed.has(response)) replayed.add(copy)
  return copy
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
