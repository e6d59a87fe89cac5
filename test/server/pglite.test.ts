import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { getJson, postOrder, serve } from './support/demo.js'

const dataDir = await mkdtemp(join(tmpdir(), 'oncely-pglite-'))

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

describe('the demo on PGlite across a restart', () => {
  it('keeps the ledger and still replays a known key after the server restarts on the same folder', async () => {
    const before = await serve({ dataDir })
    const first = await postOrder(before.url, '"restart-key"')
    await before.close()

    const after = await serve({ dataDir })
    const ledger = await getJson(after.url, '/api/ledger')
    const retry = await postOrder(after.url, '"restart-key"')

    expect(await getJson(after.url, '/api/health')).toEqual({ ok: true, store: 'pglite' })
    expect(ledger.total).toBe(1)
    expect(ledger.charges[0].orderId).toBe(first.body.orderId)
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(retry.body).toEqual(first.body)
    expect((await getJson(after.url, '/api/ledger')).total).toBe(1)
  }, 30_000)
})
