import { createMemoryStore } from './memory.js'
import { openPg } from './pg.js'
import { openPglite } from './pglite.js'
import { createSqlStore } from './sql.js'
import type { IdempotencyStore } from './store.js'

/**
 * Picks the backend: a PostgreSQL URL wins, then `'memory'`, else PGlite in
 * the given folder. The drivers are imported statically: both are small, and
 * a missing one should fail at start, not on the first order.
 *
 * @example
 * const store = await openStore({ databaseUrl: process.env.DATABASE_URL, dataDir: 'demo/.data/pglite' })
 */
export async function openStore(options: { databaseUrl?: string | undefined; dataDir: string }): Promise<IdempotencyStore> {
  if (options.dataDir === 'memory' && !options.databaseUrl) return createMemoryStore()
  const driver = options.databaseUrl ? await openPg(options.databaseUrl) : await openPglite(options.dataDir)
  try {
    return await createSqlStore(driver)
  } catch (error) {
    await driver.close() // a half-opened database would keep the process alive
    throw error
  }
}
