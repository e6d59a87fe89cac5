import { table } from '../report.js'
import { baselines } from './baselines.js'
import type { DriverHealth } from './driver.js'
import type { LaneSpec, Scenario, Summary } from './metrics.js'

/** How a lane is named in the tables. */
export function label(lane: Pick<LaneSpec, 'client' | 'server' | 'retry'>): string {
  const server = lane.server === 'constant' ? ', server Retry-After: 1' : lane.server === 'uniform' ? ', server Retry-After uniform' : ''
  const retry = lane.retry && `retry { ${Object.entries(lane.retry).map(([k, v]) => `${k}: ${v}`).join(', ')} }`
  if (lane.client === 'oncely') return `oncely ${retry ?? 'defaults'}${server}`
  const names = { ky: 'ky alone (POST retried, no key)', fixed: 'fixed 1 s, new key each', aws: 'AWS-like (full jitter, 100 ms, 3 attempts, key)' }
  return `${names[lane.client]}${server}`
}

export const setups = (): string[] => [
  'oncely: createClient({ prefixUrl, store: memoryStore(), namespace: <browser> }) per browser, defaults otherwise; one api.post per intent and nothing else (the resumer finishes pending intents).',
  ...Object.entries(baselines).map(([name, rule]) => `${name}: ${rule.setup}`),
]

