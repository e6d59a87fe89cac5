import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildInto, root } from './build.js'

const run = promisify(execFile)
const fixture = (name: string) => join(root, 'test', 'package', 'fixtures', name)
let built: Awaited<ReturnType<typeof buildInto>>

// The built files, as users receive them (types not needed here, so the build takes well under a second).
beforeAll(async () => {
  built = await buildInto({ dts: false })
})
afterAll(() => built?.remove())

describe('runtimes', () => {
  it('runs the core and oncely/react-native with no window, document, indexedDB, localStorage, navigator or AbortSignal.timeout/any', async () => {
    const { stdout } = await run(process.execPath, [fixture('no-dom.mjs'), built.dist])
    const seen = JSON.parse(stdout)
    expect(seen).toMatchObject({ status: 201, body: { orderId: 'ord_1' }, state: 'confirmed', attempts: 3, charges: [1], plainStatus: 201 })
    // The first attempt timed out (ky's per-attempt timeout, retried without AbortSignal.any).
    expect(seen.events).toEqual(['created', 'attempt', 'retry:timeout', 'attempt', 'retry:network error', 'attempt', 'confirmed'])
  })

  it('runs the React Native setup without structuredClone and TextDecoder, as on Hermes', async () => {
    const { stdout } = await run(process.execPath, [fixture('no-dom.mjs'), built.dist, '--hermes'])
    expect(JSON.parse(stdout)).toMatchObject({ status: 201, body: { orderId: 'ord_1' }, state: 'confirmed', attempts: 3, charges: [1] })
  })

  // Fails until the core's memoryStore stops relying on structuredClone (reported); then make it `it`.
  it('falls back to the memory store without structuredClone, as on Hermes', async () => {
    const { stdout } = await run(process.execPath, [fixture('no-dom.mjs'), built.dist, '--hermes'])
    expect(JSON.parse(stdout).plainStatus).toBe(201)
  })

  it('runs in a worker thread on IndexedDB, with no window or document', async () => {
    const worker = new Worker(fixture('worker.mjs'), { workerData: { dist: built.dist } })
    const seen = await new Promise((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    await worker.terminate()
    expect(seen).toEqual({ status: 201, state: 'confirmed', attempts: 2, charges: 2, degraded: [], hasWindow: false, hasDocument: false })
  })
})
