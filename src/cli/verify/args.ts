import { parseArgs } from 'node:util'
import { DEFAULTS, parseHeader, VerifyUsageError, type VerifyOptions } from './options.js'

/** The help text. */
export const USAGE = `Usage: oncely verify <url> [options]

Runs the Idempotency-Key contract against an HTTP endpoint, with fresh keys.

Options:
  -X, --method <method>      default POST
  -d, --body <template>      default '{"amount":1,"nonce":"{{nonce}}"}'; {{nonce}} is fresh per check, {{key}} the key
  -H, --header <"N: v">      extra header (repeatable), e.g. -H "Authorization: Bearer …"
      --key-format <f>       sf-string (default, as the IETF draft and oncely) or bare
  -c, --concurrency <n>      same-key requests at once per round (default 2)
      --rounds <n>           rounds of that check (default 10)
      --effects <url>        GET returning the effect count (number, or {total|count|effects})
      --fail-header <"N: v"> a header that makes the endpoint fail (5xx) before acting
      --slow-header <"N: v"> a header that makes the endpoint slow (for the in-progress check)
      --key-header <name>    default Idempotency-Key
      --timeout <ms>         per request (default 10000)
      --json                 print the report as JSON
`

/**
 * Parses argv (after `verify`) into options; throws `VerifyUsageError` naming what to fix.
 *
 * @example
 * parseVerifyArgs(["http://127.0.0.1:3000/orders", "-c", "4"]).options.concurrency // 4
 */
export function parseVerifyArgs(argv: string[]): { options: VerifyOptions; json: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      method: { type: 'string', short: 'X' },
      body: { type: 'string', short: 'd' },
      header: { type: 'string', short: 'H', multiple: true },
      'key-format': { type: 'string' },
      concurrency: { type: 'string', short: 'c' },
      rounds: { type: 'string' },
      effects: { type: 'string' },
      'fail-header': { type: 'string' },
      'slow-header': { type: 'string' },
      'key-header': { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
    },
  })
  const [url, ...extra] = positionals
  if (!url || extra.length > 0) throw new VerifyUsageError('Give exactly one URL.')
  try {
    new URL(url)
  } catch {
    throw new VerifyUsageError(`Not a URL: ${url}`)
  }
  const count = (name: string, value: string | undefined, fallback: number) => {
    if (value === undefined) return fallback
    const n = Number(value)
    if (!(Number.isInteger(n) && n > 0)) throw new VerifyUsageError(`--${name} must be a positive integer, got ${value}`)
    return n
  }
  const keyFormat = values['key-format'] ?? DEFAULTS.keyFormat
  if (keyFormat !== 'sf-string' && keyFormat !== 'bare') throw new VerifyUsageError(`--key-format must be sf-string or bare, got ${keyFormat}`)
  const headers = (values.header ?? []).map(parseHeader)
  const named = new Set(headers.map(([name]) => name.toLowerCase()))
  return {
    json: values.json ?? false,
    options: {
      url,
      method: (values.method ?? DEFAULTS.method).toUpperCase(),
      body: values.body ?? DEFAULTS.body,
      headers: [...DEFAULTS.headers.filter(([name]) => !named.has(name)), ...headers],
      keyFormat,
      concurrency: count('concurrency', values.concurrency, DEFAULTS.concurrency),
      rounds: count('rounds', values.rounds, DEFAULTS.rounds),
      timeout: count('timeout', values.timeout, DEFAULTS.timeout),
      keyHeader: values['key-header'] ?? DEFAULTS.keyHeader,
      ...(values.effects ? { effects: values.effects } : {}),
      ...(values['fail-header'] ? { failHeader: parseHeader(values['fail-header']) } : {}),
      ...(values['slow-header'] ? { slowHeader: parseHeader(values['slow-header']) } : {}),
    },
  }
}

