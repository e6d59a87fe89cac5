import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { createApi } from './api.js'
import { createChaos, dropsConnections, type Chaos, type ChaosConfig } from './chaos.js'
import { problem, problemTypes } from './problem.js'
import { createRequestLog, type RequestEntry, type RequestLog } from './request-log.js'
import { sendProblem } from './respond.js'
import { createSleeper } from './sleep.js'
import { serveStatic } from './static.js'
import { createShop, type PaymentProvider, type Shop } from './shop.js'

/** Options of {@link startServer}; every one has a default fit for tests. */
export interface ServerOptions {
  /** 0 (default) picks a free port. */
  port?: number
  /** Default `127.0.0.1`: the demo is never reachable from another machine. */
  host?: string
  /** PGlite data folder (default `demo/.data/pglite`), or `'memory'` for the in-process store. */
  dataDir?: string | 'memory'
  /** A PostgreSQL URL; wins over `dataDir`. */
  databaseUrl?: string
  /** Folder of the built page (default `demo/dist`). */
  staticDir?: string
  /** How long keys are remembered; default 24 h. */
  keyTtlMs?: number
  /** Randomness of the `random` chaos mode; seed it to make a test exact. */
  random?: () => number
  /** The engine's clock (epoch ms), for expiry tests. */
  now?: () => number
  /** The simulated payment provider call between claim and commit (see shop.ts). */
  provider?: PaymentProvider
  /** After how long an uncommitted claim is considered abandoned; default 60 s. */
  inProgressTimeoutMs?: number
  /** Log what matters on stdout (orders, chaos, resets; not the page's polls); default false. */
  log?: boolean
}

/** A running server, as {@link startServer} returns it. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string
  port: number
  /** Ends open sockets at once (keep-alive included), cuts slow answers short, then closes the database. */
  close(): Promise<void>
  chaos: Chaos
  /** The order app on oncely/server: `engine.ledger()`, `engine.kind`. */
  engine: Shop
  requests: RequestLog
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))
/** Defaults relative to this file, so the working directory does not matter. */
export const DEFAULT_DATA_DIR = here('../.data/pglite')
export const DEFAULT_STATIC_DIR = here('../dist')

/**
 * Starts the reference server in this process.
 *
 * @example
 * const server = await startServer({ dataDir: 'memory' })
 * await fetch(`${server.url}/api/orders`, { method: 'POST', headers: { 'Idempotency-Key': '"k1"' }, body })
 * await server.close()
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  const staticDir = options.staticDir ?? DEFAULT_STATIC_DIR
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR
  const backend = options.databaseUrl ? { kind: 'postgres' as const, url: options.databaseUrl } : dataDir === 'memory' ? { kind: 'memory' as const } : { kind: 'pglite' as const, dataDir }
  const shop = await createShop({ backend, keyTtlMs: options.keyTtlMs, now: options.now, provider: options.provider, inProgressTimeoutMs: options.inProgressTimeoutMs })
  // Arming a drop mode closes idle keep-alive sockets, so the next order cannot arrive on one (see chaos.ts).
  const onChange = (config: ChaosConfig) => {
    if (dropsConnections(config.mode)) server.closeIdleConnections()
    if (options.log) console.log(`chaos ${config.mode === 'off' ? 'off' : `${config.mode} ${JSON.stringify({ count: config.count, probability: config.probability, retryAfter: config.retryAfter, delayMs: config.delayMs })}`}`)
  }
  const chaos = createChaos({ random: options.random, onChange })
  const requests = createRequestLog({ now: options.now })
  const sleeper = createSleeper()
  const onError = (error: unknown) => console.error('oncely demo: request failed:', error)
  const api = createApi({ shop, chaos, requests, sleeper, onError })

  // Resolves to the request-log entry for order attempts, for the log line.
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<RequestEntry | void> {
    const url = parseUrl(req.url)
    if (!url) return sendProblem(res, problem(400, problemTypes.badRequest, 'Malformed request target'))
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return api(req, res, url)
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendProblem(res, problem(405, problemTypes.methodNotAllowed, 'Method not allowed', 'Static files answer GET and HEAD.'), { Allow: 'GET, HEAD' })
    }
    return serveStatic(req, res, staticDir, url.pathname)
  }

  // Handlers still running when close() is called: the database must outlive them.
  const inflight = new Set<Promise<void>>()
  const server = createServer((req, res) => {
    const started = performance.now()
    if (dropsConnections(chaos.get().mode)) res.setHeader('Connection', 'close') // one request per connection: see chaos.ts
    const work = handle(req, res)
      .then(
        (entry) => {
          if (options.log) logLine(req, res, started, entry)
        },
        (error: unknown) => {
          onError(error)
          sendProblem(res, problem(500, problemTypes.internal, 'Internal error'))
        },
      )
      .finally(() => inflight.delete(work))
    inflight.add(work)
  })

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, host, () => resolve())
    })
  } catch (error) {
    await shop.close() // an open PGlite would keep the process alive after EADDRINUSE
    throw error
  }
  const { port } = server.address() as AddressInfo

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      sleeper.wakeAll()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections() // keep-alive sockets would otherwise hold close() for seconds
      await closed
      await Promise.allSettled([...inflight])
      await shop.close()
    })())

  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, close, chaos, engine: shop, requests }
}

/** The request target as a URL; `//x` stays a path, never a host. */
function parseUrl(target = '/'): URL | undefined {
  try {
    return new URL(target.startsWith('/') ? `http://localhost${target}` : target)
  } catch {
    return undefined
  }
}

/**
 * The page polls ledger, requests, chaos and health every second: those GETs are not worth a line.
 * Chaos changes get their own line (with the settings) from the chaos switch.
 */
export function worthLogging(method: string | undefined, url: string | undefined): boolean {
  const path = (url ?? '').split('?')[0]!
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && path.startsWith('/api/') && path !== '/api/chaos'
}

function logLine(req: IncomingMessage, res: ServerResponse, started: number, entry: RequestEntry | void): void {
  if (!worthLogging(req.method, req.url)) return
  const ms = (performance.now() - started).toFixed(1)
  const status = res.headersSent ? String(res.statusCode) : 'dropped'
  // Outcomes such as "422" would only repeat the status.
  const outcome = entry && entry.outcome !== String(entry.status) ? ` ${entry.outcome}` : ''
  const detail = entry ? `${outcome} key=${entry.key ?? '-'}${entry.chaos ? ` chaos=${entry.chaos}` : ''}${entry.engine ? ` shop=${entry.engine}` : ''}` : ''
  console.log(`${req.method} ${req.url} ${status}${detail} ${ms}ms`)
}
