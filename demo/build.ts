/**
 * Builds the demo page into `demo/dist/` (index.html, app.js, sw.js, styles.css).
 *
 * The page imports `oncely` by its package name, and the package's own `exports` map resolves
 * that to `dist/`: the demo runs the library as users receive it, never `src/` directly.
 * `npm run demo` builds the library first; the e2e tests call {@link ensureLibraryBuilt}.
 */
import { execFileSync } from 'node:child_process'
import { copyFile, mkdir } from 'node:fs/promises'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const pageDir = join(root, 'demo/page')
export const DEMO_DIST = join(root, 'demo/dist')

/**
 * Bundles the page (`app.js`) and its service worker (`sw.js`, a classic script: module workers
 * are not everywhere yet). Throws if a bundle took oncely from anywhere but the package's `dist/`.
 *
 * @example
 * await buildDemo() // → demo/dist/index.html, app.js, sw.js, styles.css
 */
export async function buildDemo(outdir: string = DEMO_DIST): Promise<{ outdir: string }> {
  if (!existsSync(join(root, 'dist/index.js'))) {
    throw new Error('oncely is not built (dist/index.js is missing): run `npm run build` first, or `npm run demo`, which does both.')
  }
  await mkdir(outdir, { recursive: true })
  await Promise.all([
    bundle(join(pageDir, 'main.ts'), join(outdir, 'app.js'), 'esm', ['dist/index.js']),
    // Served from the root, so its scope covers the page.
    bundle(join(pageDir, 'sw.ts'), join(outdir, 'sw.js'), 'iife', ['dist/index.js', 'dist/service-worker.js']),
    ...['index.html', 'styles.css'].map(file => copyFile(join(pageDir, file), join(outdir, file))),
  ])
  return { outdir }
}

async function bundle(entry: string, outfile: string, format: 'esm' | 'iife', expected: string[]): Promise<void> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    format,
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    // Our own settings instead of tsconfig.json's: any `paths` there are for the type checker, and
    // following them could alias `oncely` into src/.
    tsconfigRaw: { compilerOptions: { target: 'ES2022', verbatimModuleSyntax: true } },
  })
  const inputs = Object.keys(result.metafile.inputs)
  if (expected.some(input => !inputs.includes(input)) || inputs.some(input => input.startsWith('src/'))) {
    throw new Error(`demo/build.ts: ${relative(root, entry)} must import oncely from the package's dist/, but the bundle read: ${inputs.filter(i => !i.startsWith('demo/')).join(', ')}`)
  }
}

/**
 * Runs `npm run build` when `dist/index.js` is missing or older than any file in `src/`, so the
 * e2e tests never run the page against a stale library. A fresh build costs nothing.
 */
export function ensureLibraryBuilt(): void {
  const built = join(root, 'dist/index.js')
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0
  const stale = newestMtime(join(root, 'src')) > builtAt || statSync(join(root, 'tsup.config.ts')).mtimeMs > builtAt
  if (!stale) return
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { outdir } = await buildDemo()
  console.log(`demo page built in ${relative(process.cwd(), outdir) || '.'}`)
}