const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(v >= 10 ? 1 : 2)}×` : '-')
const s = (v: number) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : '-')
const pct = (part: number, whole: number) => (whole ? `${part.toLocaleString('en-US')} (${((part / whole) * 100).toFixed(part && part / whole < 0.01 ? 2 : 0)} %)` : '0')

export function scenarioLine(scenario: Scenario): string {
  const o = scenario.outage
  const outage = o ? `${(o.end - o.start) / 1000} s outage by ${o.kind === 'reset' ? 'reset connections' : '503 + Retry-After'} at ${o.start / 1000} s` : 'no outage'
  return `${scenario.clients.toLocaleString('en-US')} browsers, ${scenario.rate.toLocaleString('en-US')} intents/s (Poisson, seed ${scenario.seed}) for ${scenario.arrivalMs / 1000} s, ${outage}, server capacity ${scenario.capacity.toLocaleString('en-US')} req/s (2× steady; burst ${scenario.burst}), shed clients given back at ${scenario.drainRate.toLocaleString('en-US')} req/s, ${scenario.lostAnswers * 100} % of answers lost after the charge, measured to ${scenario.endMs / 1000} s. Multiples are of the arrival rate.`
}

/** The issue's table for one scenario. */
export function outageTable(rows: Summary[]): string {
  return table(
    ['client', 'at the down server (mean / worst s)', 'peak after recovery', 'backlog charged after recovery p50 / p99 / max (s)', 'outage intents never charged', 'calls ended pending / gave up (outage intents)', 'not confirmed at the end', 'duplicates'],
    rows.map(r => [
      label(r),
      `${x(r.down)} / ${x(r.downMax)}`,
      x(r.peak),
      `${s(r.backlog.p50)} / ${s(r.backlog.p99)} / ${s(r.backlog.max)}`,
      pct(r.backlog.neverCharged, r.backlog.intents),
      pct(r.endedPending, r.backlog.intents),
      r.unconfirmedAtEnd.toLocaleString('en-US'),
      r.duplicates.toLocaleString('en-US'),
    ]),
  )
}

export function blipTable(rows: Summary[]): string {
  return table(
    ['client', 'intents in the blip', 'arrival → confirmed p50 / p99 / max (s)', 'blip end → charged p99 / max (s)', 'never charged', 'duplicates'],
    rows.map(r => [label(r), r.backlog.intents.toLocaleString('en-US'), `${s(r.confirm.p50)} / ${s(r.confirm.p99)} / ${s(r.confirm.max)}`, `${s(r.backlog.p99)} / ${s(r.backlog.max)}`, pct(r.backlog.neverCharged, r.backlog.intents), r.duplicates]),
  )
}

export interface Validation {
  phase: string
  lane: string
  /** Pearson r of the per-second request curves, loopback vs the model's mean over seeds. */
  r: number
  /** What a perfect model could reach: one model run vs the model's mean (the same Poisson noise as one loopback run). */
  ceiling: number
  /** r without the seconds in which the driver stalled (event loop blocked > 250 ms) and the next ones. */
  rUnstalled: number
  /** r from recovery on, where the schedule shapes the curve. */
  rAfter: number
  /** r of 5 s buckets: the shape, with less counting noise. */
  r5: number
  loopback: Summary
  model: Summary
}

export function validationTable(rows: Validation[]): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '-')
  return table(
    ['outage', 'client', 'r per second', 'ceiling', 'r without driver stalls', 'r after recovery', 'r 5 s buckets', 'down × loopback / model', 'peak × loopback / model', 'backlog p99 s loopback / model'],
    rows.map(v => [v.phase, label(v.loopback), f(v.r), f(v.ceiling), f(v.rUnstalled), f(v.rAfter), f(v.r5), `${x(v.loopback.down)} / ${x(v.model.down)}`, `${x(v.loopback.peak)} / ${x(v.model.peak)}`, `${s(v.loopback.backlog.p99)} / ${s(v.model.backlog.p99)}`]),
  )
}

export function healthTable(rows: Array<{ phase: string; health: DriverHealth; load: { before: number[]; after: number[] } }>): string {
  const ms = (v: number) => v.toFixed(0)
  return table(
    ['phase', 'driver lag p99 / max (ms)', 'seconds with lag > 250 ms', 'arrival lateness p99 / max (ms)', 'server lag p99 / max (ms)', 'load average before → after', 'unexpected errors', 'verdict'],
    rows.map(({ phase, health: h, load }) => [
      phase,
      `${ms(h.lag.p99)} / ${ms(h.lag.max)}`,
      String(h.lag.perSecondMax.filter(v => v > 250).length),
      `${ms(h.lateness.p99)} / ${ms(h.lateness.max)}`,
      `${ms(h.serverLag.p99)} / ${ms(h.serverLag.max)}`,
      `${load.before[0]!.toFixed(2)} → ${load.after[0]!.toFixed(2)}`,
      String(Object.values(h.unexpected).reduce((a, b) => a + b, 0)),
      h.discarded ? `DISCARDED: ${h.reason}` : `kept (p99 ≤ ${h.thresholdMs} ms)`,
    ]),
  )
}

export interface PopulationGoal {
  client: string
  goal: string
  measured: string
  met: boolean
}

/** The issue's goals for oncely at 1M with a 60 s outage, and the blip. */
export function populationGoals(client: string, outage: Summary, blip: Summary): PopulationGoal[] {
  const within = outage.backlog.max
  return ([
    { goal: 'at most 2× steady at the down server', measured: `${x(outage.down)} (worst second ${x(outage.downMax)})`, met: outage.down <= 2 },
    { goal: 'peak after recovery at most 1.5× steady', measured: x(outage.peak), met: outage.peak <= 1.5 },
    { goal: 'every intent charged (none abandoned)', measured: `${outage.neverCharged} never charged, ${outage.unconfirmedAtEnd} not confirmed at the end`, met: outage.neverCharged === 0 },
    { goal: 'none duplicated', measured: `${outage.duplicates} duplicate charges`, met: outage.duplicates === 0 },
    { goal: 'the backlog charged within 3 min of recovery', measured: `p99 ${s(outage.backlog.p99)} s, max ${s(within)} s`, met: within <= 180 && outage.backlog.neverCharged === 0 },
    { goal: 'a 2 s blip confirmed within 3 s', measured: `arrival → confirmed p99 ${s(blip.confirm.p99)} s, max ${s(blip.confirm.max)} s`, met: blip.confirm.max <= 3 },
  ] as Array<Omit<PopulationGoal, 'client'>>).map(goal => ({ client, ...goal }))
}

export const goalsTable = (goals: PopulationGoal[]): string => table([`goal (${goals[0]?.client ?? 'oncely'}, 1M browsers, 60 s outage by resets)`, 'measured', 'met'], goals.map(g => [g.goal, g.measured, g.met ? 'yes' : '**no**']))
