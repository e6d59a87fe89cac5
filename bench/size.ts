import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

export interface SizeFigure {
  name: string
  /** What was bundled, in words. */
  what: string
  minBytes: number
  gzipBytes: number
}

const root = fileURLToPath(new URL('..', import.meta.url))
const oncelyDeps = ['ky', 'uuid', 'idb-keyval']

/** Bundles `contents` (an ES module) for the browser, minified, and gzips it at level 9. */
async function measure(name: string, what: string, contents: string, external: string[]): Promise<SizeFigure> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js', sourcefile: `${name}.js` },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external,
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]!.contents
  return { name, what, minBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength }
}

/** The built entries (dist/), as users install them, next to ky and axios bundled the same way. */
export async function sizes(): Promise<SizeFigure[]> {
  const dist = (file: string) => `./dist/${file}`
  const entry = (file: string) => `export * from ${JSON.stringify(dist(file))}`
  const out: SizeFigure[] = [
    await measure('oncely', 'dist/index.js + ky, uuid, idb-keyval', entry('index.js'), []),
    await measure('oncely (own code)', 'dist/index.js, dependencies external', entry('index.js'), oncelyDeps),
  ]
  for (const sub of ['react', 'react-native']) {
    if (!existsSync(`${root}/dist/${sub}.js`)) continue
    out.push(await measure(`oncely/${sub}`, `dist/${sub}.js + deps, react external`, entry(`${sub}.js`), ['react', 'react-native']))
    out.push(await measure(`oncely/${sub} (own code)`, `dist/${sub}.js, deps and react external`, entry(`${sub}.js`), [...oncelyDeps, 'react', 'react-native']))
  }
  out.push(await measure('ky', "export { default } from 'ky'", "export { default } from 'ky'", []))
  out.push(await measure('axios', "export { default } from 'axios'", "export { default } from 'axios'", []))
  return out
}
