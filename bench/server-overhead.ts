// oncely/server's cost: the same handler bare and wrapped, on each store, side by side in one run
// (requests interleaved ABAB for latency, blocks alternated for throughput), over loopback HTTP
// through the Node adapter; round trips to the store counted by instrumented clients; bytes per
// stored key from the store itself.
import { Agent, createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { idempotent, toNodeHandler } from '../src/server/index.js'
import { openBenchStores, type BenchStore } from './server-stores.js'
import { quantile, round } from './stats.js'
import { table } from './report.js'

/** What one store measured. */
export interface StoreFigures {
  store: string
  bareRps: number
  wrappedRps: number
  bareP50: number
  wrappedP50: number
  bareP99: number
  wrappedP99: number
  replayP50: number
  /** p50 when the handler also waits `providerMs` (a provider call) before its effect. */
  slowBareP50: number
  slowWrappedP50: number
  /** Round trips to the store before the handler ran, on a new key; and answering a replay. */
  tripsBeforeHandler: number
  tripsNewKey: number
  tripsReplay: number
  bytesPerKey?: number
  redisMemoryUsage?: number
}

/** The settings of one run. */
export interface ServerBenchSettings {
  pairs: number
  warmup: number
  blocks: number
  blockMs: number
  concurrency: number
  keys: number
  /** Pairs for the handler with a simulated provider call. */
  slowPairs: number
}

/** The simulated provider call of the "realistic handler" rows, ms. */
const PROVIDER_MS = 10

const RECEIPT = (key: string) => JSON.stringify({ orderId: 'ord_3f9a1c2b7d4e5f60', key, cartId: 'cart-42', amount: 25, currency: 'EUR', charged: true, at: '2026-01-01T12:00:00.000Z' })

/**
 * Runs the section; prints its tables and returns the figures.
 *
 * @example
 * const figures = await serverOverhead({ pairs: 200, warmup: 30, blocks: 2, blockMs: 700, concurrency: 8, keys: 2000 })
 */
export async function serverOverhead(settings: ServerBenchSettings): Promise<{ stores: StoreFigures[]; missing: string[] }> {
  const { stores, missing } = await openBenchStores()
  for (const reason of missing) console.log(`not measured: ${reason}`)
  const figures: StoreFigures[] = []
  try {
    for (const store of stores) figures.push(await measure(store, settings))
  } finally {
    for (const store of [...stores].reverse()) await store.close()
  }
  console.log(table(
    ['store', 'bare req/s', 'wrapped req/s', 'wrapped/bare', 'bare p50 ms', 'wrapped p50 ms', 'added p50', 'bare p99 ms', 'wrapped p99 ms', 'added p99', 'replay p50 ms', 'store trips before handler, new key', 'store trips, new key (all)', 'store trips, replay'],
    figures.map((f) => [
      f.store, Math.round(f.bareRps), Math.round(f.wrappedRps), `${(f.wrappedRps / f.bareRps).toFixed(2)}x`,
      f.bareP50.toFixed(3), f.wrappedP50.toFixed(3), pct(f.wrappedP50, f.bareP50),
      f.bareP99.toFixed(3), f.wrappedP99.toFixed(3), pct(f.wrappedP99, f.bareP99),
      f.replayP50.toFixed(3), f.tripsBeforeHandler, f.tripsNewKey, f.tripsReplay,
    ]),
  ))
  console.log(`\nWith a ${PROVIDER_MS} ms provider call in the handler (${settings.slowPairs} pairs, interleaved):\n`)
  console.log(table(['store', 'bare p50 ms', 'wrapped p50 ms', 'added p50'], figures.map((f) => [f.store, f.slowBareP50.toFixed(3), f.slowWrappedP50.toFixed(3), pct(f.slowWrappedP50, f.slowBareP50)])))
  console.log('\nThe handler: one INSERT into the app database (memory: a counter; redis: the INSERT goes to Postgres, durable, fsync on). Wrapped on pglite/postgres the INSERT runs in ctx.tx and commits with the key (BEGIN, INSERT, UPDATE key, COMMIT: the trips in "new key (all)" include the INSERT). Loopback HTTP through toNodeHandler for both; client and server share one process, so req/s is what one core does for both sides.')
  const memory = figures.filter((f) => f.bytesPerKey !== undefined)
  if (memory.length > 0) {
    console.log(`\nMemory per stored key (${settings.keys} completed keys, a ${RECEIPT('0190b6e4-7a1c-7cc1-9d2e-5f3a2b1c0d9e').length}-byte JSON receipt each):\n`)
    console.log(table(['store', 'bytes per key', 'how measured'], memory.map((f) => [
      f.store,
      Math.round(f.bytesPerKey!),
      f.store === 'redis' ? `INFO used_memory delta / keys (MEMORY USAGE of one key: ${f.redisMemoryUsage} B)` : `pg_total_relation_size('oncely_keys') delta / keys (heap + TOAST + primary key + expiry index)`,
    ])))
  }
  return { stores: figures, missing }
}

const pct = (wrapped: number, bare: number) => `${wrapped - bare >= 0 ? '+' : ''}${(wrapped - bare).toFixed(3)} ms (${(((wrapped - bare) / bare) * 100).toFixed(1)} %)`

async function measure(bench: BenchStore, settings: ServerBenchSettings): Promise<StoreFigures> {
  let tripsAtHandler = 0
  const transactional = bench.name === 'pglite' || bench.name === 'postgres'
  const bare = toNodeHandler(async (request) => {
    if (request.headers.has('x-provider')) await new Promise((resolve) => setTimeout(resolve, PROVIDER_MS))
    await bench.effect()
    return new Response(RECEIPT('none'), { status: 201, headers: { 'content-type': 'application/json' } })
  })
  const wrapped = toNodeHandler(idempotent(async (request, ctx) => {
    tripsAtHandler = bench.roundTrips()
    if (request.headers.has('x-provider')) await new Promise((resolve) => setTimeout(resolve, PROVIDER_MS))
    if (transactional) await bench.effectIn(ctx.tx)
    else await bench.effect()
    return new Response(RECEIPT(ctx.key!), { status: 201, headers: { 'content-type': 'application/json' } })
  }, { store: bench.store }))
  const server = createServer((req, res) => (req.url === '/bare' ? bare(req, res) : wrapped(req, res)))
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const agent = new Agent({ keepAlive: true, maxSockets: settings.concurrency })
  let serial = 0
  const send = (path: '/bare' | '/wrapped', key = `${bench.name}-${++serial}-${Math.random().toString(36).slice(2, 10)}`, provider = false): Promise<number> =>
    new Promise((resolve, reject) => {
      const body = `{"amount":25,"nonce":"${key}"}`
      const started = performance.now()
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'idempotency-key': `"${key}"`, ...(provider ? { 'x-provider': '1' } : {}) } }, (res) => {
        res.resume()
        res.on('end', () => (res.statusCode === 201 ? resolve(performance.now() - started) : reject(new Error(`${path} answered ${res.statusCode}`))))
      })
      req.on('error', reject)
      req.end(body)
    })

  try {
    for (let i = 0; i < settings.warmup; i++) await Promise.all([send('/bare'), send('/wrapped')])
    // Latency: one at a time, bare and wrapped interleaved, so drift hits both alike.
    const bareMs: number[] = []
    const wrappedMs: number[] = []
    const replayMs: number[] = []
    for (let i = 0; i < settings.pairs; i++) {
      const key = `${bench.name}-lat-${i}-${Math.random().toString(36).slice(2, 10)}`
      if (i % 2 === 0) {
        bareMs.push(await send('/bare'))
        wrappedMs.push(await send('/wrapped', key))
      } else {
        wrappedMs.push(await send('/wrapped', key))
        bareMs.push(await send('/bare'))
      }
      replayMs.push(await send('/wrapped', key))
    }
    // The same with a provider call in the handler: what the added time is next to real work.
    const slowBare: number[] = []
    const slowWrapped: number[] = []
    for (let i = 0; i < settings.slowPairs; i++) {
      slowBare.push(await send('/bare', undefined, true))
      slowWrapped.push(await send('/wrapped', undefined, true))
    }
    // Round trips, counted on one new key and its replay.
    const key = `${bench.name}-trips-${Math.random()}`
    const t0 = bench.roundTrips()
    await send('/wrapped', key)
    const atHandler = tripsAtHandler
    const t1 = bench.roundTrips()
    await send('/wrapped', key)
    const t2 = bench.roundTrips()
    // Throughput: `concurrency` clients in a closed loop, blocks alternated bare/wrapped.
    const completed = { '/bare': 0, '/wrapped': 0 }
    const elapsed = { '/bare': 0, '/wrapped': 0 }
    for (let block = 0; block < settings.blocks * 2; block++) {
      const path = block % 2 === 0 ? '/bare' : '/wrapped'
      const started = performance.now()
      const until = started + settings.blockMs
      await Promise.all(Array.from({ length: settings.concurrency }, async () => {
        while (performance.now() < until) {
          await send(path)
          completed[path]++
        }
      }))
      elapsed[path] += performance.now() - started
    }
    const memory = await bytesPerKey(bench, settings.keys)
    return {
      store: bench.name,
      bareRps: (completed['/bare'] / elapsed['/bare']) * 1000,
      wrappedRps: (completed['/wrapped'] / elapsed['/wrapped']) * 1000,
      bareP50: quantile(bareMs, 0.5),
      wrappedP50: quantile(wrappedMs, 0.5),
      bareP99: quantile(bareMs, 0.99),
      wrappedP99: quantile(wrappedMs, 0.99),
      replayP50: quantile(replayMs, 0.5),
      slowBareP50: quantile(slowBare, 0.5),
      slowWrappedP50: quantile(slowWrapped, 0.5),
      tripsBeforeHandler: atHandler - t0,
      tripsNewKey: t1 - t0,
      tripsReplay: t2 - t1,
      ...memory,
    }
  } finally {
    agent.destroy()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}

