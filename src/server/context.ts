import { TransactionUnsupportedError } from './errors.js'
import type { IdempotencyStore, StoreTransaction } from './store/types.js'

/** A query in the handler's transaction: the same call shape as `pg` and PGlite. */
export interface Transaction {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>
}

/** What the wrapped handler gets besides the request. */
export interface IdempotencyContext {
  /** The client's key, parsed (sf-string or bare), or `undefined` when a keyless request passed through. */
  readonly key: string | undefined
  /**
   * The store's transaction, begun on first use. Everything run through it
   * commits together with the key's completion and the stored response, or
   * not at all (Postgres and PGlite stores; others throw `TransactionUnsupportedError`).
   */
  readonly tx: Transaction
  /**
   * Answers without remembering the key: nothing happened (e.g. the input was
   * invalid before any effect), so a corrected retry with the same key is a
   * first request. The transaction, if any, is rolled back.
   */
  forget(response: Response): Response
}

/** The wrapper's side of a context: what the handler started and asked. */
export interface ContextHandle {
  context: IdempotencyContext
  /** The transaction, if the handler used one (awaited: it may still be opening). */
  transaction(): Promise<StoreTransaction | undefined>
  isForgotten(response: Response): boolean
}

/**
 * Builds a handler's context over a store.
 *
 * @example
 * const { context, transaction } = createContext(store, '0190…')
 */
export function createContext(store: IdempotencyStore, key: string | undefined): ContextHandle {
  let opening: Promise<StoreTransaction> | undefined
  const forgotten = new WeakSet<Response>()
  const open = (): Promise<StoreTransaction> => {
    if (!store.transaction) return Promise.reject(new TransactionUnsupportedError(store.kind))
    return (opening ??= store.transaction())
  }
  const context: IdempotencyContext = {
    key,
    tx: { query: async (sql, params) => (await open()).query(sql, params) },
    forget(response) {
      forgotten.add(response)
      return response
    },
  }
  return {
    context,
    // A transaction that failed to open is no transaction: the handler saw that error already.
    transaction: async () => (opening ? opening.catch(() => undefined) : undefined),
    isForgotten: (response) => forgotten.has(response),
  }
}
