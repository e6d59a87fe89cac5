import { ClaimLostError, OncelyServerOptionError } from '../errors.js'
import { isClaimable, type Claim, type ClaimResult, type IdempotencyStore, type KeyRecord, type StoreTransaction, type StoredResponse } from './types.js'

/** One statement's rows, the shape `pg` and PGlite both return. */
export type SqlQuery = <Row = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<{ rows: Row[] }>

/** A transaction on one connection. */
export interface SqlTransaction {
  query: SqlQuery
  commit(): Promise<void>
  rollback(): Promise<void>
}

/** The little the SQL store needs from a database; `postgres.ts` and `pglite.ts` adapt their drivers to it. */
export interface SqlDriver {
  readonly kind: string
  query: SqlQuery
  begin(): Promise<SqlTransaction>
}

/** Options of the SQL stores. */
export interface SqlStoreOptions {
  /** Table of keys; default `oncely_keys`. Lower-case letters, digits and `_`. */
  table?: string
  /** Create the table if missing (default true). Turn off when migrations own the schema (see `schemaSql`). */
  createTable?: boolean
}

/** A SQL store, with housekeeping on top of the contract. */
export interface SqlStore extends IdempotencyStore {
  transaction(): Promise<StoreTransaction>
  /** Deletes up to `limit` keys expired at `now`; returns how many. Run it from a timer or cron. */
  purgeExpired(now?: number, limit?: number): Promise<number>
  readonly table: string
}

interface Row {
  claimed: boolean
  state: KeyRecord['state'] | null
  fingerprint: string | null
  token: string | null
  lease_until: string | number | null
  expires_at: string | number | null
  status: number | null
  headers: string | null
  body: Uint8Array | null
}

/**
 * The table, for a migration tool. Times are epoch ms of the app's clock (not
 * `now()`), so every process judges leases by the same rule as the memory
 * store and tests can move time.
 *
 * @example
 * await migrate(schemaSql('oncely_keys'))
 */
export function schemaSql(table = 'oncely_keys'): string {
  checkTable(table)
  return `CREATE TABLE IF NOT EXISTS ${table} (
  id          text PRIMARY KEY,
  fingerprint text NOT NULL,
  state       text NOT NULL CHECK (state IN ('in_progress', 'completed')),
  token       text NOT NULL,
  lease_until bigint NOT NULL,
  expires_at  bigint NOT NULL,
  status      integer,
  headers     text,
  body        bytea
);
CREATE INDEX IF NOT EXISTS ${table}_expires_at ON ${table} (expires_at);`
}

/**
 * The store over any SQL driver (Postgres, PGlite). Claim is one statement:
 * the primary key picks one winner among simultaneous first requests, and the
 * same statement returns the standing record to the losers.
 *
 * @example
 * const store = await createSqlStore(driver, { table: 'idempotency_keys' })
 */
