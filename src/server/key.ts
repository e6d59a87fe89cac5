/**
 * Reading the `Idempotency-Key` header. The IETF draft makes it a Structured
 * Field string (`"0190…"`, quoted), but many clients send the bare value, so
 * both are accepted and mean the same key.
 */

/** Longest key accepted; UUIDs are 36 characters, so this leaves room for other schemes. */
export const MAX_KEY_LENGTH = 255

/** The header as it came (`undefined` when absent), parsed. */
export type ParsedKey = { ok: true; key: string } | { ok: false; reason: 'missing' | 'invalid'; detail: string }

/**
 * Parses the header value. Pure.
 *
 * @example
 * parseIdempotencyKey('"0190b6e4-…"') // { ok: true, key: '0190b6e4-…' }
 * parseIdempotencyKey('0190b6e4-…')   // same key
 */
export function parseIdempotencyKey(header: string | undefined): ParsedKey {
  const raw = header?.trim() ?? ''
  if (raw === '' || raw === '""') return { ok: false, reason: 'missing', detail: 'Send an Idempotency-Key header, one key per payment intent, the same on every retry.' }
  const key = raw.startsWith('"') ? unquote(raw) : raw
  if (key?.trim() === '') return { ok: false, reason: 'missing', detail: 'The Idempotency-Key header is blank.' }
  if (key === undefined) return { ok: false, reason: 'invalid', detail: 'A quoted Idempotency-Key must be one Structured Field string: "…" with only \\" and \\\\ escaped.' }
  if (key.length > MAX_KEY_LENGTH) return { ok: false, reason: 'invalid', detail: `Idempotency-Key is longer than ${MAX_KEY_LENGTH} characters.` }
  // sf-string allows printable ASCII only (0x20–0x7E); the same rule keeps bare keys sane.
  if (!/^[\x20-\x7e]+$/.test(key)) return { ok: false, reason: 'invalid', detail: 'Idempotency-Key may contain printable ASCII characters only.' }
  return { ok: true, key }
}

/** Unquotes an sf-string (RFC 8941 §4.2.5); `undefined` if it is not exactly one. */
function unquote(raw: string): string | undefined {
  let key = ''
  for (let i = 1; i < raw.length; i++) {
    const char = raw[i]
    if (char === '\\') {
      const next = raw[++i]
      if (next !== '"' && next !== '\\') return undefined
      key += next
    } else if (char === '"') {
      return i === raw.length - 1 && key !== '' ? key : undefined
    } else {
      key += char
    }
  }
  return undefined // no closing quote
}
