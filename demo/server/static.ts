import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'

/** Content types of what a built page contains. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
}

// Shown at / until someone builds the page; the server itself works without it.
const NOT_BUILT = `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>oncely demo: page not built</title>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>The checkout page is not built yet</h1>
<p>The oncely reference server is running (try <a href="/api/ledger">/api/ledger</a>),
but <code>demo/dist/index.html</code> is missing. Run the page's build
(<code>npm run demo</code> builds it before serving), then reload.</p>
</body></html>
`

/**
 * Serves a file from `root` for GET/HEAD, `index.html` at `/`. Answers 404 for
 * anything outside `root`: `..`, encoded or not, absolute paths and symlinks
 * leading out are all refused by comparing real paths.
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, pathname: string): Promise<void> {
  const file = await resolveFile(root, pathname)
  if (!file) {
    if (pathname === '/' || pathname === '/index.html') return sendText(res, req, 404, 'text/html; charset=utf-8', NOT_BUILT)
    return sendText(res, req, 404, 'text/plain; charset=utf-8', 'Not found\n')
  }
  const type = CONTENT_TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream'
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': String(file.size),
    // The page's HTML must always be fresh so a rebuilt bundle is picked up.
    'Cache-Control': type.startsWith('text/html') ? 'no-cache' : 'public, max-age=0',
    'X-Content-Type-Options': 'nosniff',
  })
  if (req.method === 'HEAD') return void res.end()
  createReadStream(file.path)
    .on('error', () => res.destroy()) // headers are out; a broken stream can only end the connection
    .pipe(res)
}

async function resolveFile(root: string, pathname: string): Promise<{ path: string; size: number } | undefined> {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return undefined // malformed %-escape
  }
  if (decoded.includes('\0')) return undefined
  const wanted = resolve(root, `.${decoded.endsWith('/') ? `${decoded}index.html` : decoded}`)
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(wanted)])
    if (!isInside(realRoot, realFile)) return undefined
    const info = await stat(realFile)
    return info.isFile() ? { path: realFile, size: info.size } : undefined
  } catch {
    return undefined // missing file or root: a plain 404
  }
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file)
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
}

function sendText(res: ServerResponse, req: IncomingMessage, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'no-store' })
  res.end(req.method === 'HEAD' ? undefined : body)
}
