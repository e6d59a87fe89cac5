// Every store against the one contract, on real backends: PGlite in process, PostgreSQL and Redis
// as real servers on 127.0.0.1 (skipped, saying why, where the package is missing).
import { PGlite } from '@electric-sql/pglite'
import Redis from 'ioredis'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { idempotent, memoryStore, pgliteStore, postgresStore, redisStore, type SqlStore } from '../../src/server/index.js'
import { sayWhySkipped, startPostgres, startRedis } from './support/services.js'
import { describeStoreContract } from './support/store-contract.js'

const postgres = await startPostgres()
const redisServer = await startRedis()
sayWhySkipped('postgres store', postgres)
sayWhySkipped('redis store', redisServer)
const pool = 'url' in postgres ? new pg.Pool({ connectionString: postgres.url, max: 20 }) : undefined
const redis = 'url' in redisServer ? new Redis(redisServer.url, { lazyConnect: false }) : undefined
const pglite = new PGlite()

afterAll(async () => {
  await pool?.end()
  redis?.disconnect()
  await pglite.close()
  if ('stop' in postgres) await postgres.stop()
  if ('stop' in redisServer) await redisServer.stop()
})

describeStoreContract('memory', async () => memoryStore(), { clock: 'app' })
describeStoreContract('pglite', () => pgliteStore(pglite), { clock: 'app' })
describe.skipIf(!pool)('postgres', () => {
  describeStoreContract('postgres', () => postgresStore(pool!), { clock: 'app' })
})
describe.skipIf(!redis)('redis', () => {
  describeStoreContract('redis', () => redisStore(redis!), { clock: 'store', expire: async (id) => void (await redis!.pexpire(`oncely:${id}`, 1).then(() => waitGone(`oncely:${id}`))) })
})

/** Redis expires a key with PEXPIRE 1 within a millisecond; wait until it is gone (bounded). */
async function waitGone(key: string): Promise<void> {
  for (let i = 0; i < 200 && (await redis!.exists(key)) === 1; i++) await new Promise((resolve) => setTimeout(resolve, 2))
}

const sqlStores: Array<[string, () => Promise<SqlStore>, () => Promise<number>]> = [
  ['pglite', () => pgliteStore(pglite, { table: 'atomic_keys' }), async () => Number((await pglite.query<{ n: number }>('SELECT count(*)::int AS n FROM atomic_effects')).rows[0]!.n)],
]
if (pool) sqlStores.push(['postgres', () => postgresStore(pool, { table: 'atomic_keys' }), async () => Number((await pool.query('SELECT count(*)::int AS n FROM atomic_effects')).rows[0].n)])

const EFFECTS_TABLE = 'CREATE TABLE IF NOT EXISTS atomic_effects (id serial PRIMARY KEY, k text NOT NULL)'
await pglite.exec(EFFECTS_TABLE)
if (pool) await pool.query(EFFECTS_TABLE)

describe.each(sqlStores)('%s: the effect commits with the key', (_name, open, effects) => {
  const post = (key: string, body = '{"amount":5}') => new Request('http://shop.test/orders', { method: 'POST', headers: { 'idempotency-key': `"${key}"` }, body })

  it('commits effect, completion and stored answer together; a replay runs no second effect', async () => {
    const store = await open()
    const handler = idempotent(async (_request, ctx) => {
      const { rows } = await ctx.tx.query<{ id: number }>('INSERT INTO atomic_effects (k) VALUES ($1) RETURNING id', [ctx.key])
      return Response.json({ effect: rows[0]!.id }, { status: 201 })
    }, { store })
    const before = await effects()

    const first = await handler(post('atomic-1'))
    const replay = await handler(post('atomic-1'))

    expect(first.status).toBe(201)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(await replay.text()).toBe(await first.text())
    expect((await effects()) - before).toBe(1)
  })

  it('rolls the effect back when the handler throws after it, and frees the key', async () => {
    const store = await open()
    let calls = 0
    const handler = idempotent(async (_request, ctx) => {
      await ctx.tx.query('INSERT INTO atomic_effects (k) VALUES ($1)', [ctx.key])
      if (++calls === 1) throw new Error('card network down')
      return Response.json({ ok: true }, { status: 201 })
    }, { store })
    const before = await effects()

    await expect(handler(post('atomic-2'))).rejects.toThrow('card network down')
    const afterFailure = await effects()
    const retry = await handler(post('atomic-2'))

    expect(afterFailure).toBe(before)
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBeNull()
    expect((await effects()) - before).toBe(1)
  })

  it('commits a keyless request’s transaction when the app lets it through unguarded, and rolls back its 5xx', async () => {
    const store = await open()
    const handler = idempotent(async (request, ctx) => {
      await ctx.tx.query('INSERT INTO atomic_effects (k) VALUES ($1)', ['keyless'])
      return new Response(null, { status: request.headers.has('x-fail') ? 503 : 204 })
    }, { store, required: false })
    const before = await effects()

    await handler(new Request('http://shop.test/orders', { method: 'POST', body: '{}' }))
    await handler(new Request('http://shop.test/orders', { method: 'POST', body: '{}', headers: { 'x-fail': '1' } }))

    expect((await effects()) - before).toBe(1)
  })

  it('purges expired keys', async () => {
    const store = await open()
    const handler = idempotent(async () => new Response('ok', { status: 201 }), { store, ttl: 1_000, lease: 500, now: () => 5_000 })
    await handler(post('purge-me'))

    expect(await store.purgeExpired(5_999)).toBe(0)
    expect(await store.purgeExpired(6_000)).toBeGreaterThanOrEqual(1)
  })
})

