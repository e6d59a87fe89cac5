/**
 * SHA-256 behind one function, over Web Crypto, so the core runs unchanged in
 * Node ≥ 20, Bun, Deno and workers. `crypto` is looked up per call, so a test
 * or an odd runtime can replace it.
 */

/** Hashes bytes to a short printable digest. */
export type Digest = (bytes: Uint8Array) => Promise<string>

const encoder = new TextEncoder()

/**
 * SHA-256 as unpadded base64url (43 characters).
 *
 * @example
 * await sha256(new TextEncoder().encode('abc')) // 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0'
 */
export const sha256: Digest = async (bytes) => {
  const hash = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))
  let binary = ''
  for (const byte of hash) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * Joins text parts and bytes unambiguously: each part is prefixed by its length,
 * so `('ab', 'c')` and `('a', 'bc')` never hash alike.
 *
 * @example
 * framed(['POST', '/orders'], body)
 */
export function framed(parts: string[], tail: Uint8Array = new Uint8Array()): Uint8Array {
  const encoded = parts.map((part) => encoder.encode(part))
  const heads = [...encoded, tail].map((chunk) => encoder.encode(`${chunk.length}:`))
  const size = [...encoded, tail].reduce((sum, chunk, i) => sum + chunk.length + heads[i]!.length, 0)
  const out = new Uint8Array(size)
  let at = 0
  ;[...encoded, tail].forEach((chunk, i) => {
    out.set(heads[i]!, at)
    at += heads[i]!.length
    out.set(chunk, at)
    at += chunk.length
  })
  return out
}
