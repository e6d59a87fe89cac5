import type { IncomingMessage, ServerResponse } from 'node:http'
import { PROBLEM_CONTENT_TYPE, type Problem } from './problem.js'

/**
 * CORS for `/api/*`, so a page served from another origin (a dev server, the
 * Playwright fixture) can call this server through the SDK:
 * - `Idempotency-Key` is not a CORS-safelisted request header, and a JSON
 *   `Content-Type` is not either: both must be allowed or the preflight fails.
 * - `Idempotent-Replayed` and `Retry-After` are not safelisted response headers:
 *   unless exposed, a client SDK cannot see that an answer was a replay, nor how
 *   long the server asked it to wait.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Idempotency-Key, Content-Type',
  'Access-Control-Expose-Headers': 'Idempotent-Replayed, Retry-After',
  'Access-Control-Max-Age': '600',
}

/** Largest request body read; an order is a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024

/** Writes a complete response. API answers are never cached: they are live state. */
export function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return // the client is gone (or chaos took the socket): nobody to answer
  res.writeHead(status, {
    ...CORS_HEADERS,
    'Content-Type': `${contentType}; charset=utf-8`,
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    ...headers,
  })
  res.end(body)
}

/** Sends a value as JSON. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, 'application/json', JSON.stringify(value), headers)
}

/** Sends an RFC 9457 problem; its `status` is the HTTP status. */
export function sendProblem(res: ServerResponse, body: Problem, headers: Record<string, string> = {}): void {
  send(res, body.status, PROBLEM_CONTENT_TYPE, JSON.stringify(body), headers)
}

/** The body was larger than {@link MAX_BODY_BYTES}. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError'
  constructor(readonly limit: number) {
    super(`Request body exceeds ${limit} bytes`)
  }
}

/** Reads the whole body as UTF-8, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new BodyTooLargeError(limit)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}
