import { setMaxListeners } from 'node:events'
import { makeClients, type ClientVariant, type Outcome } from './clients.js'
import { defaultMix, type Fault } from './faults.js'
import type { RemoteServer } from './remote.js'
import { mean, quantile, round, sleep } from './stats.js'

/** The shape of one chaos run (per p). */
export interface ChaosSettings {
  intents: number
  /** Intents arrive evenly over this window (an open arrival rate: users keep clicking during an outage). */
  arrivalMs: number
  /** The full outage, ms after the start. */
  outage: { start: number; end: number }
  /** How long after the last arrival the run may go on before every call still running is aborted. */
  tailMs: number
  /** Per-attempt timeout, the same for every client. */
  timeout: number
  /** A slow answer comes this long after the charge: past the timeout. */
  slowMs: number
  /** Cap on oncely's one resume of its pending intents after the run. */
  resumeMs: number
  seed: number
}

export interface ClientFigures {
  client: string
  setup: string
  p: number
  intents: number
  confirmed: number
  rejected: number
  /** Calls that ended without knowing whether they paid (oncely: IntentPendingError; others: gave up). */
  pending: number
  /** Of those, cut by the run's hard stop rather than given up by the client. */
  cutByRunEnd: number
  /** Intents charged at least once but whose call did not confirm: the user may pay again by hand. */
  chargedButUnconfirmed: number
  /** Charges beyond one per intent. */
  duplicates: number
  attemptsPerIntent: number
  /** Attempts outside the outage per intent: what the 1/(1-p) floor is about. */
  attemptsOutsideOutage: number
  floor: number
  confirmMsP50: number
  confirmMsP99: number
  /** Mean requests/s in the 1 s buckets before the outage. */
  steadyRps: number
  /** Highest 1 s bucket in the 2 s after the outage ends. */
  peakRps: number
  peakRatio: number
  /**
   * Fault-free answers the client never took (its timeout fired first): not injected, so a health
   * check of the run. Near 0 on a quiet machine; high when the machine stalled.
   */
  missedAnswers: number
  /** Requests/s the down server got during the outage. */
  outageRps: number
  buckets: number[]
  faults: Record<Fault, number>
  /** oncely only: one `intents.resume()` of each pending intent after the run. */
  resume?: { tried: number; confirmed: number; stillPending: number; attempts: number; duplicatesAfter: number; chargedButUnconfirmedAfter: number }
  unexpectedErrors: Record<string, number>
}