// Postgres only: PGlite has one connection, so a stalled worker's open transaction holds it and
// nobody can take over meanwhile (and a dead worker there is a dead process, database included).
describe.skipIf(!pool)('postgres: a worker whose lease ran out', () => {
  const post = (key: string, body = '{"amount":5}') => new Request('http://shop.test/orders', { method: 'POST', headers: { 'idempotency-key': `"${key}"` }, body })
  const open = () => postgresStore(pool!, { table: 'atomic_keys' })
  const effects = async () => Number((await pool!.query('SELECT count(*)::int AS n FROM atomic_effects')).rows[0].n)

  it('rolls back a worker whose lease ran out and was taken over: its effect never lands, the new holder’s does', async () => {
    const store = await open()
    let now = 1_000_000
    let gate!: () => void
    const held = new Promise<void>((resolve) => (gate = resolve))
    let entered!: () => void
    const inside = new Promise<void>((resolve) => (entered = resolve))
    let calls = 0
    const handler = idempotent(async (_request, ctx) => {
      const call = ++calls
      await ctx.tx.query('INSERT INTO atomic_effects (k) VALUES ($1)', [`${ctx.key}:${call}`])
      if (call === 1) {
        entered()
        await held // the stalled worker: its lease runs out meanwhile
      }
      return Response.json({ call }, { status: 201 })
    }, { store, lease: 5_000, now: () => now })
    const before = await effects()

    const stalled = handler(post('atomic-3'))
    await inside
    now += 5_000
    const takeover = await handler(post('atomic-3'))
    gate()
    const late = await stalled

    expect(takeover.status).toBe(201)
    expect(await takeover.json()).toEqual({ call: 2 })
    expect(late.status).toBe(409) // fenced: it lost the claim, wrote nothing
    expect((await effects()) - before).toBe(1)
    const replay = await handler(post('atomic-3'))
    expect(await replay.json()).toEqual({ call: 2 })
  })

})

describe.skipIf(!redis)('the redis store refuses a server that may evict keys', () => {
  it('throws RedisEvictionPolicyError unless maxmemory-policy is noeviction', async () => {
    const lru = await startRedis({ policy: 'allkeys-lru' })
    const client = new Redis((lru as { url: string }).url)
    try {
      await expect(redisStore(client)).rejects.toMatchObject({ name: 'RedisEvictionPolicyError', policy: 'allkeys-lru' })
      const warnings: string[] = []
      const store = await redisStore(client, { unsafeSkipEvictionCheck: true, warn: (message) => warnings.push(message) })
      expect(store.kind).toBe('redis')
      expect(warnings.join('')).toMatch(/allkeys-lru.*noeviction/s)
    } finally {
      client.disconnect()
      if ('stop' in lru) await lru.stop()
    }
  })

  it('reloads its scripts after SCRIPT FLUSH (a Redis restart) and still completes', async () => {
    const store = await redisStore(redis!)
    const handler = idempotent(async () => Response.json({ ok: 1 }, { status: 201 }), { store })
    await redis!.script('FLUSH')

    const first = await handler(new Request('http://x.test/a', { method: 'POST', headers: { 'idempotency-key': 'flush-1' }, body: 'x' }))
    const replay = await handler(new Request('http://x.test/a', { method: 'POST', headers: { 'idempotency-key': 'flush-1' }, body: 'x' }))

    expect(first.status).toBe(201)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
  })
})
