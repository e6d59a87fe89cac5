import { createSqlStore, type SqlDriver, type SqlQuery, type SqlStore, type SqlStoreOptions } from './sql.js'

/** The part of a `pg` client this store uses. */
export interface PgClientLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>
  release(error?: Error | boolean): void
}

/** The part of a `pg.Pool` this store uses; the app owns the pool (and ends it). */
export interface PgPoolLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>
  connect(): Promise<PgClientLike>
}

/**
 * Keys in PostgreSQL through the app's `pg` pool. The handler's `ctx.tx`
 * runs on one pooled connection in `BEGIN … COMMIT`, together with the key's
 * completion: the effect and the stored answer commit together or not at all.
 *
 * @example
 * import pg from 'pg'
 * const store = await postgresStore(new pg.Pool({ connectionString: process.env.DATABASE_URL }))
 */
export function postgresStore(pool: PgPoolLike, options: SqlStoreOptions = {}): Promise<SqlStore> {
  return createSqlStore(pgDriver(pool), options)
}

/**
 * `pg` behind the SQL store's driver interface.
 *
 * @example
 * const driver = pgDriver(pool)
 */
export function pgDriver(pool: PgPoolLike): SqlDriver {
  const query: SqlQuery = async (sql, params) => pool.query(sql, params)
  return {
    kind: 'postgres',
    query,
    async begin() {
      const client = await pool.connect()
      let done = false
      const finish = async (statement: 'COMMIT' | 'ROLLBACK') => {
        if (done) return
        done = true
        try {
          await client.query(statement)
          client.release()
        } catch (error) {
          // A connection that cannot even end its transaction is unusable: the pool drops it.
          client.release(error instanceof Error ? error : true)
          throw error
        }
      }
      try {
        await client.query('BEGIN')
      } catch (error) {
        client.release(error instanceof Error ? error : true)
        throw error
      }
      return { query: async (sql, params) => client.query(sql, params), commit: () => finish('COMMIT'), rollback: () => finish('ROLLBACK') }
    },
  }
}
