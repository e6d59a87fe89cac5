/** How `oncely verify` talks to the endpoint under test. */
export interface VerifyOptions {
  url: string
  /** Default POST. */
  method: string
  /** Body template: `{{nonce}}` becomes fresh per check, `{{key}}` the key. */
  body: string
  /** Extra request headers (auth, content type). */
  headers: Array<[string, string]>
  /** How the key is sent: `"…"` (sf-string, the draft's and oncely's default) or bare. */
  keyFormat: 'sf-string' | 'bare'
  /** Requests with one key sent at once, per round. */
  concurrency: number
  /** Rounds of the concurrency check, each with a fresh key. */
  rounds: number
  /** A URL answering the endpoint's effect count (a JSON number, or `{ total | count | effects }`). */
  effects?: string
  /** A header the endpoint honours by failing (5xx) before acting, for the "failure not cached" check. */
  failHeader?: [string, string]
  /** A header the endpoint honours by running slowly, for an explicit "in progress" check. */
  slowHeader?: [string, string]
  /** Per request, ms. */
  timeout: number
  /** Header name; default Idempotency-Key. */
  keyHeader: string
}

/** A bad command line; the message says what to fix. */
export class VerifyUsageError extends Error {
  override readonly name = 'VerifyUsageError'
}

/** The defaults, so a bare `oncely verify <url>` works against a JSON POST endpoint. */
export const DEFAULTS: Omit<VerifyOptions, 'url'> = {
  method: 'POST',
  body: '{"amount":1,"nonce":"{{nonce}}"}',
  headers: [['content-type', 'application/json']],
  keyFormat: 'sf-string',
  concurrency: 2,
  rounds: 10,
  timeout: 10_000,
  keyHeader: 'Idempotency-Key',
}

/**
 * Parses `Name: value`. Pure.
 *
 * @example
 * parseHeader('Authorization: Bearer abc') // ['Authorization', 'Bearer abc']
 */
export function parseHeader(text: string): [string, string] {
  const at = text.indexOf(':')
  const name = at > 0 ? text.slice(0, at).trim() : ''
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new VerifyUsageError(`A header must be "Name: value", got ${JSON.stringify(text)}`)
  return [name, text.slice(at + 1).trim()]
}

/**
 * Renders the body template. Pure.
 *
 * @example
 * render('{"n":"{{nonce}}"}', { nonce: 'a1', key: 'k' }) // '{"n":"a1"}'
 */
export function render(template: string, values: { nonce: string; key: string }): string {
  return template.replaceAll('{{nonce}}', values.nonce).replaceAll('{{key}}', values.key)
}

/**
 * Another payload for the mismatch check: the template with another nonce, or,
 * without `{{nonce}}`, a JSON object with one more field. `undefined` when
 * neither works. Pure.
 *
 * @example
 * otherBody('{"amount":1}', { nonce: 'n', key: 'k' }) // '{"amount":1,"oncelyVerify":"other-n"}'
 */
export function otherBody(template: string, values: { nonce: string; key: string }): string | undefined {
  if (template.includes('{{nonce}}')) return render(template, { ...values, nonce: `other-${values.nonce}` })
  try {
    const parsed = JSON.parse(render(template, values)) as unknown
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return JSON.stringify({ ...parsed, oncelyVerify: `other-${values.nonce}` })
  } catch {
    // Not JSON: nothing safe to change.
  }
  return undefined
}
