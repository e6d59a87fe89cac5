import pg from 'pg'
import type { Query, SqlDriver } from './sql.js'

/**
 * A real PostgreSQL reached through a `pg` pool, chosen when `DATABASE_URL` is
 * set. Same SQL as the embedded database.
 *
 * @example
 * const driver = await openPg('postgres://oncely@127.0.0.1:5432/oncely')
 */
export async function openPg(connectionString: string): Promise<SqlDriver> {
  const pool = new pg.Pool({ connectionString, max: 10 })
  // An idle client's connection error would otherwise be an unhandled 'error' event and kill the process.
  pool.on('error', (error) => console.error('oncely demo: idle PostgreSQL client failed:', error.message))
  // Fail at start, not on the first payment, if the database is unreachable.
  await pool.query('SELECT 1')
  const query: Query = async (sql, params = []) => (await pool.query(sql, params)).rows
  return {
    kind: 'pg',
    query,
    async exec(sql) {
      await pool.query(sql)
    },
    async transaction(work) {
      const client = await pool.connect()
      let broken: Error | undefined
      try {
        await client.query('BEGIN')
        const result = await work(async (sql, params = []) => (await client.query(sql, params)).rows)
        await client.query('COMMIT')
        return result
      } catch (error) {
        // If even ROLLBACK fails the connection is unusable: hand the error to release() so the pool drops it.
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError))
        throw error
      } finally {
        client.release(broken)
      }
    },
    close: () => pool.end(),
  }
}
