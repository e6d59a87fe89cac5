import { ClaimLostError, isReclaimable, type Charge, type ClaimRequest, type ClaimResult, type IdempotencyStore, type KeyRecord, type StoredResponse } from './store.js'

/** Runs one parameterised statement and returns its rows. */
export type Query = <Row>(sql: string, params?: unknown[]) => Promise<Row[]>

/** The little a SQL store needs from a database: PGlite and `pg` both fit behind it. */
export interface SqlDriver {
  readonly kind: 'pglite' | 'pg'
  query: Query
  /** Runs several statements without parameters (the schema). */
  exec(sql: string): Promise<void>
  /** Runs `work` inside BEGIN … COMMIT on one connection; rolls back if it throws. */
  transaction<T>(work: (query: Query) => Promise<T>): Promise<T>
  close(): Promise<void>
}

// Prefixed so the tables can live in someone's existing database without clashing.
// Times are epoch milliseconds from the engine's clock (not now()), so tests can move time.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS oncely_idempotency_keys (
  key             text PRIMARY KEY,
  fingerprint     text NOT NULL,
  state           text NOT NULL CHECK (state IN ('in_progress', 'completed')),
  claim_id        text NOT NULL,
  created_at      bigint NOT NULL,
  expires_at      bigint NOT NULL,
  response_status integer,
  response_body   text
);
CREATE TABLE IF NOT EXISTS oncely_charges (
  seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id text NOT NULL UNIQUE,
  key      text NOT NULL,
  cart_id  text NOT NULL,
  amount   numeric NOT NULL,
  currency text NOT NULL,
  at       bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS oncely_charges_key ON oncely_charges (key);
`

interface KeyRow {
  key: string
  fingerprint: string
  state: 'in_progress' | 'completed'
  claim_id: string
  created_at: string | number
  expires_at: string | number
  response_status: number | null
  response_body: string | null
}

interface ChargeRow {
  order_id: string
  key: string
  cart_id: string
  amount: string | number
  currency: string
  at: string | number
}

/**
 * The idempotency store in SQL, shared by PGlite and PostgreSQL.
 * Creates its tables if they are missing.
 *
 * @example
 * const store = await createSqlStore(await openPglite('demo/.data/pglite'))
 */
export async function createSqlStore(driver: SqlDriver): Promise<IdempotencyStore> {
  await driver.exec(SCHEMA)

  async function claim(request: ClaimRequest): Promise<ClaimResult> {
    // The unique constraint picks exactly one winner among simultaneous first requests.
    const inserted = await driver.query<{ key: string }>(
      `INSERT INTO oncely_idempotency_keys (key, fingerprint, state, claim_id, created_at, expires_at)
       VALUES ($1, $2, 'in_progress', $3, $4, $5)
       ON CONFLICT (key) DO NOTHING
       RETURNING key`,
      [request.key, request.fingerprint, request.claimId, request.now, request.expiresAt],
    )
    if (inserted.length === 1) return { claimed: true }
    const [row] = await driver.query<KeyRow>(`SELECT * FROM oncely_idempotency_keys WHERE key = $1`, [request.key])
    if (!row) return claim(request) // the holder vanished between INSERT and SELECT (a release or a reset)
    const record = toRecord(row)
    if (!isReclaimable(record, request)) return { claimed: false, record }
    // Expired or abandoned: delete exactly the row we judged (by claim_id), so of two requests
    // that judged it, the second cannot delete the first one's fresh claim; then race again.
    await driver.query(`DELETE FROM oncely_idempotency_keys WHERE key = $1 AND claim_id = $2`, [request.key, record.claimId])
    return claim(request)
  }

  return {
    kind: driver.kind,
    claim,

    async complete(key: string, claimId: string, charge: Charge, response: StoredResponse): Promise<void> {
      await driver.transaction(async (query) => {
        await query(
          `INSERT INTO oncely_charges (order_id, key, cart_id, amount, currency, at) VALUES ($1, $2, $3, $4, $5, $6)`,
          [charge.orderId, charge.key, charge.cartId, charge.amount, charge.currency, charge.at],
        )
        const updated = await query<{ key: string }>(
          `UPDATE oncely_idempotency_keys
              SET state = 'completed', response_status = $3, response_body = $4
            WHERE key = $1 AND claim_id = $2 AND state = 'in_progress'
            RETURNING key`,
          [key, claimId, response.status, response.body],
        )
        // Throwing rolls the charge back with it: no charge without its stored response.
        if (updated.length !== 1) throw new ClaimLostError(key)
      })
    },

    async release(key: string, claimId: string): Promise<void> {
      await driver.query(
        `DELETE FROM oncely_idempotency_keys WHERE key = $1 AND claim_id = $2 AND state = 'in_progress'`,
        [key, claimId],
      )
    },

    async charges(key?: string): Promise<Charge[]> {
      const rows =
        key === undefined
          ? await driver.query<ChargeRow>(`SELECT * FROM oncely_charges ORDER BY seq`)
          : await driver.query<ChargeRow>(`SELECT * FROM oncely_charges WHERE key = $1 ORDER BY seq`, [key])
      return rows.map(toCharge)
    },

    async reset(): Promise<void> {
      await driver.query(`TRUNCATE oncely_charges, oncely_idempotency_keys RESTART IDENTITY`)
    },

    close: () => driver.close(),
  }
}

// bigint and numeric come back as strings from both drivers; the API speaks numbers.
function toRecord(row: KeyRow): KeyRecord {
  const record: KeyRecord = {
    key: row.key,
    fingerprint: row.fingerprint,
    state: row.state,
    claimId: row.claim_id,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  }
  if (row.response_status !== null && row.response_body !== null) {
    record.response = { status: row.response_status, body: row.response_body }
  }
  return record
}

function toCharge(row: ChargeRow): Charge {
  return {
    orderId: row.order_id,
    key: row.key,
    cartId: row.cart_id,
    amount: Number(row.amount),
    currency: row.currency,
    at: Number(row.at),
  }
}
