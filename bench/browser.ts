import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { PageOptions, PageResult } from './browser-page.js'
import { defaultMix } from './faults.js'
import { summarise, type OverheadFigures } from './overhead.js'
import type { RemoteServer } from './remote.js'

const root = fileURLToPath(new URL('..', import.meta.url))
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** The Chromium rows, or why they are missing. */
export type BrowserOutcome = { ok: true; version: string; rows: OverheadFigures[]; ms: number } | { ok: false; reason: string }

/** The page script: the built package (dist/index.js) as an app would bundle it, plus the loop. */
async function pageBundle(): Promise<string> {
  const result = await build({
    stdin: {
      contents: [
        "import * as oncely from './dist/index.js'",
        "import ky from 'ky'",
        "import { runPage } from './bench/browser-page.ts'",
        'globalThis.runOverhead = options => runPage({ oncely, ky }, options)',
      ].join('\n'),
      resolveDir: root,
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

/**
 * Bare ky against oncely in Debian's Chromium (IndexedDB, the default store), same loopback server.
 * Never throws: a missing browser or a run past `budgetMs` becomes a skipped row with its reason.
 */
export async function browserOverhead(server: RemoteServer, options: PageOptions, budgetMs: number): Promise<BrowserOutcome> {
  if (!existsSync(chromiumPath)) return { ok: false, reason: `no Chromium at ${chromiumPath} (set CHROMIUM_PATH)` }
  if (!existsSync(`${root}/dist/index.js`)) return { ok: false, reason: 'dist/index.js missing (npm run build)' }
  const started = Date.now()
  const { chromium } = await import('playwright-core')
  await server.configure({ plan: { seed: 1, p: 0, mix: defaultMix }, t0: Date.now(), outage: null, slowMs: 0 })
  await server.setFiles({
    '/page.html': { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>oncely bench</title><script type="module" src="/page.js"></script>' },
    '/page.js': { type: 'text/javascript', body: await pageBundle() },
  })
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  let timer: NodeJS.Timeout | undefined
  try {
    const page = await browser.newPage()
    await page.goto(`${server.url}/page.html`)
    await page.waitForFunction(() => 'runOverhead' in globalThis)
    const isolated = await page.evaluate(() => globalThis.crossOriginIsolated)
    const run = page.evaluate(
      opts => (globalThis as unknown as { runOverhead(o: PageOptions): Promise<PageResult[]> }).runOverhead(opts),
      options,
    )
    const left = Math.max(1000, budgetMs - (Date.now() - started))
    const over = new Promise<'over'>(resolve => (timer = setTimeout(() => resolve('over'), left)))
    const results = await Promise.race([run, over])
    if (results === 'over') return { ok: false, reason: `skipped: over its ${Math.round(budgetMs / 1000)} s budget` }
    const version = `chromium ${browser.version()}${isolated ? '' : ' (timer resolution 0.1 ms: not cross-origin isolated)'}`
    const rows = results.map(result => {
      const store = result.degraded > 0 ? `${result.store} (degraded ${result.degraded}x!)` : result.store
      return summarise(version, store, result.paired, result.counts)
    })
    return { ok: true, version, rows, ms: Date.now() - started }
  } catch (error) {
    return { ok: false, reason: `failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` }
  } finally {
    clearTimeout(timer)
    await browser.close()
  }
}
