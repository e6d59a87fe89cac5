// Checks the package as users receive it: built with its own config, packed with npm, then linted
// (publint, attw), bundled for a browser, and used by the README snippets. One build with types,
// so this file takes ~10-20 s; everything shares that build.
import { execFile } from 'node:child_process'
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { build as esbuild } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildInto, root } from './build.js'

const run = promisify(execFile)
const bin = (name: string) => join(root, 'node_modules', '.bin', name)
let built: Awaited<ReturnType<typeof buildInto>>
let tarball: string
let app: string

beforeAll(async () => {
  built = await buildInto({ dts: true })
  const pkg = join(built.dir, 'package')
  await mkdir(pkg)
  for (const file of ['package.json', 'README.md', 'CHANGELOG.md']) await copyFile(join(root, file), join(pkg, file))
  await run('cp', ['-R', built.dist, join(pkg, 'dist')])
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', built.dir], { cwd: pkg })
  tarball = join(built.dir, stdout.trim().split('\n').at(-1)!)
  // An app with the tarball installed: node_modules/oncely is exactly what npm would unpack.
  app = join(built.dir, 'app')
  await mkdir(join(app, 'node_modules', 'oncely'), { recursive: true })
  // Its own package.json, so `oncely` resolves to the tarball, not to this repo by self-reference.
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }))
  await run('tar', ['-xzf', tarball, '-C', join(app, 'node_modules', 'oncely'), '--strip-components=1'])
}, 60_000)
afterAll(() => built?.remove())

describe('the packed package', () => {
  it('ships dist, README, CHANGELOG and package.json only', async () => {
    const files = await readdir(join(app, 'node_modules', 'oncely'))
    expect(files.sort()).toEqual(['CHANGELOG.md', 'README.md', 'dist', 'package.json'])
  })

  it('passes publint --strict', async () => {
    const { stdout } = await run(bin('publint'), ['run', tarball, '--strict'])
    expect(stdout).toMatch(/All good!/)
  })

  // ESM only (`type: module`, no `require` condition): the esm-only profile leaves out the CommonJS
  // resolutions (node10, node16-cjs), which an ESM-only package cannot satisfy by design.
  it('passes @arethetypeswrong/cli for every ESM resolution', async () => {
    // attw exits non-zero on any problem in the resolutions it checks; its table is in the failure.
    const { stdout } = await run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'table-flipped', '--no-color'])
    expect(stdout).toMatch(/ignoring resolutions: 'node10', 'node16-cjs'/)
  })

  it('keeps React Native and React code out of a browser bundle that imports oncely', async () => {
    const bundle = async (source: string) => {
      const out = await esbuild({
        stdin: { contents: source, resolveDir: app, loader: 'js' },
        bundle: true, write: false, minify: true, format: 'esm', platform: 'browser', external: ['react'],
        // The package says `sideEffects: false`; nothing here overrides that.
      })
      return out.outputFiles[0]!.text
    }
    // Strings only oncely/react-native has (idb-keyval's own `getAllKeys` is IndexedDB's, so not a mark).
    const nativeMarks = /multiGet|isInternetReachable|asyncstorage/
    const core = await bundle(`import { createClient, memoryStore } from 'oncely'; export const api = createClient({ store: memoryStore() })`)
    expect(core).toMatch(/Idempotency-Key/)
    expect(core).not.toMatch(nativeMarks)
    expect(core).not.toMatch(/from\s*"react"/)
    // The same probe finds them when they are imported, so their absence above means something.
    expect(await bundle(`export { asyncStorageStore, netInfoOnlineSource } from 'oncely/react-native'`)).toMatch(nativeMarks)
    const react = await bundle(`export { useIntent } from 'oncely/react'`)
    expect(react).toMatch(/from\s*"react"/)
    expect(react).not.toMatch(nativeMarks)
  })

  it('typechecks the React and React Native snippets of the docs against it', async () => {
    const snippets = join(app, 'snippets')
    await mkdir(snippets)
    for (const file of await readdir(join(root, 'docs', 'snippets'))) await copyFile(join(root, 'docs', 'snippets', file), join(snippets, file))
    await writeFile(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        jsx: 'react-jsx', strict: true, noEmit: true, skipLibCheck: false, types: [],
        // React's types come from the repository, as an app's own would from its node_modules.
        typeRoots: [join(root, 'node_modules', '@types')], paths: { react: [join(root, 'node_modules', '@types', 'react')], 'react/jsx-runtime': [join(root, 'node_modules', '@types', 'react', 'jsx-runtime')] },
      },
      include: ['snippets'],
    }))
    const result = await run(bin('tsc'), ['-p', app]).catch(error => error)
    expect(result.stdout ?? '').toBe('')
  })
})
