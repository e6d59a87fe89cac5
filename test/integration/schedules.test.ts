/**
 * Randomized fault schedules (fast-check, seeded): dropped requests before and after the commit,
 * slow answers past the timeout, 4xx/5xx/409/429 with Retry-After, replayed 5xx, storage get and
 * update failures (once and lasting), reloads (a new client on the same IndexedDB), two clients
 * without Web Locks, wall-clock jumps, and time passing while the clients' background tries run. The invariant is on the server's ledger: at most one
 * charge per intent, and each intent ends confirmed (its one charge under its key), rejected with
 * certainty (no charge), or pending with its key on disk (any charge under that key).
 *
 * Time is fake and runs only when nothing else can: a schedule's retries, timeouts and storage
 * pauses cost no wall time. `SCHEDULES=20000 SEED=7 npx vitest run test/integration/schedules`
 * explores further; a failure prints its seed and the shrunk schedule.
 */
import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createClient, indexedDbStore, type OncelyClient } from '../../src/index.js'
import { decodeRecord } from '../../src/record.js'
import { drive, freshDb, network } from '../support/harness.js'
import type { Fault } from '../support/payments.js'
import { faultyStore } from '../support/stores.js'

const net = network()
const runs = Number(process.env.SCHEDULES ?? 1500)
const seed = Number(process.env.SEED ?? 20261123)
const hour = 3600_000
const intents = ['checkout:a', 'checkout:b', 'checkout:c']
const cartOf = (intent: string) => ({ cartId: intent, amount: 100 })

const fault: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ type: 'pass' as const }) },
  { weight: 3, arbitrary: fc.constant({ type: 'drop-before' as const }) },
  { weight: 3, arbitrary: fc.constant({ type: 'drop-after-commit' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'slow' as const, ms: 300 }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('status' as const),
      status: fc.constantFrom(400, 401, 403, 404, 408, 409, 422, 425, 429, 500, 501, 502, 503, 504),
      retryAfter: fc.constantFrom(undefined, '0', '1'),
      replayed: fc.boolean(),
    }).map(f => ({ ...f, replayed: f.replayed && f.status >= 500 })),
  },
)

type Step =
  | { kind: 'pay'; client: number; intent: number; wait: boolean }
  | { kind: 'resume'; client: number; intent: number }
  | { kind: 'reload'; client: number }
  | { kind: 'clock'; client: number; jump: number }
  | { kind: 'store'; op: 'get' | 'update'; lasting: boolean }
  | { kind: 'heal' }
  | { kind: 'wait'; ms: number }

const client = fc.nat(1)
const intent = fc.nat(intents.length - 1)
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('pay' as const), client, intent, wait: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('resume' as const), client, intent }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reload' as const), client }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clock' as const), client, jump: fc.constantFrom(25 * hour, -25 * hour, 8 * 24 * hour) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('store' as const), op: fc.constantFrom('get' as const, 'update' as const), lasting: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'heal' as const }) },
  // Time passes with the pages open: the clients' background tries run.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(2000, 60_000, 600_000) }) },
)
const schedule = fc.record({ faults: fc.array(fault, { maxLength: 24 }), steps: fc.array(step, { minLength: 1, maxLength: 14 }) })

async function run({ faults, steps }: { faults: Fault[]; steps: Step[] }): Promise<void> {
  net.server.resetHandlers()
  const pay = net.payments()
  pay.fail(...faults)
  const db = freshDb()
  const faulty = faultyStore(indexedDbStore(db))
  const skew = [0, 0]
  // Node has no Web Locks: two clients on one store are two tabs of a browser without them.
  const open = (c: number): OncelyClient =>
    createClient({ prefixUrl: 'http://api.test', store: faulty.store, timeout: 100, deadline: 3000, now: () => Date.now() + skew[c]!, retry: { limit: 3, delay: 10 } })
  const clients = [open(0), open(1)]
  // A reload kills the page's calls mid-flight, as closing it would.
  const pages = [new AbortController(), new AbortController()]
  const calls: Array<Promise<unknown>> = []
  const swallow = (call: Promise<unknown>) => call.catch(() => undefined)

  for (const s of steps) {
    if (s.kind === 'pay') {
      const call = swallow(clients[s.client]!.post('orders', { json: cartOf(intents[s.intent]!), intent: intents[s.intent], signal: pages[s.client]!.signal }))
      if (s.wait) await drive(call)
      else calls.push(call)
    } else if (s.kind === 'resume') await drive(swallow(clients[s.client]!.intents.resume(intents[s.intent]!, { signal: pages[s.client]!.signal })))
    // A reload: the page (and its calls in flight) is gone; a new client finds the records.
    else if (s.kind === 'reload') {
      pages[s.client]!.abort()
      clients[s.client]!.close()
      pages[s.client] = new AbortController()
      clients[s.client] = open(s.client)
    }
    else if (s.kind === 'clock') skew[s.client]! += s.jump
    else if (s.kind === 'store') (s.lasting ? faulty.failFor(s.op, '*') : faulty.failNext(s.op))
    else if (s.kind === 'wait') await drive(new Promise(resolve => setTimeout(resolve, s.ms)))
    else faulty.heal()
  }
  await drive(Promise.all(calls))
  for (const api of clients) api.close()
  faulty.heal()

  for (const name of intents) {
    const stored = await drive(indexedDbStore(db).get(`default/${name}`))
    const decoded = stored === undefined ? undefined : decodeRecord(stored, 'default', name)
    const record = decoded?.ok ? decoded.record : undefined
    const charges = pay.charges.filter(c => JSON.parse(c.body).cartId === name)
    const context = `${name}: ${JSON.stringify({ state: record?.state, key: record?.key, charges })}`
    expect(stored === undefined || decoded?.ok, `${name}: the store holds a record oncely cannot read`).toBe(true)
    expect(charges.length, `at most one charge: ${context}`).toBeLessThanOrEqual(1)
    if (!record) expect(charges, `a charge with no record on disk: ${context}`).toEqual([])
    else if (record.state === 'confirmed') expect(charges.map(c => c.key), `confirmed: its one charge, under its key: ${context}`).toEqual([record.key])
    else if (record.state === 'rejected') expect(charges, `rejected with certainty: no charge: ${context}`).toEqual([])
    else expect(charges.every(c => c.key === record.key), `pending: any charge is under the key on disk: ${context}`).toBe(true)
  }
}

describe('randomized fault schedules', () => {
  beforeAll(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] }))
  afterAll(() => vi.useRealTimers())
  afterEach(() => net.server.resetHandlers())

  it(`keeps one charge per intent, and every intent decided or pending with its key on disk (${runs} schedules, seed ${seed})`, async () => {
    let ran = 0
    await fc.assert(
      fc.asyncProperty(schedule, async value => {
        ran++
        await run(value)
      }),
      { numRuns: runs, seed, endOnFailure: false },
    )
    console.log(`fault schedules: ${ran} run (seed ${seed}), 0 with a second charge or a lost key`)
  }, 600_000)
})
