// `npm run bench` (full, ~4 min on 2 cores) or `npm run bench -- --quick` (CI smoke, < 1.5 min).
// `npm run bench -- --population`: the population benchmark alone (bench/population/, ~6 min);
// `-- --sweep`: the schedule's parameter study with the model (docs/schedule.md).
// Every figure is measured side by side in this one run; absolute times are this machine's.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { browserOverhead, type BrowserOutcome } from './browser.js'
import type { PageOptions } from './browser-page.js'
import { chart } from './chart.js'
import { chaosRun, type ChaosSettings, type ClientFigures } from './chaos.js'
import { variants } from './clients.js'
import { nodeOverhead } from './overhead.js'
import { populationBench } from './population/run.js'
import { sweep } from './population/sweep.js'
import { serverOverhead } from './server-overhead.js'
import { spawnServer } from './remote.js'
import { chaosTable, goalTable, goals, overheadTable, settingsLine, sizeTable } from './report.js'
import { sizes } from './size.js'

const quick = process.argv.includes('--quick')
// Opt-in: oncely with other retry defaults beside the real ones, to test a change of defaults.
const withVariants = process.argv.includes('--variants')
const root = fileURLToPath(new URL('..', import.meta.url))
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url))

const mode = quick
  ? {
      name: 'quick',
      ps: [0.3],
      chaos: { intents: 150, arrivalMs: 10_000, outage: { start: 4000, end: 7000 }, tailMs: 12_000, timeout: 2000, slowMs: 2500, resumeMs: 8000, seed: 5 },
      overhead: { iterations: 300, warmup: 30 },
      browser: { options: { iterations: 150, warmup: 20, stores: ['indexeddb'] } as PageOptions, budgetMs: 20_000 },
      server: { pairs: 150, warmup: 20, blocks: 2, blockMs: 500, concurrency: 8, keys: 1500, slowPairs: 20 },
      out: { json: withVariants ? 'quick-variants.json' : 'quick.json', svg: withVariants ? 'quick-variants.svg' : 'quick.svg' },
    }
  : {
      name: 'full',
      ps: [0.1, 0.3, 0.5],
      chaos: { intents: 1000, arrivalMs: 30_000, outage: { start: 10_000, end: 20_000 }, tailMs: 35_000, timeout: 2000, slowMs: 2500, resumeMs: 20_000, seed: 5 },
      overhead: { iterations: 2000, warmup: 100 },
      browser: { options: { iterations: 1000, warmup: 50, stores: ['indexeddb', 'memory'] } as PageOptions, budgetMs: 120_000 },
      server: { pairs: 2000, warmup: 200, blocks: 4, blockMs: 2000, concurrency: 8, keys: 20_000, slowPairs: 300 },
      out: { json: withVariants ? 'variants.json' : 'latest.json', svg: withVariants ? 'variants.svg' : 'chart.svg' },
    }
const chaosSettings: ChaosSettings = mode.chaos

const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` }
const machineLine = `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`
const newest = (dir: string): number =>
  Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map(e => (e.isDirectory() ? newest(`${dir}/${e.name}`) : statSync(`${dir}/${e.name}`).mtimeMs)))

/** The built package, as users get it: built if missing (or with --build), flagged if older than src/. */
function checkDist(): { builtAt: string; staleVsSrc: boolean } {
  if (process.argv.includes('--build') || !existsSync(`${root}/dist/index.js`)) {
    console.log('building dist/ (npm run build)…')
    const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
    if (built.status !== 0) throw new Error('npm run build failed')
  }
  const builtAt = statSync(`${root}/dist/index.js`).mtimeMs
  return { builtAt: new Date(builtAt).toISOString(), staleVsSrc: newest(`${root}/src`) > builtAt }
}

async function section<T>(title: string, timings: Record<string, number>, run: () => Promise<T>): Promise<T> {
  const started = Date.now()
  process.stdout.write(`\n## ${title}\n`)
  const value = await run()
  timings[title] = Date.now() - started
  return value
}

