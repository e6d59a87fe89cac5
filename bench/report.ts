import type { BrowserOutcome } from './browser.js'
import type { ChaosSettings, ClientFigures } from './chaos.js'
import type { OverheadFigures } from './overhead.js'
import type { SizeFigure } from './size.js'
import { round } from './stats.js'

export interface Goal {
  goal: string
  measured: string
  met: boolean
  /** How far off, when missed, in the goal's own unit. */
  missedBy?: string
}

/** A markdown table. */
export function table(head: string[], rows: Array<Array<string | number>>): string {
  const cells = [head, ...rows.map(row => row.map(String))]
  const widths = head.map((_, i) => Math.max(...cells.map(row => row[i]!.length)))
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`
  return [line(cells[0]!), `| ${widths.map(w => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join('\n')
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 0) : '-')

export function chaosTable(figures: ClientFigures[]): string {
  return table(
    ['client', 'confirmed', 'pending', 'duplicates', 'attempts/intent (excl. outage)', 'floor 1/(1-p)', 'attempts/intent (all)', 'confirm p50 ms', 'confirm p99 ms', 'steady req/s', 'req/s during outage', 'peak req/s after outage', 'peak/steady', 'charged, not confirmed', 'answers missed (not injected)'],
    figures.map(f => [
      f.client,
      f.confirmed,
      f.resume ? `${f.pending} → ${f.resume.stillPending} after resume` : `${f.pending}${f.cutByRunEnd ? ` (${f.cutByRunEnd} cut)` : ''}`,
      f.resume ? `${f.duplicates} (${f.resume.duplicatesAfter} after resume)` : f.duplicates,
      `${f.attemptsOutsideOutage.toFixed(2)} (${round(f.attemptsOutsideOutage / f.floor, 2).toFixed(2)}x)`,
      f.floor.toFixed(2),
      f.attemptsPerIntent.toFixed(2),
      ms(f.confirmMsP50),
      ms(f.confirmMsP99),
      f.steadyRps.toFixed(1),
      f.outageRps.toFixed(1),
      f.peakRps,
      `${f.peakRatio.toFixed(2)}x`,
      f.resume ? `${f.chargedButUnconfirmed} → ${f.resume.chargedButUnconfirmedAfter}` : f.chargedButUnconfirmed,
      f.missedAnswers,
    ]),
  )
}

export function overheadTable(rows: OverheadFigures[]): string {
  return table(
    ['runtime (this machine)', 'store', 'pairs', 'bare ky p50/p99 ms', 'oncely p50/p99 ms', 'added p50 ms', 'added p99 ms', 'paired median ms', 'writes before 1st byte', 'reads before 1st byte', 'writes per intent'],
    rows.map(r => [
      r.runtime, r.store, r.iterations, `${r.bareP50.toFixed(3)} / ${r.bareP99.toFixed(2)}`, `${r.oncelyP50.toFixed(3)} / ${r.oncelyP99.toFixed(2)}`,
      r.addedP50.toFixed(3), r.addedP99.toFixed(2), r.addedPairedMedian.toFixed(3),
      `${r.counts.writesBeforeFirstByteMax} (max of ${r.counts.calls})`, r.counts.readsBeforeFirstByteMax, r.counts.writesPerIntentMean,
    ]),
  )
}

export function sizeTable(rows: SizeFigure[]): string {
  return table(['bundle', 'what', 'min', 'min+gzip'], rows.map(r => [r.name, r.what, kb(r.minBytes), `${kb(r.gzipBytes)} (${r.gzipBytes} B)`]))
}

const check = (goal: string, measured: number, limit: number, unit: string, show: (n: number) => string): Goal => {
  const met = measured <= limit
  return met
    ? { goal, measured: show(measured), met }
    : { goal, measured: show(measured), met, missedBy: `${show(measured - limit)}${unit} (${Math.round(((measured - limit) / limit) * 100)} % over)` }
}

/** The issue's goals against this run's figures. */
export function goals(chaos: ClientFigures[], overhead: OverheadFigures[], browser: BrowserOutcome, sizes: SizeFigure[]): Goal[] {
  const out: Goal[] = []
  const oncely = chaos.filter(f => f.client === 'oncely')
  const duplicates = Math.max(...oncely.map(f => f.resume?.duplicatesAfter ?? f.duplicates))
  out.push({ goal: 'oncely: 0 duplicate charges (every p, resume included)', measured: String(duplicates), met: duplicates === 0, ...(duplicates ? { missedBy: `${duplicates} charges` } : {}) })
  for (const f of oncely) {
    out.push(check(`oncely p=${f.p}: attempts/intent outside the outage <= 1.1 x ${f.floor.toFixed(2)} = ${(1.1 * f.floor).toFixed(2)}`, f.attemptsOutsideOutage, 1.1 * f.floor, ' attempts', n => n.toFixed(2)))
  }
  for (const f of oncely) {
    out.push(check(`oncely p=${f.p}: request peak in the 2 s after the outage <= 1.5 x steady`, f.peakRatio, 1.5, ' x steady', n => `${n.toFixed(2)}`))
  }
  const rows = [...overhead, ...(browser.ok ? browser.rows : [])]
  for (const r of rows) {
    out.push(check(`<= 1 store write before the first byte (${r.runtime.split(' ')[0]}, ${r.store})`, r.counts.writesBeforeFirstByteMax, 1, ' writes', n => String(n)))
  }
  const node = overhead.find(r => r.store === 'memory')
  if (node) out.push(check('added latency over bare ky, memory store, Node: <= 0.3 ms p50', node.addedP50, 0.3, ' ms', n => n.toFixed(3)))
  const own = sizes.find(s => s.name === 'oncely (own code)')
  const main = sizes.find(s => s.name === 'oncely')
  if (own) out.push(check('own code <= 4 KB min+gzip', own.gzipBytes / 1024, 4, ' KB', n => n.toFixed(2)))
  if (main) out.push(check('main entry with dependencies <= 10.5 KB min+gzip', main.gzipBytes / 1024, 10.5, ' KB', n => n.toFixed(2)))
  return out
}

export function goalTable(rows: Goal[]): string {
  return table(['goal', 'measured', 'met?'], rows.map(g => [g.goal, g.measured, g.met ? 'met' : `MISSED by ${g.missedBy}`]))
}

export function settingsLine(settings: ChaosSettings, ps: number[]): string {
  const { intents, arrivalMs, outage, timeout, slowMs, tailMs, seed } = settings
  return [
    `${intents} intents per client per p, arriving evenly over ${arrivalMs / 1000} s; p = ${ps.join(', ')} (chance that an attempt fails: 60 % drop after commit, 20 % drop before processing, 20 % slow),`,
    `outage (every request dropped) from ${outage.start / 1000} s to ${outage.end / 1000} s; every client: per-attempt timeout ${timeout} ms, slow answers at ${slowMs} ms;`,
    `calls still running ${tailMs / 1000} s after the last arrival are aborted; seed ${seed}; faults decided per (intent, attempt), the same for every client.`,
  ].join('\n')
}
