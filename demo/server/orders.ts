import type { IncomingMessage, ServerResponse } from 'node:http'
import { parseIdempotencyKey, toRequest, writeResponse } from '../../src/server/index.js'
import type { Chaos, ChaosAction } from './chaos.js'
import { problem, problemTypes } from './problem.js'
import type { RequestEntry, RequestLog, RequestOutcome } from './request-log.js'
import { CORS_HEADERS, sendProblem } from './respond.js'
import type { Shop } from './shop.js'
import type { Sleeper } from './sleep.js'

/** What the orders route needs from the server around it. */
export interface OrdersContext {
  shop: Shop
  chaos: Chaos
  requests: RequestLog
  sleeper: Sleeper
  /** Reports an unexpected failure (to stderr); the client only gets a problem+json 500. */
  onError(error: unknown): void
}

/**
 * `POST /api/orders`: chaos first (it decides whether the shop runs at all and
 * whether its answer arrives), then the shop's handler, wrapped by
 * oncely/server. Every attempt lands in the request log, so tests and the page
 * can count them server-side.
 */
export async function handleOrder(req: IncomingMessage, res: ServerResponse, context: OrdersContext): Promise<RequestEntry> {
  const { shop, chaos, requests } = context
  const keyHeader = headerValue(req, 'idempotency-key')
  const parsedKey = parseIdempotencyKey(keyHeader)
  const key = parsedKey.ok ? parsedKey.key : (keyHeader ?? null)
  const mode = chaos.get().mode
  const action: ChaosAction = chaos.next()
  const record = (outcome: RequestOutcome, status: number | null, extra: Partial<RequestEntry> = {}) =>
    requests.add({ key, outcome, status, ...(action.kind === 'none' ? {} : { chaos: mode }), ...extra })

  if (action.kind === 'drop-before') {
    // The request dies before we read it: nothing was charged, the client sees a network error.
    req.socket.destroy()
    return record('dropped-before', null)
  }

  if (action.kind === 'reject') {
    // Read the body first so the keep-alive connection stays usable, but do not act on it.
    for await (const chunk of req) void chunk // drained, not kept
    const title = action.status === 503 ? 'Service unavailable (chaos)' : 'Too many requests (chaos)'
    sendProblem(res, problem(action.status, problemTypes.chaos, title, `Injected by the chaos panel. Retry after ${action.retryAfter} s with the same key.`), {
      'Retry-After': String(action.retryAfter),
    })
    return record(String(action.status) as '503' | '429', action.status)
  }

  const request = await toRequest(req)
  let response: Response
  try {
    response = await shop.orders(request)
  } catch (error) {
    // oncely/server released the key (nothing was committed): the retry with the same key starts over.
    context.onError(error)
    sendProblem(res, problem(500, problemTypes.internal, 'Internal error', 'Retrying with the same key is safe.'))
    return record('500', 500)
  }
  const outcome = shop.outcomeOf(request) ?? '500'

  if (action.kind === 'drop-after-commit') {
    // The charge is committed and its answer stored, but the client never hears: only a retry with the same key is safe.
    req.socket.destroy()
    return record('dropped-after-commit', null, { engine: outcome })
  }
  if (action.kind === 'slow') {
    // Committed already; the answer arrives after the client's timeout has given up on it.
    await context.sleeper.sleep(action.delayMs)
  }
  for (const [name, value] of Object.entries(CORS_HEADERS)) response.headers.set(name, value)
  response.headers.set('Cache-Control', 'no-store')
  await writeResponse(res, response)
  return record(outcome, response.status, action.kind === 'slow' ? { engine: outcome } : {})
}

/** One header as a string; repeated headers are joined the way Node joins unknown ones. */
function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}
