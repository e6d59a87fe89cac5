import { mkdir } from 'node:fs/promises'
import { PGlite } from '@electric-sql/pglite'
import type { Query, SqlDriver } from './sql.js'

/**
 * Embedded PostgreSQL (WASM) persisted in `dataDir`, so a restart of the demo
 * loses no keys and no charges. One process at a time may open a folder.
 *
 * @example
 * const driver = await openPglite('demo/.data/pglite')
 */
export async function openPglite(dataDir: string): Promise<SqlDriver> {
  await mkdir(dataDir, { recursive: true })
  const db = await PGlite.create(dataDir)
  const query: Query = async (sql, params = []) => (await db.query<never>(sql, params)).rows
  return {
    kind: 'pglite',
    query,
    async exec(sql) {
      await db.exec(sql)
    },
    // PGlite has one connection; transaction() holds it exclusively until COMMIT.
    transaction: (work) => db.transaction((tx) => work(async (sql, params = []) => (await tx.query<never>(sql, params)).rows)),
    close: () => db.close(),
  }
}
