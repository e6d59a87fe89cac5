/**
 * SHA-256 behind one function, in plain JavaScript (sha256.ts), so the core
 * runs unchanged in Node, Bun, Deno and workers, and a request costs no trip
 * to a thread pool. Pass your own `Digest` (e.g. Web Crypto's) to replace it.
 */
import { sha256Bytes } from './sha256.js'

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
  const hash = sha256Bytes(bytes)
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
