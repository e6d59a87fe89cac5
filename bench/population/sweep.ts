// The schedule's trade-off, with the model: sweeps `quick`, `spread`, `delay` and `backoffLimit`
// (variants of the library's defaults passed to nextDelay) at 100,000 browsers and 300 intents/s
// (the 1M population's ratio of browsers to arrivals), and tries two changes to the client's rules.
// `npm run bench -- --sweep` (about 5 min); writes bench/results/population-sweep.json and
// docs/schedule-tradeoff.svg.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { table } from '../report.js'
import { summarize, type LaneSpec, type Scenario, type Summary } from './metrics.js'
import type { ShedPolicy } from './shed.js'
import { clientDefaults, simulate, type WhatIf } from './model.js'
import { blip, population, previous } from './run.js'
import { tradeoffChart, type Point } from './sweep-chart.js'

const s = 1000
const clients = 100_000
const rate = 300
export const sweepScenarios = {
  minute: population('60 s outage by resets', clients, rate, { outage: { start: 30 * s, end: 90 * s, kind: 'reset' }, arrivalMs: 330 * s, endMs: 450 * s }),
  five: population('5 min outage by resets', clients, rate, { outage: { start: 30 * s, end: 330 * s, kind: 'reset' }, arrivalMs: 930 * s, endMs: 1230 * s }),
  blip: blip('2 s blip, no lost answers', clients, rate),
  minute503: population('60 s outage by 503', clients, rate, { outage: { start: 30 * s, end: 90 * s, kind: '503' }, arrivalMs: 330 * s, endMs: 450 * s }),
}

export interface SweepRow {
  retry: { quick: number; spread: number; delay: number; backoffLimit: number }
  isDefault: boolean
  isPrevious: boolean
  minute: Summary
  five: Summary
  blip: Summary
}

const grid = {
  quick: [0, 1, 2, 3],
  spread: [0.5, 1, 2, 4, 8],
  delay: [250, 500, 1000],
  backoffLimit: [60_000, 300_000],
}

function run(lane: LaneSpec, whatIf?: WhatIf): { minute: Summary; five: Summary; blip: Summary } {
  const one = (scenario: Scenario) => summarize(scenario, simulate(scenario, lane, 1, whatIf))
  return { minute: one(sweepScenarios.minute), five: one(sweepScenarios.five), blip: one(sweepScenarios.blip) }
}

const f = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '-')
const meets = (r: SweepRow | { minute: Summary; blip: Summary }) => ({
  down: r.minute.down <= 2,
  peak: r.minute.peak <= 1.5,
  within: r.minute.backlog.max <= 180 && r.minute.neverCharged === 0,
  blip: r.blip.confirm.max <= 3,
})

