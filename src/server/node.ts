import { RequestBodyError } from './errors.js'
import { PROBLEM_CONTENT_TYPE } from './problem.js'

/** The part of Node's `IncomingMessage` (or Express's `Request`) the adapter reads. */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  method?: string
  url?: string
  headers: Record<string, string | string[] | undefined>
  /** A TLS socket has `encrypted: true`. */
  socket?: unknown
  /** Set by Express body parsers; used only when they already consumed the stream. */
  body?: unknown
  readableEnded?: boolean
}

/** The part of Node's `ServerResponse` the adapter writes. */
export interface NodeResponseLike {
  readonly headersSent: boolean
  readonly destroyed?: boolean
  writeHead(status: number, headers: Record<string, string | string[]>): unknown
  write(chunk: Uint8Array): boolean
  end(chunk?: Uint8Array): unknown
  once(event: 'drain' | 'close', listener: () => void): unknown
}

/** Options of {@link toNodeHandler}. */
export interface NodeHandlerOptions {
  /** Hears a handler that threw (without Express's `next`); default `console.error`. The client gets a bare 500 problem. */
  onError?: (error: unknown) => void
}

/**
 * Serves a Fetch API handler from Node's `http` server, or as an Express
 * handler (errors go to `next`). Thin: the request becomes a `Request`, the
 * `Response` is written back as it is.
 *
 * Mount it before any body parser, or after `express.raw({ type: '*\/*' })`:
 * the fingerprint needs the body's bytes as sent.
 *
 * @example
 * http.createServer(toNodeHandler(idempotent(pay, { store }))).listen(3000)
 * app.post('/orders', toNodeHandler(idempotent(pay, { store })))
 */
export function toNodeHandler(handler: (request: Request) => Promise<Response> | Response, options: NodeHandlerOptions = {}) {
  return (req: NodeRequestLike, res: NodeResponseLike, next?: (error?: unknown) => void): void => {
    void (async () => {
      const response = await handler(await toRequest(req))
      await writeResponse(res, response)
    })().catch((error: unknown) => {
      if (next) return next(error)
      ;(options.onError ?? ((e: unknown) => console.error('oncely/server: handler failed:', e)))(error)
      if (res.headersSent || res.destroyed) return
      const body = new TextEncoder().encode(JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500 }))
      res.writeHead(500, { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': String(body.length) })
      res.end(body)
    })
  }
}

/**
 * A Node request as a Fetch API `Request` (body read in full).
 *
 * @example
 * const request = await toRequest(req)
 */
export async function toRequest(req: NodeRequestLike): Promise<Request> {
  const method = (req.method ?? 'GET').toUpperCase()
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue // HTTP/2 pseudo-headers are not headers
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one)
  }
  const protocol = (req.socket as { encrypted?: boolean } | null | undefined)?.encrypted ? 'https' : 'http'
  const url = new URL(req.url ?? '/', `${protocol}://${headers.get('host') ?? 'localhost'}`)
  const hasBody = method !== 'GET' && method !== 'HEAD'
  return new Request(url, { method, headers, ...(hasBody ? { body: (await readBody(req)) as Uint8Array<ArrayBuffer> } : {}) })
}

async function readBody(req: NodeRequestLike): Promise<Uint8Array> {
  if (req.readableEnded) {
    // A body parser got there first: only raw bytes are the request as sent.
    if (req.body instanceof Uint8Array) return req.body
    if (typeof req.body === 'string') return new TextEncoder().encode(req.body)
    throw new RequestBodyError('The request body was already parsed (express.json()?): mount toNodeHandler before body parsers, or after express.raw({ type: "*/*" })')
  }
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of req) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk
    chunks.push(bytes)
    size += bytes.length
  }
  const body = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    body.set(chunk, at)
    at += chunk.length
  }
  return body
}

/**
 * Writes a Fetch API `Response` to a Node response, streaming its body.
 *
 * @example
 * await writeResponse(res, new Response('ok'))
 */
export async function writeResponse(res: NodeResponseLike, response: Response): Promise<void> {
  if (res.destroyed) return
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  if (!response.body) {
    res.writeHead(response.status, headers)
    return void res.end()
  }
  const reader = response.body.getReader()
  const first = await reader.read()
  const second = first.done ? first : await reader.read()
  // The common case, a body in one chunk, goes out with Content-Length in one write.
  if (second.done) {
    const body = first.value ?? new Uint8Array()
    res.writeHead(response.status, { ...headers, 'content-length': String(body.length) })
    return void res.end(body)
  }
  res.writeHead(response.status, headers)
  const send = async (chunk: Uint8Array) => {
    // Respect backpressure: wait for the socket to drain (or close) before the next chunk.
    if (!res.write(chunk)) await new Promise<void>((resolve) => {
      res.once('drain', resolve)
      res.once('close', resolve)
    })
  }
  await send(first.value!)
  await send(second.value)
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    if (res.destroyed) return void (await reader.cancel())
    await send(value)
  }
  res.end()
}
