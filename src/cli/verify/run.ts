import { CHECKS, effectCounter, type CheckResult } from './checks.js'
import type { VerifyOptions } from './options.js'

/** A whole run: every line, and whether every guarantee held. */
export interface VerifyReport {
  url: string
  results: CheckResult[]
  /** False when a guarantee failed; skipped lines do not fail a run. */
  passed: boolean
}

/**
 * Runs the contract against an endpoint, one check after another (the effect
 * counter is read between them), each with fresh keys.
 *
 * @example
 * const report = await runVerify({ ...DEFAULTS, url: 'http://127.0.0.1:3000/orders' })
 */
export async function runVerify(options: VerifyOptions, random: () => string = () => globalThis.crypto.randomUUID()): Promise<VerifyReport> {
  const context = {
    options,
    fresh: () => ({ key: random(), nonce: random().slice(0, 8) }),
    effects: effectCounter(options),
  }
  const results: CheckResult[] = []
  for (const check of CHECKS) results.push(...(await check(context)))
  return { url: options.url, results, passed: results.every((r) => r.level !== 'guarantee' || r.verdict !== 'fails') }
}

/**
 * The report as a plain-text table. Pure.
 *
 * @example
 * console.log(formatReport(report))
 */
export function formatReport(report: VerifyReport): string {
  const mark: Record<CheckResult['verdict'], string> = { holds: 'holds', fails: 'FAILS', skipped: 'skipped', info: '·' }
  const rows = [['check', 'holds?', 'detail'], ...report.results.map((r) => [r.title, mark[r.verdict], r.detail])]
  const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i]!.length)))
  const line = (row: string[]) => `| ${row[0]!.padEnd(widths[0]!)} | ${row[1]!.padEnd(widths[1]!)} | ${row[2]} |`
  const failed = report.results.filter((r) => r.verdict === 'fails').length
  const skipped = report.results.filter((r) => r.verdict === 'skipped').map((r) => r.id)
  return [
    `oncely verify ${report.url}`,
    '',
    line(rows[0]!),
    `| ${'-'.repeat(widths[0]!)} | ${'-'.repeat(widths[1]!)} | --- |`,
    ...rows.slice(1).map(line),
    '',
    report.passed ? 'Every guarantee checked holds.' : `${failed} guarantee${failed === 1 ? '' : 's'} FAIL.`,
    ...(skipped.length > 0 ? [`Not checked: ${skipped.join(', ')} (see detail).`] : []),
  ].join('\n')
}
