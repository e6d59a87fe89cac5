import type { VerifyOptions } from './options.js'

/** One answer as the checks compare them, or the network failure. */
export type Answer = { ok: true; status: number; body: string; replayed: boolean; retryAfter: string | null } | { ok: false; error: string }

/** One request to send. */
export interface Probe {
  key: string | null
  body: string
  /** Send the key bare even when the run uses sf-string. */
  bare?: boolean
  extraHeaders?: Array<[string, string]>
}

/**
 * Formats a key as the run sends it. Pure.
 *
 * @example
 * formatKey('0190…', 'sf-string') // '"0190…"'
 */
export function formatKey(key: string, format: VerifyOptions['keyFormat']): string {
  return format === 'bare' ? key : `"${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** Sends one request and reads the whole answer; a network error is an answer too. */
export async function send(options: VerifyOptions, probe: Probe): Promise<Answer> {
  const headers = new Headers(options.headers)
  for (const [name, value] of probe.extraHeaders ?? []) headers.set(name, value)
  if (probe.key !== null) headers.set(options.keyHeader, formatKey(probe.key, probe.bare ? 'bare' : options.keyFormat))
  try {
    const response = await fetch(options.url, { method: options.method, headers, body: probe.body, signal: AbortSignal.timeout(options.timeout) })
    const body = await response.text()
    return { ok: true, status: response.status, body, replayed: response.headers.get('idempotent-replayed')?.toLowerCase() === 'true', retryAfter: response.headers.get('retry-after') }
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    return { ok: false, error: cause?.code ?? cause?.message ?? (error as Error).message }
  }
}

/** The endpoint's effect count, from `--effects`. */
export async function readEffects(url: string, timeout: number): Promise<number> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeout) })
  const text = await response.text()
  if (!response.ok) throw new Error(`--effects ${url} answered ${response.status}`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    value = text.trim()
  }
  const count = typeof value === 'object' && value !== null ? ((value as Record<string, unknown>).total ?? (value as Record<string, unknown>).count ?? (value as Record<string, unknown>).effects) : value
  const number = Number(count)
  if (!Number.isFinite(number)) throw new Error(`--effects ${url} did not answer a count (a number, or { total | count | effects })`)
  return number
}

/** `201 {"orderId":…` cut short, for a table cell. */
export function describe(answer: Answer): string {
  if (!answer.ok) return `no answer (${answer.error})`
  const body = answer.body.length > 60 ? `${answer.body.slice(0, 57)}…` : answer.body
  return `${answer.status} ${body}`.trim()
}