export async function sweep(): Promise<void> {
  const started = Date.now()
  const defaults = clientDefaults().schedule
  const rows: SweepRow[] = []
  for (const quick of grid.quick) for (const spread of grid.spread) for (const delay of grid.delay) for (const backoffLimit of grid.backoffLimit) {
    const retry = { quick, spread, delay, backoffLimit }
    const isDefault = quick === defaults.quick && spread === defaults.spread && delay === defaults.delay && backoffLimit === defaults.backoffLimit
    const want = { ...defaults, ...previous }
    const isPrevious = quick === want.quick && spread === want.spread && delay === want.delay && backoffLimit === want.backoffLimit
    rows.push({ retry, isDefault, isPrevious, ...run({ name: 'oncely', client: 'oncely', server: 'spread', retry }) })
  }
  if (!rows.some(r => r.isDefault) || !rows.some(r => r.isPrevious)) throw new Error('the grid must contain the library defaults and the previous ones')
  const sweepMs = Date.now() - started

  // Changes to the client's rules, on the defaults.
  const base = { name: 'oncely', client: 'oncely', server: 'spread' } as const
  const whatIfs = [
    { name: 'defaults, as the client is', ...run(base) },
    { name: `before: ${JSON.stringify(previous)}`, ...run({ ...base, retry: previous }) },
  ]
  const told = (whatIf: WhatIf | undefined, server: ShedPolicy, drain = 1) => {
    const scenario = { ...sweepScenarios.minute503, drainRate: sweepScenarios.minute503.rate * drain }
    return summarize(scenario, simulate(scenario, { ...base, server }, 1, whatIf))
  }
  const toldRows = [
    { name: 'server books returns at 1× steady (shed.ts), as the client is', summary: told(undefined, 'spread') },
    { name: 'server books returns at 0.5× steady', summary: told(undefined, 'spread', 0.5) },
    { name: 'server draws Retry-After uniformly over the drain window', summary: told(undefined, 'uniform') },
    { name: 'server Retry-After: 1, as the client is (told waits as asked for the first retry.quick tells in a row, then each doubles the least wait)', summary: told(undefined, 'constant') },
    { name: 'server Retry-After: 1, told wait ≥ the schedule from the first tell', summary: told({ toldAtLeastSchedule: true }, 'constant') },
    { name: 'server books returns, told wait ≥ the schedule from the first tell', summary: told({ toldAtLeastSchedule: true }, 'spread') },
  ]

  const head = ['quick', 'spread', 'delay', 'backoffLimit', '60 s: down ×', '60 s: peak ×', '60 s: backlog p99 / max s', '5 min: down ×', '5 min: peak ×', '5 min: backlog p99 / max s', 'blip: confirm p99 / max s', 'goals met (down, peak, 3 min, blip)']
  const line = (r: SweepRow) => {
    const m = meets(r)
    return [r.retry.quick, r.retry.spread, r.retry.delay, r.retry.backoffLimit / 1000 + ' s' + (r.isDefault ? ' (defaults)' : r.isPrevious ? ' (before)' : ''), f(r.minute.down), f(r.minute.peak), `${f(r.minute.backlog.p99, 0)} / ${f(r.minute.backlog.max, 0)}`, f(r.five.down), f(r.five.peak), `${f(r.five.backlog.p99, 0)} / ${f(r.five.backlog.max, 0)}`, `${f(r.blip.confirm.p99)} / ${f(r.blip.confirm.max)}`, `${Object.values(m).filter(Boolean).length}/4 ${Object.entries(m).filter(([, v]) => v).map(([k]) => k).join(', ')}`]
  }
  console.log(`# Schedule sweep: ${rows.length} variants × 3 scenarios, ${clients.toLocaleString('en-US')} browsers at ${rate}/s, ${(sweepMs / 1000).toFixed(0)} s\n`)
  // The frontier: variants that charge the 60 s backlog within 3 min and that no other such variant
  // beats on all of load while down, peak after recovery, p99 backlog time and blip p99 at once.
  const keys = (r: SweepRow) => [r.minute.down, r.minute.peak, r.minute.backlog.p99, r.blip.confirm.p99]
  const eligible = rows.filter(r => meets(r).within)
  const frontier = eligible.filter(r => !eligible.some(o => o !== r && keys(o).every((v, i) => v <= keys(r)[i]!) && keys(o).some((v, i) => v < keys(r)[i]!)))
  frontier.sort((a, b) => a.blip.confirm.p99 - b.blip.confirm.p99)
  console.log(`The defaults, the previous defaults, then the ${frontier.length} variants on the frontier (backlog within 3 min; none better on all four of 60 s down, peak, p99, blip p99), by blip p99:\n`)
  console.log(table(head, [rows.find(r => r.isDefault)!, rows.find(r => r.isPrevious)!, ...frontier.filter(r => !r.isPrevious)].map(line)))
  const best = (goal: keyof ReturnType<typeof meets>) => rows.filter(r => meets(r)[goal]).length
  console.log(`\nVariants meeting each goal, of ${rows.length}: down ≤ 2× ${best('down')}, peak ≤ 1.5× ${best('peak')}, backlog within 3 min ${best('within')}, blip within 3 s ${best('blip')}; all four: ${rows.filter(r => Object.values(meets(r)).every(Boolean)).length}.`)
  console.log('\nWhat if the client changed (defaults otherwise):\n')
  console.log(table(['client rule', '60 s: down ×', '60 s: peak ×', '60 s: backlog p99 / max s', '5 min: backlog p99 / max s', 'blip max s'], whatIfs.map(w => [w.name, f(w.minute.down), f(w.minute.peak), `${f(w.minute.backlog.p99, 0)} / ${f(w.minute.backlog.max, 0)}`, `${f(w.five.backlog.p99, 0)} / ${f(w.five.backlog.max, 0)}`, f(w.blip.confirm.max)])))
  console.log('')
  console.log(table(['60 s outage by 503', 'down ×', 'peak ×', 'backlog p99 / max s', 'never charged'], toldRows.map(t => [t.name, f(t.summary.down), f(t.summary.peak), `${f(t.summary.backlog.p99, 0)} / ${f(t.summary.backlog.max, 0)}`, t.summary.neverCharged])))

  const points = (key: 'minute' | 'five'): Point[] => rows.map(r => ({ x: r[key].backlog.p99, y: r[key].down, peak: r[key].peak, quick: r.retry.quick, label: `quick ${r.retry.quick}, spread ${r.retry.spread}, delay ${r.retry.delay}, limit ${r.retry.backoffLimit / 1000} s`, isDefault: r.isDefault, isPrevious: r.isPrevious }))
  const blipPoints: Point[] = rows.map(r => ({ x: r.blip.confirm.p99, y: r.minute.down, peak: r.minute.peak, quick: r.retry.quick, label: `quick ${r.retry.quick}, spread ${r.retry.spread}, delay ${r.retry.delay}, limit ${r.retry.backoffLimit / 1000} s`, isDefault: r.isDefault, isPrevious: r.isPrevious }))
  const svg = tradeoffChart([
    { title: '60 s outage: load while down vs backlog p99', points: points('minute'), goal: { x: 180, y: 2 }, xLabel: 'recovery → backlog charged, p99' },
    { title: '5 min outage: the same variants', points: points('five'), xLabel: 'recovery → backlog charged, p99' },
    { title: '2 s blip vs 60 s outage load', points: blipPoints, goal: { x: 3, y: 2 }, xLabel: 'blip: arrival → confirmed, p99' },
  ], `Model: ${clients.toLocaleString('en-US')} browsers, ${rate} intents/s, server 2× steady; ${rows.length} variants; Node ${process.version}. Figures: bench/results/population-sweep.json`)
  const write = (path: string, body: string) => {
    mkdirSync(fileURLToPath(new URL('.', path)), { recursive: true })
    writeFileSync(fileURLToPath(`${path}.tmp`), body)
    renameSync(fileURLToPath(`${path}.tmp`), fileURLToPath(path))
  }
  const strip = (summary: Summary) => summary
  write(new URL('../results/population-sweep.json', import.meta.url).href, `${JSON.stringify({ date: new Date().toISOString(), scenarios: sweepScenarios, grid, defaults, sweepMs, rows: rows.map(r => ({ ...r, minute: strip(r.minute), five: strip(r.five), blip: strip(r.blip) })), whatIfs, toldRows }, null, 1)}\n`)
  write(new URL('../../docs/schedule-tradeoff.svg', import.meta.url).href, svg)
  console.log(`\nwrote bench/results/population-sweep.json and docs/schedule-tradeoff.svg in ${((Date.now() - started) / 1000).toFixed(0)} s`)
}