async function main(): Promise<void> {
  if (process.argv.includes('--population')) return populationBench(false)
  if (process.argv.includes('--sweep')) return sweep()
  const started = Date.now()
  const timings: Record<string, number> = {}
  const loadBefore = loadavg()
  console.log(`# oncely bench (${mode.name}) — absolute times are this machine's: ${machineLine}, load average ${loadBefore.map(n => n.toFixed(2)).join(' ')}`)
  if (loadBefore[0]! > machine.cores) console.log(`warning: load average ${loadBefore[0]!.toFixed(1)} > ${machine.cores} cores: other work shares this machine, times and timeouts will be noisy (see "answers missed")`)
  const dist = checkDist()
  if (dist.staleVsSrc) console.log(`note: dist/ (built ${dist.builtAt}) is older than src/; size and Chromium rows measure that build (run with --build to rebuild)`)

  const server = await spawnServer()
  let chaos: ClientFigures[] = []
  let overhead
  let browser: BrowserOutcome
  try {
    chaos = await section('1. Chaos run', timings, async () => {
      console.log(settingsLine(chaosSettings, mode.ps))
      const all: ClientFigures[] = []
      for (const p of mode.ps) {
        const figures = await chaosRun(server, chaosSettings, p, withVariants ? variants : [])
        console.log(`\n### p = ${p}\n`)
        console.log(chaosTable(figures))
        all.push(...figures)
      }
      console.log('\nclients:')
      for (const f of all.filter(f => f.p === mode.ps[0])) console.log(`- ${f.client}: ${f.setup}`)
      console.log('pending: oncely = IntentPendingError (then resumed once); others = gave up without knowing. "charged, not confirmed": the server charged, the app was not told.')
      console.log('"answers missed": fault-free answers that came after the client had timed out: not injected; above ~1 % of intents the machine stalled and attempts are inflated.')
      return all
    })
    overhead = await section('2. Overhead per confirmed intent (loopback, no faults, interleaved ABAB)', timings, async () => {
      const node = await nodeOverhead(server, mode.overhead.iterations, mode.overhead.warmup)
      browser = await browserOverhead(server, mode.browser.options, mode.browser.budgetMs)
      console.log(overheadTable([node, ...(browser.ok ? browser.rows : [])]))
      if (!browser.ok) console.log(`Chromium row: ${browser.reason}`)
      console.log('Node imports src/ (through tsx); Chromium runs the built dist/index.js bundled by esbuild. Bare ky sends a random key too, so the server does the same work.')
      return [node]
    })
  } finally {
    await server.close()
  }
  const bundle = await section('3. Size (esbuild, minified, browser, gzip -9)', timings, async () => {
    const rows = await sizes()
    console.log(sizeTable(rows))
    return rows
  })
  const serverHalf = await section('4. oncely/server: the handler bare and wrapped, per store (loopback, interleaved)', timings, () => serverOverhead(mode.server))
  if (quick) await section('5. A population through an outage (loopback, short; model smoke)', timings, () => populationBench(true))
  const goalRows = goals(chaos, overhead, browser!, bundle)
  console.log('\n## Goals\n')
  console.log(goalTable(goalRows))

  timings.total = Date.now() - started
  const results = {
    date: new Date().toISOString(),
    mode: mode.name,
    machine: { ...machine, loadavgBefore: loadBefore, loadavgAfter: loadavg() },
    dist,
    timingsMs: timings,
    chaos: { settings: chaosSettings, ps: mode.ps, mix: { dropAfterCommit: 0.6, dropBefore: 0.2, slow: 0.2 }, clients: chaos },
    overhead: { node: overhead, chromium: browser! },
    size: bundle,
    server: serverHalf,
    goals: goalRows,
  }
  mkdirSync(resultsDir, { recursive: true })
  // Written beside and renamed, so a crash never leaves half a file where the README points.
  const write = (name: string, body: string) => {
    writeFileSync(`${resultsDir}${name}.tmp`, body)
    renameSync(`${resultsDir}${name}.tmp`, `${resultsDir}${name}`)
  }
  write(mode.out.json, `${JSON.stringify(results, null, 2)}\n`)
  write(mode.out.svg, chart(chaos, chaosSettings.outage, `${machineLine}. Figures: bench/results/${mode.out.json}`))
  console.log(`\nwrote bench/results/${mode.out.json} and bench/results/${mode.out.svg} in ${(timings.total / 1000).toFixed(1)} s`)
}

main().catch(error => {
  console.error(error)
  process.exitCode = 1
})
