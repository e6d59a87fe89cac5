import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { idempotent, memoryStore, pgliteStore, postgresStore, sha256, type FetchHandler, type IdempotencyStore, type OutcomeEvent } from '../../src/server/index.js'
import { LEDGER_SCHEMA, memoryLedger, sqlLedger, toLedgerView, type Charge, type Ledger, type LedgerView } from './ledger.js'
import { canonicalJson, parseOrder, type Order } from './order.js'
import { problem, problemTypes } from './problem.js'

/** The call to the payment provider, made after the key is claimed and before the charge commits. Tests pass a gate here. */
export type PaymentProvider = (order: Order, key: string) => Promise<void>

/** What became of one order request, as the request log names it. */
export type ShopOutcome = 'charged' | 'replayed' | '400' | '409' | '413' | '422' | '500'

/** The 201 body of a successful order. Stored and replayed verbatim by oncely/server. */
export interface OrderReceipt {
  orderId: string
  key: string
  cartId: string
  amount: number
  currency: string
  charged: true
  at: string
}

/** Where the shop keeps keys and charges. */
export type Backend = { kind: 'memory' } | { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string }

/** Options of {@link createShop}. */
export interface ShopOptions {
  backend: Backend
  /** How long keys are remembered; default 24 h. */
  keyTtlMs?: number
  /** After how long an uncommitted claim may be taken over; default 60 s. */
  inProgressTimeoutMs?: number
  now?: () => number
  provider?: PaymentProvider
}

/** The shop: one idempotent order handler and its ledger. */
export interface Shop {
  readonly kind: 'memory' | 'pglite' | 'pg'
  /** `POST /api/orders` as a Fetch API handler, wrapped by oncely/server. */
  orders: FetchHandler
  /** What oncely/server did with a request this handler answered. */
  outcomeOf(request: Request): ShopOutcome | undefined
  ledger(key?: string): Promise<LedgerView>
  /** The charges themselves (cart ids included), oldest first. */
  charges(key?: string): Promise<Charge[]>
  reset(): Promise<void>
  close(): Promise<void>
  readonly store: IdempotencyStore
}

const OUTCOMES: Partial<Record<OutcomeEvent['outcome'], ShopOutcome>> = {
  completed: 'charged',
  replayed: 'replayed',
  'in-progress': '409',
  'claim-lost': '409',
  mismatch: '422',
  'missing-key': '400',
  'invalid-key': '400',
  'too-large': '413',
  threw: '500',
}

/**
 * The demo's order API as an app would write it on oncely/server: the
 * handler validates, calls the provider, and records the charge through
 * `ctx.tx`; the wrapper does the keys.
 *
 * @example
 * const shop = await createShop({ backend: { kind: 'pglite', dataDir: 'demo/.data/pglite' } })
 * const answer = await shop.orders(new Request(url, { method: 'POST', headers: { 'Idempotency-Key': '"k1"' }, body }))
 */
export async function createShop(options: ShopOptions): Promise<Shop> {
  const { store, ledger, kind, close } = await openBackend(options.backend)
  const now = () => (options.now ?? Date.now)()
  const provider = options.provider ?? (async () => undefined)
  const outcomes = new WeakMap<Request, ShopOutcome>()

  const orders = idempotent(async (request, ctx) => {
    const key = ctx.key!
    let json: unknown
    try {
      json = JSON.parse(await request.text())
    } catch {
      // Nothing happened, so nothing is remembered: the corrected request with this key is a first one.
      return ctx.forget(problemJson(problem(400, problemTypes.invalidBody, 'Body is not JSON', 'Send the order as application/json.')))
    }
    const parsed = parseOrder(json)
    if (!parsed.ok) return ctx.forget(problemJson(problem(400, problemTypes.invalidBody, 'Invalid order', parsed.errors.join('; '), { errors: parsed.errors })))
    // The provider first, the charge last: PGlite's one connection is held from the first ctx.tx query to the commit.
    await provider(parsed.order, key)
    const at = now()
    const receipt: OrderReceipt = { orderId: `ord_${randomBytes(8).toString('hex')}`, key, cartId: parsed.order.cartId, amount: parsed.order.amount, currency: parsed.order.currency, charged: true, at: new Date(at).toISOString() }
    await ledger.charge({ orderId: receipt.orderId, key, cartId: receipt.cartId, amount: receipt.amount, currency: receipt.currency, at }, ctx.tx)
    return new Response(JSON.stringify(receipt), { status: 201, headers: { 'content-type': 'application/json; charset=utf-8' } })
  }, {
    store,
    ttl: options.keyTtlMs,
    lease: options.inProgressTimeoutMs,
    now,
    maxBodyBytes: 64 * 1024,
    // Canonical JSON: the same order with its keys in another order is the same payload.
    fingerprint: ({ method, target, body }) => sha256(new TextEncoder().encode(`${method} ${target}\n${canonicalOrRaw(body)}`)),
    onOutcome: (event) => {
      const outcome = event.outcome === 'released' ? (event.status === 400 ? '400' : '500') : OUTCOMES[event.outcome]
      if (outcome) outcomes.set(event.request, outcome)
    },
  })

  return {
    kind,
    orders,
    outcomeOf: (request) => outcomes.get(request),
    ledger: async (key) => toLedgerView(await ledger.list(key)),
    charges: (key) => ledger.list(key),
    reset: () => ledger.reset(),
    close,
    store,
  }
}

function canonicalOrRaw(body: Uint8Array): string {
  const text = new TextDecoder().decode(body)
  try {
    return canonicalJson(JSON.parse(text))
  } catch {
    return text
  }
}

function problemJson(body: ReturnType<typeof problem>): Response {
  return new Response(JSON.stringify(body), { status: body.status, headers: { 'content-type': 'application/problem+json' } })
}

const KEYS_TABLE = 'oncely_keys'

async function openBackend(backend: Backend): Promise<{ store: IdempotencyStore; ledger: Ledger; kind: Shop['kind']; close(): Promise<void> }> {
  if (backend.kind === 'memory') {
    const store = memoryStore()
    const ledger = memoryLedger()
    return { store, ledger: { ...ledger, reset: async () => (store.clear(), ledger.reset()) }, kind: 'memory', close: async () => store.clear() }
  }
  if (backend.kind === 'pglite') {
    await mkdir(backend.dataDir, { recursive: true })
    const db = await PGlite.create(backend.dataDir)
    try {
      await db.exec(LEDGER_SCHEMA)
      const store = await pgliteStore(db, { table: KEYS_TABLE })
      return { store, ledger: sqlLedger((sql, params) => db.query(sql, params), KEYS_TABLE), kind: 'pglite', close: () => db.close() }
    } catch (error) {
      await db.close() // a half-opened database would keep the process alive
      throw error
    }
  }
  const pool = new pg.Pool({ connectionString: backend.url, max: 10 })
  // An idle client's connection error would otherwise be an unhandled 'error' event and kill the process.
  pool.on('error', (error) => console.error('oncely demo: idle PostgreSQL client failed:', error.message))
  try {
    await pool.query(LEDGER_SCHEMA)
    const store = await postgresStore(pool, { table: KEYS_TABLE })
    return { store, ledger: sqlLedger(async <Row,>(sql: string, params?: unknown[]) => (await pool.query(sql, params)) as unknown as { rows: Row[] }, KEYS_TABLE), kind: 'pg', close: () => pool.end() }
  } catch (error) {
    await pool.end()
    throw error
  }
}
