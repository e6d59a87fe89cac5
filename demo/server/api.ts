import type { IncomingMessage, ServerResponse } from 'node:http'
import { ChaosSettingsError, dropsConnections } from './chaos.js'
import { parseIdempotencyKey } from '../../src/server/index.js'
import { handleOrder, type OrdersContext } from './orders.js'
import { problem, problemTypes } from './problem.js'
import type { RequestEntry } from './request-log.js'
import { CORS_HEADERS, readBody, send, sendJson, sendProblem } from './respond.js'

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<RequestEntry | void>

/**
 * Routes `/api/*`:
 *
 * | route                 | answer                                                        |
 * | --------------------- | ------------------------------------------------------------- |
 * | `POST /api/orders`    | the idempotent order endpoint (orders.ts)                      |
 * | `GET /api/ledger`     | `{ total, charges }`, `?key=` for one key                      |
 * | `GET /api/requests`   | every order attempt and its outcome, `?key=` for one key       |
 * | `GET/POST /api/chaos` | the chaos config; POST `{ mode, probability?, count?, … }`     |
 * | `POST /api/reset`     | forget ledger, keys, request log and chaos (tests, demo)       |
 * | `GET /api/health`     | `{ ok, store }`, to wait for a server to be up                 |
 *
 * Resolves to the request-log entry when the request was an order attempt.
 */
export function createApi(context: OrdersContext): Handler {
  const { shop, chaos, requests } = context
  const routes: Record<string, Partial<Record<string, Handler>>> = {
    '/api/orders': { POST: (req, res) => handleOrder(req, res, context) },
    '/api/ledger': { GET: async (_req, res, url) => sendJson(res, 200, await shop.ledger(keyParam(url))) },
    '/api/requests': { GET: async (_req, res, url) => sendJson(res, 200, requests.list(keyParam(url))) },
    '/api/chaos': {
      GET: async (_req, res) => sendJson(res, 200, chaos.get()),
      POST: async (req, res) => {
        const config = chaos.set(await readJson(req))
        // This socket is busy, so arming did not close it: close it after answering (see dropsConnections).
        sendJson(res, 200, config, dropsConnections(config.mode) ? { Connection: 'close' } : {})
      },
    },
    '/api/reset': {
      POST: async (_req, res) => {
        chaos.reset()
        requests.clear()
        await shop.reset()
        sendJson(res, 200, { ok: true })
      },
    },
    '/api/health': { GET: async (_req, res) => sendJson(res, 200, { ok: true, store: shop.kind }) },
  }

  return async (req, res, url) => {
    const route = routes[url.pathname]
    if (!route) return sendProblem(res, problem(404, problemTypes.notFound, 'No such API route', `${url.pathname} is not part of this server.`))
    // The browser's preflight for a cross-origin POST with Idempotency-Key.
    if (req.method === 'OPTIONS') return send(res, 204, 'text/plain', '', CORS_HEADERS as Record<string, string>)
    const handler = route[req.method ?? '']
    const allow = Object.keys(route).join(', ')
    if (!handler) return sendProblem(res, problem(405, problemTypes.methodNotAllowed, 'Method not allowed', `Use ${allow}.`), { Allow: `${allow}, OPTIONS` })
    try {
      return await handler(req, res, url)
    } catch (error) {
      if (error instanceof ChaosSettingsError) {
        return sendProblem(res, problem(400, problemTypes.invalidBody, 'Invalid chaos settings', error.errors.join('; '), { errors: error.errors }))
      }
      if (error instanceof SyntaxError) return sendProblem(res, problem(400, problemTypes.invalidBody, 'Body is not JSON', error.message))
      context.onError(error)
      sendProblem(res, problem(500, problemTypes.internal, 'Internal error'))
    }
  }
}

/** `?key=` in either header form, quoted or bare, names the same key. */
function keyParam(url: URL): string | undefined {
  const raw = url.searchParams.get('key')
  if (raw === null) return undefined
  const parsed = parseIdempotencyKey(raw)
  return parsed.ok ? parsed.key : raw
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  return JSON.parse(await readBody(req)) as unknown
}
