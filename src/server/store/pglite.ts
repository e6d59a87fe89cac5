import { createSqlStore, type SqlDriver, type SqlQuery, type SqlStore, type SqlStoreOptions } from './sql.js'

/** The part of a PGlite instance this store uses; the app owns it (and closes it). */
export interface PGliteLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>
  transaction<T>(callback: (tx: { query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>; rollback(): Promise<void> }) => Promise<T>): Promise<T>
}

/**
 * Keys in PGlite, the embedded (WASM) PostgreSQL: the default for a single
 * process that wants a real database and nothing to install. Same SQL and
 * guarantees as `postgresStore`; one process per data folder.
 *
 * @example
 * import { PGlite } from '@electric-sql/pglite'
 * const store = await pgliteStore(await PGlite.create('.data/pglite'))
 */
export function pgliteStore(db: PGliteLike, options: SqlStoreOptions = {}): Promise<SqlStore> {
  return createSqlStore(pgliteDriver(db), options)
}

/**
 * PGlite behind the SQL store's driver interface. PGlite has one connection and
 * runs a transaction through a callback; `begin` holds that callback open until
 * commit or rollback, so other queries wait for it (they would otherwise land
 * inside it).
 *
 * @example
 * const driver = pgliteDriver(db)
 */
export function pgliteDriver(db: PGliteLike): SqlDriver {
  const query: SqlQuery = async (sql, params) => db.query(sql, params)
  return {
    kind: 'pglite',
    query,
    begin() {
      return new Promise((resolveBegin, rejectBegin) => {
        let end!: (commit: boolean) => void
        const ending = new Promise<boolean>((resolve) => (end = resolve))
        let settle!: { resolve: () => void; reject: (error: unknown) => void }
        const settled = new Promise<void>((resolve, reject) => (settle = { resolve, reject }))
        // Awaited by commit/rollback; marked handled here so a failed begin is not also an unhandled rejection.
        void settled.catch(() => undefined)
        const Rollback = class extends Error {}
        db.transaction(async (tx) => {
          resolveBegin({
            query: async (sql, params) => tx.query(sql, params),
            commit: async () => {
              end(true)
              await settled
            },
            rollback: async () => {
              end(false)
              await settled
            },
          })
          // Throwing is how PGlite's callback rolls back.
          if (!(await ending)) throw new Rollback()
        }).then(
          () => settle.resolve(),
          (error: unknown) => {
            if (error instanceof Rollback) settle.resolve()
            else {
              settle.reject(error)
              rejectBegin(error)
            }
          },
        )
      })
    },
  }
}
