/**
 * `npm run demo`: starts the reference server and prints its URL.
 *
 * Environment: `PORT` (4173), `HOST` (127.0.0.1), `DATABASE_URL` (use a real
 * PostgreSQL), `DATA_DIR` (PGlite folder, or `memory`; default demo/.data/pglite),
 * `STATIC_DIR` (default demo/dist), `PROCESSING_MS` (simulated payment provider
 * latency, default 0), `LOG=0` to silence the per-request log.
 */
import { startServer } from './server.js'

const port = Number(process.env.PORT ?? 4173)
const processingMs = Number(process.env.PROCESSING_MS ?? 0)
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, got ${process.env.PORT}`)
if (!Number.isFinite(processingMs) || processingMs < 0) throw new Error(`PROCESSING_MS must be ≥ 0, got ${process.env.PROCESSING_MS}`)

const server = await startServer({
  port,
  host: process.env.HOST || '127.0.0.1',
  databaseUrl: process.env.DATABASE_URL || undefined,
  dataDir: process.env.DATA_DIR || undefined,
  staticDir: process.env.STATIC_DIR || undefined,
  // A visible "in progress" window makes the 409 path reachable by hand in the demo.
  provider: processingMs > 0 ? () => new Promise((resolve) => setTimeout(resolve, processingMs)) : undefined,
  log: process.env.LOG !== '0',
})
// The first line is exactly "oncely demo: <url>": scripts wait for it.
console.log(`oncely demo: ${server.url}`)
console.log(`oncely demo: store ${server.engine.kind}${server.engine.kind === 'pglite' ? ` in ${process.env.DATA_DIR || 'demo/.data/pglite'}` : ''}`)

// Close the database cleanly on Ctrl-C, so PGlite's files are left consistent.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('oncely demo: shutdown failed:', error)
        process.exit(1)
      },
    )
  })
}