/** Runs every client side by side against the same fault sequence and outage, at failure rate p. */
export async function chaosRun(server: RemoteServer, settings: ChaosSettings, p: number, variants: ClientVariant[] = []): Promise<ClientFigures[]> {
  const { intents, arrivalMs, outage, tailMs, timeout, slowMs, seed } = settings
  const t0 = Date.now() + 300
  await server.configure({ plan: { seed, p, mix: defaultMix }, t0, outage, slowMs })
  const clients = makeClients(server.url, timeout, variants)
  const stop = new AbortController()
  // Every call of the run listens to this one signal.
  setMaxListeners(0, stop.signal)
  const hardStop = setTimeout(() => stop.abort(new Error('run over')), t0 - Date.now() + arrivalMs + tailMs)

  const results = new Map(clients.map(client => [client.name, {
    outcomes: new Array<Outcome>(intents),
    confirmMs: [] as number[],
    cut: 0,
    errors: {} as Record<string, number>,
  }]))
  const calls: Array<Promise<void>> = []
  for (let intent = 0; intent < intents; intent++) {
    const due = t0 + (intent * arrivalMs) / intents
    if (due > Date.now()) await sleep(due - Date.now())
    for (const client of clients) {
      const result = results.get(client.name)!
      const started = performance.now()
      calls.push(client.send(intent, stop.signal).then(
        outcome => {
          result.outcomes[intent] = outcome
          if (outcome === 'confirmed') result.confirmMs.push(performance.now() - started)
          if (outcome === 'pending' && stop.signal.aborted) result.cut++
        },
        (error: unknown) => {
          const name = error instanceof Error ? error.name : typeof error
          result.errors[name] = (result.errors[name] ?? 0) + 1
          result.outcomes[intent] = 'pending'
        },
      ))
    }
  }
  await Promise.all(calls)
  clearTimeout(hardStop)
  const seen = await server.stats()

  // To be fair to oncely's "pending": it is resumable, so resume each one once and report both.
  const resumeStop = AbortSignal.timeout(settings.resumeMs)
  setMaxListeners(0, resumeStop)
  const resumed = new Map<string, Map<number, Outcome>>()
  await Promise.all(clients.filter(client => client.resume).map(async client => {
    const outcomes = new Map<number, Outcome>()
    resumed.set(client.name, outcomes)
    const pending = [...results.get(client.name)!.outcomes.entries()].filter(([, outcome]) => outcome === 'pending').map(([intent]) => intent)
    await Promise.all(pending.map(async intent => outcomes.set(intent, await client.resume!(intent, resumeStop).catch((): Outcome => 'pending'))))
  }))
  // A client left running would finish its pending intents in the next run, whose fresh ledger
  // reuses the intent numbers: charges there that look like duplicates (seen: 4 at p = 0.5).
  for (const client of clients) client.close?.()
  const after = await server.stats()

  const outageStart = Math.floor(outage.start / 1000)
  const outageEnd = Math.ceil(outage.end / 1000)
  return clients.map(client => {
    const result = results.get(client.name)!
    const lane = seen[client.name]!
    const count = (outcome: Outcome) => result.outcomes.filter(o => o === outcome).length
    const duplicates = (charges: Record<string, number>) => Object.values(charges).reduce((sum, n) => sum + Math.max(0, n - 1), 0)
    const steadyRps = mean(lane.buckets.slice(0, outageStart))
    const peakRps = Math.max(lane.buckets[outageEnd] ?? 0, lane.buckets[outageEnd + 1] ?? 0)
    const chargedButUnconfirmed = result.outcomes.filter((outcome, intent) => outcome !== 'confirmed' && (lane.charges[`intent-${intent}`] ?? 0) > 0).length
    const figures: ClientFigures = {
      client: client.name,
      setup: client.setup,
      p,
      intents,
      confirmed: count('confirmed'),
      rejected: count('rejected'),
      pending: count('pending'),
      cutByRunEnd: result.cut,
      chargedButUnconfirmed,
      duplicates: duplicates(lane.charges),
      attemptsPerIntent: round(lane.requests / intents, 3),
      attemptsOutsideOutage: round((lane.requests - lane.outageRequests) / intents, 3),
      floor: round(1 / (1 - p), 3),
      confirmMsP50: round(quantile(result.confirmMs, 0.5), 1),
      confirmMsP99: round(quantile(result.confirmMs, 0.99), 1),
      steadyRps: round(steadyRps, 1),
      peakRps,
      peakRatio: round(peakRps / steadyRps, 2),
      missedAnswers: lane.faults.none - count('confirmed') - count('rejected'),
      outageRps: round(lane.outageRequests / ((outage.end - outage.start) / 1000), 1),
      buckets: lane.buckets,
      faults: lane.faults,
      unexpectedErrors: result.errors,
    }
    const again = resumed.get(client.name)
    if (again) {
      const laneAfter = after[client.name]!
      const final = result.outcomes.map((outcome, intent) => again.get(intent) ?? outcome)
      figures.resume = {
        tried: again.size,
        confirmed: [...again.values()].filter(outcome => outcome === 'confirmed').length,
        stillPending: [...again.values()].filter(outcome => outcome === 'pending').length,
        attempts: laneAfter.requests - lane.requests,
        duplicatesAfter: duplicates(laneAfter.charges),
        chargedButUnconfirmedAfter: final.filter((outcome, intent) => outcome !== 'confirmed' && (laneAfter.charges[`intent-${intent}`] ?? 0) > 0).length,
      }
    }
    return figures
  })
}
