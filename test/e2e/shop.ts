/**
 * The shared fixture of the end-to-end tests: a fresh reference server per test (its own PGlite
 * folder, a free port), one Chromium per file, and a small driver for the checkout page.
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { buildDemo, DEMO_DIST, ensureLibraryBuilt } from '../../demo/build.js'
import { startServer, type RunningServer } from '../../demo/server/server.js'
import { launchChromium } from './browser.js'

/** How long a step of a scenario may take before the test says which step hung. */
export const STEP_MS = 20_000

export interface Ledger {
  total: number
  charges: Array<{ key: string; orderId: string; amount: number; currency: string; at: string }>
}

export interface ServerRequest {
  seq: number
  key: string | null
  outcome: string
  status: number | null
  engine?: string
  at: string
}

/** One reference server, restartable on the same port and data folder. */
export class Demo {
  private constructor(private server: RunningServer, readonly dataDir: string) {}

  /**
   * A fresh server on a free port. `durable` puts it on PGlite in a fresh temp folder (what
   * `npm run demo` runs, and what a restart needs); otherwise the in-process store, because
   * opening PGlite costs seconds per test on a busy two-core machine.
   */
  static async start(options: { durable?: boolean } = {}): Promise<Demo> {
    const dataDir = options.durable ? await mkdtemp(join(tmpdir(), 'oncely-e2e-')) : 'memory'
    return new Demo(await startServer({ port: 0, dataDir, staticDir: DEMO_DIST }), dataDir)
  }

  get url(): string {
    return this.server.url
  }

  /** Stops the process's server and starts a new one where it was: same port, same database. */
  async restart(): Promise<void> {
    if (this.dataDir === 'memory') throw new Error('A restart needs a durable server: Demo.start({ durable: true }).')
    const { port } = this.server
    await this.server.close()
    this.server = await startServer({ port, dataDir: this.dataDir, staticDir: DEMO_DIST })
  }

  async close(): Promise<void> {
    await this.server.close()
    if (this.dataDir !== 'memory') await rm(this.dataDir, { recursive: true, force: true })
  }

  chaos(settings: { mode: string; count?: number | null; retryAfter?: number; delayMs?: number; probability?: number }): Promise<unknown> {
    return this.call('POST', '/api/chaos', settings)
  }

  ledger(key?: string): Promise<Ledger> {
    return this.call('GET', `/api/ledger${key ? `?key=${encodeURIComponent(key)}` : ''}`) as Promise<Ledger>
  }

