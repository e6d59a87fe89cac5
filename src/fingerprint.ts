/**
 * What makes two calls "the same request": method, absolute URL and body. Pure and sync so it can
 * run inside a storage transaction. Not cryptographic: it tells a retry from a different payload.
 */
export function fingerprint(method: string, url: string, body: string | undefined): string {
  return `${method.toUpperCase()} ${url} ${body === undefined ? '-' : `${body.length}:${hash53(body)}`}`
}

// cyrb53: a fast 53-bit string hash; collisions between two payloads of one intent are negligible.
function hash53(text: string): string {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 2654435761)
    h2 = Math.imul(h2 ^ c, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)
}
