import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'tsup'
import config from '../../tsup.config.js'

export const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Builds the package with its own tsup config into a fresh folder under node_modules/.cache, never
 * into the shared `dist/` (the demo and e2e tests read it meanwhile). Inside node_modules so the
 * built files resolve `ky`, `uuid` and `idb-keyval` as an installed package would.
 */
export async function buildInto(options: { dts: boolean }): Promise<{ dir: string; dist: string; remove(): Promise<void> }> {
  const cache = join(root, 'node_modules', '.cache')
  await import('node:fs/promises').then(fs => fs.mkdir(cache, { recursive: true }))
  const dir = await mkdtemp(join(cache, 'oncely-build-'))
  const dist = join(dir, 'dist')
  const base = Array.isArray(config) ? config[0] : config
  await build({ ...(base as object), outDir: dist, dts: options.dts, silent: true, config: false })
  return { dir, dist, remove: () => rm(dir, { recursive: true, force: true }) }
}
