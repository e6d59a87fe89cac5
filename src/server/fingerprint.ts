import { framed, sha256, type Digest } from './digest.js'

/** What identifies one request's payload, for the 422 check. */
export interface FingerprintInput {
  method: string
  /** Path and query, e.g. `/orders?currency=EUR`. */
  target: string
  body: Uint8Array
}

/**
 * The default fingerprint: SHA-256 over method, path + query and the body
 * bytes. Bytes, not parsed JSON: the client encodes a body once and resends the
 * same bytes, so any difference is another payload.
 *
 * @example
 * await fingerprint({ method: 'POST', target: '/orders', body }) // 'q3…' (43 characters)
 */
export function fingerprint(input: FingerprintInput, digest: Digest = sha256): Promise<string> {
  return digest(framed([input.method.toUpperCase(), input.target], input.body))
}

/**
 * The id a key is stored under: the app's scope (user, tenant), the method,
 * the route and the client's key, hashed so that one user's key can never
 * name another user's record and every id has the same short length.
 *
 * @example
 * await storageId({ scope: 'user-7', method: 'POST', route: '/orders', key: '0190…' })
 */
export function storageId(parts: { scope: string; method: string; route: string; key: string }, digest: Digest = sha256): Promise<string> {
  return digest(framed([parts.scope, parts.method.toUpperCase(), parts.route, parts.key]))
}
