import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Chaos, ChaosAction } from './chaos.js'
import type { IdempotencyEngine } from './idempotency.js'
import { parseIdempotencyKey } from './key.js'
import { problem, problemTypes } from './problem.js'
import type { RequestEntry, RequestLog, RequestOutcome } from './request-log.js'
import { BodyTooLargeError, readBody, send, sendProblem } from './respond.js'
import type { Sleeper } from './sleep.js'

/** What the orders route needs from the server around it. */
export interface OrdersContext {
  engine: IdempotencyEngine
  chaos: Chaos
  requests: RequestLog
  sleeper: Sleeper
  /** Reports an unexpected failure (to stderr); the client only gets a problem+json 500. */
  onError(error: unknown): void
}

/**
 * `POST /api/orders`: chaos first (it decides whether the engine runs at all
 * and whether its answer arrives), then the idempotency engine. Every attempt
 * lands in the request log, so tests and the page can count them server-side.
 */
export async function handleOrder(req: IncomingMessage, res: ServerResponse, context: OrdersContext): Promise<RequestEntry> {
  const { engine, chaos, requests } = context
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

  let body: string
  try {
    body = await readBody(req)
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error
    sendProblem(res, problem(413, problemTypes.bodyTooLarge, 'Request body too large', error.message), { Connection: 'close' })
    return record('413', 413)
  }

  if (action.kind === 'reject') {
    // Read the body first so the keep-alive connection stays usable, but do not act on it.
    const title = action.status === 503 ? 'Service unavailable (chaos)' : 'Too many requests (chaos)'
    sendProblem(res, problem(action.status, problemTypes.chaos, title, `Injected by the chaos panel. Retry after ${action.retryAfter} s with the same key.`), {
      'Retry-After': String(action.retryAfter),
    })
    return record(String(action.status) as '503' | '429', action.status)
  }

  let result
  try {
    result = await engine.handle({ keyHeader, body })
  } catch (error) {
    context.onError(error)
    sendProblem(res, problem(500, problemTypes.internal, 'Internal error', 'Retrying with the same key is safe.'))
    return record('500', 500)
  }

  if (action.kind === 'drop-after-commit') {
    // The charge is committed and its response stored, but the client never hears: only a retry with the same key is safe.
    req.socket.destroy()
    return record('dropped-after-commit', null, { engine: result.outcome })
  }
  if (action.kind === 'slow') {
    // Committed already; the answer arrives after the client's timeout has given up on it.
    await context.sleeper.sleep(action.delayMs)
  }
  send(res, result.status, result.contentType, result.body, result.headers)
  return record(result.outcome, result.status, action.kind === 'slow' ? { engine: result.outcome } : {})
}

/** One header as a string; repeated headers are joined the way Node joins unknown ones. */
function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}