  async requests(key?: string): Promise<ServerRequest[]> {
    const log = (await this.call('GET', `/api/requests${key ? `?key=${encodeURIComponent(key)}` : ''}`)) as { requests: ServerRequest[] }
    return log.requests
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(this.url + path, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    })
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`)
    return response.json()
  }
}

export interface OpenOptions {
  pace?: 'fast'
}

/** The checkout page in one tab. */
export class Shop {
  /** Uncaught errors of the page: a test ends by checking there were none. */
  readonly errors: string[] = []

  constructor(readonly page: Page) {
    page.on('pageerror', error => this.errors.push(error.message))
  }

  /**
   * A new tab on the shop. `pace: 'fast'` is the page's documented `?pace=fast`: a Pay gives up
   * after about 2 s instead of 30 s, so an outage longer than a call's budget takes seconds.
   */
  static async open(context: BrowserContext, demo: Demo, options: OpenOptions = {}): Promise<Shop> {
    const shop = new Shop(await context.newPage())
    await shop.page.goto(options.pace === 'fast' ? `${demo.url}/?pace=fast` : demo.url)
    await shop.ready()
    return shop
  }

  /** Waits until the page has read its intent from IndexedDB and decided what to show. */
  async ready(): Promise<void> {
    await this.page.locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: STEP_MS })
  }

  async reload(): Promise<void> {
    await this.page.reload()
    await this.ready()
  }

  pay(): Promise<void> {
    return this.page.locator('#pay').click({ timeout: STEP_MS })
  }

  /** Waits for the "Thank you" step, and returns its order id. */
  async confirmed(): Promise<string> {
    await this.page.locator('#confirmation-view').waitFor({ state: 'visible', timeout: STEP_MS })
    await this.page.locator('#intent-state[data-state="confirmed"]').waitFor({ timeout: STEP_MS })
    return (await this.page.locator('#order-id').textContent()) ?? ''
  }

  async key(): Promise<string> {
    return (await this.page.locator('#intent-key').getAttribute('data-key')) ?? ''
  }

  async intent(): Promise<string> {
    return (await this.page.locator('#intent-name').textContent()) ?? ''
  }

  async attempts(): Promise<number> {
    return Number(await this.page.locator('#intent-attempts').textContent())
  }

  async notice(): Promise<{ kind: string; text: string }> {
    const notice = this.page.locator('#notice')
    return { kind: (await notice.getAttribute('data-kind')) ?? '', text: (await notice.textContent()) ?? '' }
  }

  async waitForNotice(kind: string, timeout = STEP_MS): Promise<void> {
    await this.page.locator(`#notice[data-kind="${kind}"]`).waitFor({ timeout })
  }

  /** What the primary button says ("Pay ₹60,000", "Check payment status"…). */
  async button(): Promise<string> {
    return (await this.page.locator('#pay-label').textContent()) ?? ''
  }

  /** The attempts timeline as the shopper reads it: one title per line. */
  timeline(): Promise<string[]> {
    return this.page.locator('#timeline .entry').evaluateAll(entries => entries.map(entry => (entry as HTMLElement).dataset.title ?? ''))
  }

  /** What the page's ledger panel says ("charges for this key"), once it says `count`. */
  async ledgerShows(count: number): Promise<void> {
    await this.page.locator(`#ledger-key[data-count="${count}"]`).waitFor({ timeout: STEP_MS })
  }

  /**
   * Saves the page for the README into docs/screenshots/ when the file is missing or
   * UPDATE_SCREENSHOTS=1, so an ordinary `npm test` leaves the working tree clean.
   */
  async screenshot(name: string): Promise<void> {
    const path = join(SCREENSHOTS, `${name}.png`)
    if (existsSync(path) && process.env.UPDATE_SCREENSHOTS !== '1') return
    await mkdir(SCREENSHOTS, { recursive: true })
    await this.page.screenshot({ path, fullPage: true, animations: 'disabled', caret: 'hide' })
  }
}

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))

/** Polls `read` until `ok` holds; a step that never gets there fails with the last value seen. */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeout = STEP_MS): Promise<T> {
  const end = Date.now() + timeout
  let last: T
  do {
    last = await read()
    if (ok(last)) return last
    await new Promise(resolve => setTimeout(resolve, 100))
  } while (Date.now() < end)
  throw new Error(`Timed out after ${timeout} ms waiting for ${what}; last saw ${JSON.stringify(last)}`)
}

/**
 * Registers the hooks of one e2e file: the library and page built once, one Chromium, and per
 * test a fresh server and a fresh browser context (its own IndexedDB and localStorage).
 */
export function useShop(options: { serviceWorkers?: 'allow' | 'block' } = {}) {
  let browser: Browser | undefined
  let demo: Demo | undefined
  let context: BrowserContext | undefined
  const shops: Shop[] = []

  beforeAll(async () => {
    ensureLibraryBuilt()
    await buildDemo()
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })
  beforeEach(async () => {
    demo = await Demo.start()
    // Service workers only where a test is about them: the demo's worker also finishes pending
    // payments, and its tries would blur what a test of the page alone counts.
    context = await browser!.newContext({ viewport: { width: 1360, height: 940 }, serviceWorkers: options.serviceWorkers ?? 'block' })
  })
  afterEach(async () => {
    const errors = shops.flatMap(shop => shop.errors)
    shops.length = 0
    await context?.close()
    await demo?.close()
    if (errors.length > 0) throw new Error(`The page threw: ${errors.join('; ')}`)
  })

  return {
    get demo(): Demo {
      return demo!
    },
    /** Swaps this test's server for a durable (PGlite) one, before any tab is open. */
    async durable(): Promise<Demo> {
      await demo?.close()
      demo = await Demo.start({ durable: true })
      return demo
    },
    get context(): BrowserContext {
      return context!
    },
    /** Opens the shop in a new tab of this test's context. */
    async open(openOptions?: OpenOptions): Promise<Shop> {
      const shop = await Shop.open(context!, demo!, openOptions)
      shops.push(shop)
      return shop
    },
  }
}
