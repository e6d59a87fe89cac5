import type { Transaction } from '../../src/server/index.js'

/** One charge: the effect that must happen once per intent. */
export interface Charge {
  orderId: string
  key: string
  cartId: string
  amount: number
  currency: string
  /** Epoch milliseconds. */
  at: number
}

/** `GET /api/ledger`: `total` is the number of charges, the figure that must stay at one per intent. */
export interface LedgerView {
  total: number
  charges: Array<{ key: string; orderId: string; amount: number; currency: string; at: string }>
}

/** The shop's own table of charges: the app's data, not oncely's. */
export interface Ledger {
  /** Records a charge; in SQL through the request's transaction, so it commits with the key. */
  charge(charge: Charge, tx: Transaction): Promise<void>
  list(key?: string): Promise<Charge[]>
  reset(): Promise<void>
}

/** Charges in this process (the `memory` backend of tests and the bench). */
export function memoryLedger(): Ledger {
  let charges: Charge[] = []
  return {
    async charge(charge) {
      charges.push({ ...charge })
    },
    async list(key) {
      return charges.filter((charge) => key === undefined || charge.key === key).map((charge) => ({ ...charge }))
    },
    async reset() {
      charges = []
    },
  }
}

/** Runs a statement outside any request (listing, reset, schema). */
export type Query = <Row>(sql: string, params?: unknown[]) => Promise<{ rows: Row[] }>

/** The schema of the charges table. */
export const LEDGER_SCHEMA = `CREATE TABLE IF NOT EXISTS demo_charges (
  seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id text NOT NULL UNIQUE,
  key      text NOT NULL,
  cart_id  text NOT NULL,
  amount   numeric NOT NULL,
  currency text NOT NULL,
  at       bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS demo_charges_key ON demo_charges (key)`

interface ChargeRow {
  order_id: string
  key: string
  cart_id: string
  amount: string | number
  currency: string
  at: string | number
}

/**
 * Charges in PostgreSQL or PGlite. `charge` runs in the request's transaction
 * (`ctx.tx`), so the charge, the key's completion and the stored answer commit
 * together: no charge without its stored answer, and the reverse.
 */
export function sqlLedger(query: Query, keysTable: string): Ledger {
  return {
    async charge(charge, tx) {
      await tx.query(`INSERT INTO demo_charges (order_id, key, cart_id, amount, currency, at) VALUES ($1, $2, $3, $4, $5, $6)`, [
        charge.orderId, charge.key, charge.cartId, charge.amount, charge.currency, charge.at,
      ])
    },
    async list(key) {
      const { rows } = key === undefined
        ? await query<ChargeRow>(`SELECT * FROM demo_charges ORDER BY seq`)
        : await query<ChargeRow>(`SELECT * FROM demo_charges WHERE key = $1 ORDER BY seq`, [key])
      // bigint and numeric come back as strings from both drivers; the API speaks numbers.
      return rows.map((row) => ({ orderId: row.order_id, key: row.key, cartId: row.cart_id, amount: Number(row.amount), currency: row.currency, at: Number(row.at) }))
    },
    async reset() {
      await query(`TRUNCATE demo_charges, ${keysTable} RESTART IDENTITY`)
    },
  }
}

/** The ledger as `GET /api/ledger` shows it. */
export function toLedgerView(charges: Charge[]): LedgerView {
  return {
    total: charges.length,
    charges: charges.map((c) => ({ key: c.key, orderId: c.orderId, amount: c.amount, currency: c.currency, at: new Date(c.at).toISOString() })),
  }
}
