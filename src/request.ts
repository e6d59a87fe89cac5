import { OncelyInputError } from './errors.js'

/** A body as stored: text as is, bytes as base64, so every store (JSON ones too) can keep it. */
export type StoredBody = { encoding: 'text'; data: string } | { encoding: 'base64'; data: string }

/** The request to replay after a reload: method, absolute URL, headers without credentials, body. */
export interface StoredRequest {
  method: string
  url: string
  headers: Array<[string, string]>
  body?: StoredBody
}

/** Bodies oncely can replay. A stream can be read only once, so it is refused before anything is sent. */
export type ReplayableBody = string | URLSearchParams | ArrayBuffer | ArrayBufferView | Blob | FormData

/** Header names never written to storage: on resume they come fresh from the client's options and hooks. */
export const defaultCredentialHeaders: readonly string[] = ['authorization', 'cookie', 'proxy-authorization', 'x-api-key', 'x-csrf-token', 'x-xsrf-token']

/** A body read once into the form that is both sent and stored, plus the content type it implies. */
export interface PreparedBody {
  send: string | Uint8Array<ArrayBuffer> | undefined
  stored: StoredBody | undefined
  contentType: string | undefined
}

/** Reads a call's body (or `json`) into bytes or text that can be sent now and again after a reload. */
export async function prepareBody(body: unknown, json: unknown): Promise<PreparedBody> {
  if (json !== undefined) {
    if (body !== undefined && body !== null) throw new OncelyInputError('Pass either `json` or `body`, not both.')
    let text: string | undefined
    try {
      text = JSON.stringify(json)
    } catch (error) {
      throw new OncelyInputError(`\`json\` cannot be serialised: ${(error as Error).message}`, { cause: error })
    }
    if (text === undefined) throw new OncelyInputError('`json` must be JSON-serialisable (got a function or undefined).')
    return { send: text, stored: { encoding: 'text', data: text }, contentType: 'application/json' }
  }
  if (body === undefined || body === null) return { send: undefined, stored: undefined, contentType: undefined }
  if (typeof body === 'string') return { send: body, stored: { encoding: 'text', data: body }, contentType: 'text/plain;charset=UTF-8' }
  if (body instanceof URLSearchParams) {
    const text = body.toString()
    return { send: text, stored: { encoding: 'text', data: text }, contentType: 'application/x-www-form-urlencoded;charset=UTF-8' }
  }
  if (isStream(body)) {
    throw new OncelyInputError(`A stream body cannot be replayed after a timeout or a reload. ${replayable}`)
  }
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return bytes(toUint8(body), undefined)
  // Blob and FormData: let the platform encode them once (FormData gets its multipart boundary here).
  if (typeof Blob !== 'undefined' && body instanceof Blob) return bytes(new Uint8Array(await body.arrayBuffer()), body.type || undefined)
  if (typeof FormData !== 'undefined' && body instanceof FormData) {
    const encoded = new Response(body)
    return bytes(new Uint8Array(await encoded.arrayBuffer()), encoded.headers.get('content-type') ?? undefined)
  }
  throw new OncelyInputError(`Unsupported body type ${Object.prototype.toString.call(body)}. ${replayable}`)
}

const replayable = 'Pass a string, `json`, URLSearchParams, bytes, a Blob or FormData.'

const bytes = (data: Uint8Array<ArrayBuffer>, contentType: string | undefined): PreparedBody =>
  ({ send: data, stored: { encoding: 'base64', data: toBase64(data) }, contentType })

const isStream = (body: unknown): boolean =>
  typeof ReadableStream !== 'undefined' && body instanceof ReadableStream

const toUint8 = (view: ArrayBuffer | ArrayBufferView): Uint8Array<ArrayBuffer> =>
  view instanceof ArrayBuffer ? new Uint8Array(view) : new Uint8Array(view.buffer as ArrayBuffer, view.byteOffset, view.byteLength)

/** The stored form of a request: credentials (case-insensitively) dropped. */
export function toStored(method: string, url: string, headers: Headers, body: StoredBody | undefined, credentials: readonly string[]): StoredRequest {
  const kept: Array<[string, string]> = []
  headers.forEach((value, name) => {
    if (!credentials.includes(name.toLowerCase())) kept.push([name, value])
  })
  return body === undefined ? { method, url, headers: kept } : { method, url, headers: kept, body }
}

/** The body of a stored request, ready to send again. */
export const storedBodyToSend = (body: StoredBody | undefined): string | Uint8Array<ArrayBuffer> | undefined =>
  body === undefined ? undefined : body.encoding === 'text' ? body.data : fromBase64(body.data)

/**
 * The text a fingerprint is taken over: the stored encoding, so a resume fingerprints like the
 * first call. A multipart body gets a fresh random boundary each time FormData is encoded, so the
 * boundary is taken out: the same form sent twice is the same payload.
 */
export function bodyPrint(body: StoredBody | undefined, contentType: string | null): string | undefined {
  const boundary = /^multipart\/form-data;.*boundary="?([^";]+)/i.exec(contentType ?? '')?.[1]
  if (body?.encoding !== 'base64' || !boundary) return body?.data
  return atob(body.data).split(boundary).join('')
}

type Base64Native = { toBase64?(): string }

// btoa/atob exist in browsers, Node >= 16, workers and Hermes. A chunk at a time (a multiple of 3
// bytes, so the pieces join exactly): one 10 MB binary string costs seconds where this costs ms.
export function toBase64(data: Uint8Array): string {
  if (typeof (data as Base64Native).toBase64 === 'function') return (data as Base64Native).toBase64!()
  const parts: string[] = []
  for (let i = 0; i < data.length; i += 0x6000) parts.push(btoa(String.fromCharCode.apply(null, data.subarray(i, i + 0x6000) as unknown as number[])))
  return parts.join('')
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text)
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}
