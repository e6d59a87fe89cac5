import { createMemoryStore } from '../../demo/server/store/memory.js'
import { openPg } from '../../demo/server/store/pg.js'
import { createSqlStore } from '../../demo/server/store/sql.js'
import { describeStoreContract } from './store-contract.js'

// PGlite runs the same contract in pglite.test.ts, on the folder it then restarts from (one initdb, not two).
describeStoreContract('memory', async () => createMemoryStore())

// A real PostgreSQL joins when ONCELY_TEST_DATABASE_URL points at a database this
// suite may write to (it truncates its own two oncely_* tables).
const pgUrl = process.env.ONCELY_TEST_DATABASE_URL
if (pgUrl) describeStoreContract('pg', async () => createSqlStore(await openPg(pgUrl)))
