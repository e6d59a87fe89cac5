// The server half stays out of the client, and runs where the Fetch API does (workers, Deno, Bun):
// checked by bundling the sources for a browser platform, where a node: import would not resolve.
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const bundle = async (source: string) => {
  const out = await build({ stdin: { contents: source, resolveDir: root, loader: 'ts' }, bundle: true, write: false, format: 'esm', platform: 'browser', external: ['react'], minify: false })
  return out.outputFiles[0]!.text
}

describe('oncely/server as a bundle', () => {
  it('bundles for a browser/worker platform: no node: module in the core, stores or adapters', async () => {
    const server = await bundle(`export { idempotent, memoryStore, postgresStore, pgliteStore, redisStore, shed, toNodeHandler } from './src/server/index.ts'`)

    expect(server).toMatch(/Idempotent-Replayed/)
    expect(server).not.toMatch(/from\s*"node:/)
  })

  it('is not pulled into the client: the client bundle has none of its code', async () => {
    const client = await bundle(`import { createClient, memoryStore } from './src/index.ts'; export const api = createClient({ store: memoryStore() })`)

    expect(client).toMatch(/Idempotency-Key/)
    expect(client).not.toMatch(/ON CONFLICT|maxmemory-policy|urn:oncely:problem:idempotency-key-in-progress/)
  })
})
