// The stores oncely/server runs on, for the bench: PGlite in process, and real PostgreSQL and Redis
// started on 127.0.0.1 (durable PostgreSQL: fsync on, as in production). Each comes with an
// instrumented client that counts round trips, so "one round trip before the handler" is measured.
import { PGlite } from '@electric-sql/pglite'
import Redis from 'ioredis'
import pg from 'pg'
import { memoryStore, pgliteStore, postgresStore, redisStore, type IdempotencyStore } from '../src/server/index.js'
import { startPostgres, startRedis } from '../test/server/support/services.js'

/** One store under test, with the effect the bench's handler makes and a round-trip counter. */
export interface BenchStore {
  name: string
  store: IdempotencyStore
  /** The handler's effect, outside any key (the bare handler). */
  effect(): Promise<void>
  /** The same effect inside the request's transaction when the store has one. */
  effectIn(tx: { query(sql: string, params?: unknown[]): Promise<unknown> }): Promise<void>
  /** Round trips to the idempotency store so far. */
  roundTrips(): number
  /** Bytes the store holds for its keys (Redis used_memory, the table's total relation size). */
  keyBytes?(): Promise<number>
  /** Bytes of one stored key as the store reports it (Redis MEMORY USAGE). */
  keyUsage?(id: string): Promise<number>
  close(): Promise<void>
}

/** Every store that can be had on this machine; `missing` says which could not and why. Close them in reverse (Redis borrows Postgres for its effect). */
export async function openBenchStores(): Promise<{ stores: BenchStore[]; missing: string[] }> {
  const stores: BenchStore[] = []
  const missing: string[] = []
  let effects = 0

  stores.push({ name: 'memory', store: memoryStore(), effect: async () => void effects++, effectIn: async () => void effects++, roundTrips: () => 0, close: async () => undefined })

  const lite = new PGlite()
  let liteTrips = 0
  const countedLite = { query: (sql: string, params?: unknown[]) => (liteTrips++, lite.query<any>(sql, params)), transaction: lite.transaction.bind(lite) }
  await lite.exec('CREATE TABLE bench_payments (id serial PRIMARY KEY, amount int NOT NULL)')
  stores.push({
    name: 'pglite',
    store: await pgliteStore(countedLite),
    effect: async () => void (await lite.query('INSERT INTO bench_payments (amount) VALUES (1)')),
    effectIn: async (tx) => void (await tx.query('INSERT INTO bench_payments (amount) VALUES (1)')),
    roundTrips: () => liteTrips,
    keyBytes: async () => Number((await lite.query<{ n: number }>(`SELECT pg_total_relation_size('oncely_keys')::bigint AS n`)).rows[0]!.n),
    close: () => lite.close(),
  })

  const postgres = await startPostgres({ durable: true })
  if ('url' in postgres) {
    const pool = new pg.Pool({ connectionString: postgres.url, max: 16 })
    let trips = 0
    const counted = {
      query: (sql: string, params?: unknown[]) => (trips++, pool.query(sql, params)),
      connect: async () => {
        const client = await pool.connect()
        return { query: (sql: string, params?: unknown[]) => (trips++, client.query(sql, params)), release: (error?: Error | boolean) => client.release(error) }
      },
    }
    await pool.query('CREATE TABLE bench_payments (id serial PRIMARY KEY, amount int NOT NULL)')
    stores.push({
      name: 'postgres',
      store: await postgresStore(counted),
      effect: async () => void (await pool.query('INSERT INTO bench_payments (amount) VALUES (1)')),
      effectIn: async (tx) => void (await tx.query('INSERT INTO bench_payments (amount) VALUES (1)')),
      roundTrips: () => trips,
      keyBytes: async () => Number((await pool.query(`SELECT pg_total_relation_size('oncely_keys')::bigint AS n`)).rows[0].n),
      close: async () => {
        await pool.end()
        await postgres.stop()
      },
    })
  } else missing.push(`postgres: ${postgres.skip}`)

  const redisServer = await startRedis()
  if ('url' in redisServer) {
    const client = new Redis(redisServer.url)
    let trips = 0
    const counted = { call: (command: string, ...args: Array<string | number>) => (trips++, client.call(command, ...args)) }
    // The effect stays in the app's database (Postgres where there is one): Redis only holds keys.
    const appDb = stores.find((s) => s.name === 'postgres') ?? stores.find((s) => s.name === 'pglite')!
    stores.push({
      name: 'redis',
      store: await redisStore(counted),
      effect: () => appDb.effect(),
      effectIn: () => appDb.effect(),
      roundTrips: () => trips,
      keyBytes: async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]),
      keyUsage: async (id) => Number(await client.call('MEMORY', 'USAGE', `oncely:${id}`)),
      close: async () => {
        client.disconnect()
        await redisServer.stop()
      },
    })
  } else missing.push(`redis: ${redisServer.skip}`)
  return { stores: stores.sort((a, b) => order(a.name) - order(b.name)), missing }
}

const order = (name: string) => ['memory', 'pglite', 'postgres', 'redis'].indexOf(name)
