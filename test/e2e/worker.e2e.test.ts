// The built core in a real Chromium Web Worker: real IndexedDB, no window, no document. The worker
// is bundled from the built files with esbuild, as an app's bundler would, and served from a
// loopback server that is also the payment API (it charges once per key and fails its first answer).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { build as esbuild } from 'esbuild'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildInto } from '../package/build.js'

const workerSource = (dist: string) => `
import { createClient } from ${JSON.stringify(join(dist, 'index.js'))}
const api = createClient({ prefixUrl: self.location.origin, retry: { delay: 1 } })
const events = []
api.subscribe(event => events.push(event.type))
try {
  const response = await api.post('orders', { json: { cart: 'c1' }, intent: 'checkout:c1' })
  const record = await api.intents.get('checkout:c1')
  postMessage({ status: response.status, body: await response.json(), state: record.state, key: record.key, events,
    store: (await indexedDB.databases()).map(db => db.name), hasWindow: typeof window !== 'undefined', hasDocument: typeof document !== 'undefined' })
} catch (error) {
  postMessage({ error: String(error), events })
}
`

let built: Awaited<ReturnType<typeof buildInto>>
let server: Server
let browser: Browser
let origin: string
const charged = new Map<string, number>()
const seen: string[] = []

beforeAll(async () => {
  built = await buildInto({ dts: false })
  const bundled = await esbuild({
    stdin: { contents: workerSource(built.dist), resolveDir: built.dir, loader: 'js' },
    bundle: true, write: false, format: 'esm', platform: 'browser',
  })
  const workerJs = bundled.outputFiles[0]!.text
  server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' })
      return res.end(`<script type="module">
        const worker = new Worker('/worker.js', { type: 'module' })
        window.result = new Promise(resolve => worker.onmessage = event => resolve(event.data))
      </script>`)
    }
    if (req.url === '/worker.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' })
      return res.end(workerJs)
    }
    if (req.url === '/orders' && req.method === 'POST') {
      const key = String(req.headers['idempotency-key']).replace(/"/g, '')
      seen.push(key)
      const first = !charged.has(key)
      if (first) charged.set(key, 1)
      // The first answer fails after the charge (a dropped socket would be retried by Chromium's
      // own network stack, out of oncely's sight): the client must retry with the same key.
      if (first) return res.writeHead(500).end()
      res.writeHead(201, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ orderId: 'ord_1' }))
    }
    res.writeHead(404).end()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
})

afterAll(async () => {
  await browser?.close()
  await new Promise(resolve => server?.close(resolve))
  await built?.remove()
})

describe('in a Web Worker', () => {
  it('keeps one key on IndexedDB through a failed answer, and charges once', async () => {
    const page = await browser.newPage()
    await page.goto(origin)
    const result = await page.evaluate(() => (window as unknown as { result: Promise<unknown> }).result)
    expect(result).toMatchObject({ status: 201, body: { orderId: 'ord_1' }, state: 'confirmed', store: ['oncely'], hasWindow: false, hasDocument: false })
    expect((result as { events: string[] }).events).toEqual(['created', 'attempt', 'retry-scheduled', 'attempt', 'confirmed'])
    expect(seen).toEqual([(result as { key: string }).key, (result as { key: string }).key])
    expect([...charged.values()]).toEqual([1])
    await page.close()
  })
})