/** Stores `keys` completed keys straight through the store and measures what they cost it. */
async function bytesPerKey(bench: BenchStore, keys: number): Promise<{ bytesPerKey?: number; redisMemoryUsage?: number }> {
  if (!bench.keyBytes) return {}
  const before = await bench.keyBytes()
  const now = Date.now()
  const body = new TextEncoder()
  let lastId = ''
  for (let i = 0; i < keys; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, keys - i) }, async (_, j) => {
      const id = `mem-${bench.name}-${i + j}-${Math.random().toString(36).slice(2)}`.padEnd(43, 'x').slice(0, 43) // the length of a real storage id
      const token = crypto.randomUUID()
      await bench.store.claim({ id, fingerprint: 'q'.repeat(43), token, now, lease: 60_000, ttl: 86_400_000 })
      await bench.store.complete(id, token, { status: 201, headers: [['content-type', 'application/json']], body: body.encode(RECEIPT(crypto.randomUUID())) }, { now, expiresAt: now + 86_400_000 })
      lastId = id
    }))
  }
  const after = await bench.keyBytes()
  const figures: { bytesPerKey: number; redisMemoryUsage?: number } = { bytesPerKey: round((after - before) / keys, 0) }
  if (bench.keyUsage) figures.redisMemoryUsage = await bench.keyUsage(lastId)
  return figures
}