export async function createSqlStore(driver: SqlDriver, options: SqlStoreOptions = {}): Promise<SqlStore> {
  const table = options.table ?? 'oncely_keys'
  checkTable(table)
  if (options.createTable ?? true) await createTable(driver, table)

  // $6 is "now": an expired key or an in-progress one whose lease ran out is taken over in place.
  const claimSql = `WITH claimed AS (
  INSERT INTO ${table} AS k (id, fingerprint, state, token, lease_until, expires_at)
  VALUES ($1, $2, 'in_progress', $3, $4, $5)
  ON CONFLICT (id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, state = 'in_progress', token = EXCLUDED.token,
    lease_until = EXCLUDED.lease_until, expires_at = EXCLUDED.expires_at, status = NULL, headers = NULL, body = NULL
  WHERE k.expires_at <= $6 OR (k.state = 'in_progress' AND k.lease_until <= $6)
  RETURNING 1
)
SELECT true AS claimed, NULL::text AS state, NULL::text AS fingerprint, NULL::text AS token, NULL::bigint AS lease_until,
       NULL::bigint AS expires_at, NULL::integer AS status, NULL::text AS headers, NULL::bytea AS body FROM claimed
UNION ALL
SELECT false, state, fingerprint, token, lease_until, expires_at, status, headers, body FROM ${table}
 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM claimed)`
  const completeSql = `UPDATE ${table} SET state = 'completed', status = $3, headers = $4, body = $5
 WHERE id = $1 AND token = $2 AND state = 'in_progress' RETURNING 1 AS ok`
  const releaseSql = `DELETE FROM ${table} WHERE id = $1 AND token = $2 AND state = 'in_progress'`

  async function claim(request: Claim): Promise<ClaimResult> {
    const params = [request.id, request.fingerprint, request.token, request.now + request.lease, request.now + request.ttl, request.now]
    // The outer SELECT reads the statement's snapshot: a row committed by a racing claim just after it
    // began is invisible (no row), or an old version is (an expired one). Both are rare; ask again.
    for (let attempt = 0; attempt < 20; attempt++) {
      const [row] = (await driver.query<Row>(claimSql, params)).rows
      if (row?.claimed) return { claimed: true }
      if (!row) continue
      const record = toRecord(row)
      if (!isClaimable(record, request.now)) return { claimed: false, record }
    }
    throw new Error(`oncely/server: could not claim or read key ${request.id} after 20 attempts`)
  }

  const completeWith = async (query: SqlQuery, id: string, token: string, response: StoredResponse): Promise<boolean> => {
    const { rows } = await query(completeSql, [id, token, response.status, JSON.stringify(response.headers), response.body])
    return rows.length === 1
  }

  return {
    kind: driver.kind,
    table,
    claim,
    async complete(id, token, response) {
      if (!(await completeWith(driver.query, id, token, response))) throw new ClaimLostError(id)
    },
    async release(id, token) {
      await driver.query(releaseSql, [id, token])
    },
    async transaction(): Promise<StoreTransaction> {
      const tx = await driver.begin()
      return {
        query: tx.query,
        async complete(id, token, response) {
          // The fenced UPDATE is the last statement before COMMIT: a lost claim rolls the effect back with it.
          if (await completeWith(tx.query, id, token, response)) return tx.commit()
          await tx.rollback()
          throw new ClaimLostError(id)
        },
        commit: () => tx.commit(),
        rollback: () => tx.rollback(),
      }
    },
    async purgeExpired(now = Date.now(), limit = 10_000) {
      const { rows } = await driver.query<{ n: string | number }>(
        `WITH gone AS (DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE expires_at <= $1 LIMIT $2) RETURNING 1) SELECT count(*) AS n FROM gone`,
        [now, limit],
      )
      return Number(rows[0]?.n ?? 0)
    },
  }
}

async function createTable(driver: SqlDriver, table: string): Promise<void> {
  // Several processes starting at once would race on CREATE TABLE IF NOT EXISTS (a unique violation
  // in pg_type); an advisory lock held for the transaction makes them take turns.
  const tx = await driver.begin()
  try {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`oncely:${table}`])
    for (const statement of schemaSql(table).split(';').map((s) => s.trim()).filter(Boolean)) await tx.query(statement)
    await tx.commit()
  } catch (error) {
    await tx.rollback().catch(() => undefined) // the original error says more than a failed rollback
    throw error
  }
}

function checkTable(table: string): void {
  if (!/^[a-z_][a-z0-9_]{0,50}$/.test(table)) throw new OncelyServerOptionError('table', `must be lower-case letters, digits and _ (at most 51), got ${JSON.stringify(table)}`)
}

// bigint comes back as a string from both drivers; bytea as a Uint8Array (pg: a Buffer).
function toRecord(row: Row): KeyRecord {
  const record: KeyRecord = {
    state: row.state!,
    fingerprint: row.fingerprint!,
    token: row.token!,
    leaseUntil: Number(row.lease_until),
    expiresAt: Number(row.expires_at),
  }
  if (row.state === 'completed' && row.status !== null) {
    record.response = { status: row.status, headers: JSON.parse(row.headers ?? '[]') as Array<[string, string]>, body: new Uint8Array(row.body ?? new Uint8Array()) }
  }
  return record
}
