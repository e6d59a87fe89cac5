import type { StoredResponse } from './store/types.js'

/** Response headers kept for the replay unless the app says otherwise; never `Set-Cookie`. */
export const DEFAULT_KEPT_HEADERS = ['content-type', 'content-language', 'content-location', 'location', 'etag', 'last-modified'] as const

/** The header marking a replayed answer (exposed to CORS by the app, see docs/server.md). */
export const REPLAYED_HEADER = 'Idempotent-Replayed'

/**
 * Reads a handler's answer into what is stored: status, the kept headers, the
 * body bytes exactly as sent. Consumes the body.
 *
 * @example
 * const stored = await toStored(new Response('{"id":1}', { status: 201 }), ['content-type'])
 */
export async function toStored(response: Response, keep: readonly string[]): Promise<StoredResponse> {
  const headers: Array<[string, string]> = []
  for (const name of keep) {
    const value = response.headers.get(name)
    if (value !== null) headers.push([name, value])
  }
  return { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) }
}

/**
 * The stored answer as a fresh `Response`, byte for byte, marked as a replay.
 *
 * @example
 * toReplay(stored).headers.get('Idempotent-Replayed') // 'true'
 */
export function toReplay(stored: StoredResponse): Response {
  const headers = new Headers(stored.headers)
  headers.set(REPLAYED_HEADER, 'true')
  return new Response(nullBodyStatus(stored.status) ? null : (stored.body as Uint8Array<ArrayBuffer>), { status: stored.status, headers })
}

/** The same answer rebuilt after its body was read for storing. */
export function rebuild(original: Response, body: Uint8Array): Response {
  return new Response(nullBodyStatus(original.status) ? null : (body as Uint8Array<ArrayBuffer>), { status: original.status, statusText: original.statusText, headers: original.headers })
}

// The Fetch API refuses a body on these statuses.
function nullBodyStatus(status: number): boolean {
  return status === 101 || status === 204 || status === 205 || status === 304
}
