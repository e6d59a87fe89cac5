import { describe, expect, it, vi } from 'vitest'
import type { PaymentProvider } from '../../demo/server/shop.js'
import { getJson, order, postJson, postOrder, postOrderOrDrop, serve } from './support/demo.js'

describe('the ledger and the request log', () => {
  it('lists charges in order with total, and filters by key in either header form', async () => {
    const server = await serve()
    await postOrder(server.url, '"k-1"')
    await postOrder(server.url, '"k-2"', order({ amount: 40 }))
    await postOrder(server.url, '"k-1"')

    const all = await getJson(server.url, '/api/ledger')
    const one = await getJson(server.url, `/api/ledger?key=${encodeURIComponent('"k-2"')}`)

    expect(all.total).toBe(2)
    expect(all.charges.map((c: { key: string }) => c.key)).toEqual(['k-1', 'k-2'])
    expect(all.charges[0]).toEqual({ key: 'k-1', orderId: expect.stringMatching(/^ord_/), amount: 25, currency: 'EUR', at: expect.any(String) })
    expect(one).toMatchObject({ total: 1, charges: [{ key: 'k-2', amount: 40 }] })
  })

  it('counts every attempt server-side, with its outcome', async () => {
    const server = await serve()
    await postOrder(server.url, '"k-1"')
    await postOrder(server.url, '"k-1"')
    await postOrder(server.url, '"k-1"', order({ amount: 1 }))
    await postOrder(server.url, null)

    const log = await getJson(server.url, '/api/requests')

    expect(log.total).toBe(4)
    expect(log.requests.map((r: { key: string | null; outcome: string; status: number }) => [r.key, r.outcome, r.status])).toEqual([
      ['k-1', 'charged', 201],
      ['k-1', 'replayed', 201],
      ['k-1', '422', 422],
      [null, '400', 400],
    ])
    expect(log.requests.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3, 4])
    expect((await getJson(server.url, '/api/requests?key=k-1')).total).toBe(3)
  })

  it('reset forgets charges, keys, attempts and chaos', async () => {
    const server = await serve()
    await postOrder(server.url, '"k-1"')
    await postJson(server.url, '/api/chaos', { mode: '503-burst' })

    const reset = await postJson(server.url, '/api/reset', {})

    expect(reset.status).toBe(200)
    expect((await getJson(server.url, '/api/ledger')).total).toBe(0)
    expect((await getJson(server.url, '/api/requests')).total).toBe(0)
    expect((await getJson(server.url, '/api/chaos')).mode).toBe('off')
    const again = await postOrder(server.url, '"k-1"', order({ amount: 99 }))
    expect(again.status).toBe(201) // the key is new again, so another payload is no 422
  })

  it('reports its store on /api/health', async () => {
    const server = await serve()

    expect(await getJson(server.url, '/api/health')).toEqual({ ok: true, store: 'memory' })
  })
})

describe('HTTP edges', () => {
  it('answers the CORS preflight, allowing Idempotency-Key and exposing Idempotent-Replayed', async () => {
    const server = await serve()

    const preflight = await fetch(`${server.url}/api/orders`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'idempotency-key,content-type' },
    })
    const answer = await postOrder(server.url, '"k"')

    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Idempotency-Key/)
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Content-Type/)
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/)
    expect(answer.headers.get('access-control-expose-headers')).toMatch(/Idempotent-Replayed/)
    expect(answer.headers.get('access-control-expose-headers')).toMatch(/Retry-After/)
  })

  it('answers unknown API routes 404 and wrong methods 405, as problem+json', async () => {
    const server = await serve()

    const missing = await fetch(`${server.url}/api/nope`)
    const wrong = await fetch(`${server.url}/api/orders`)

    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('POST, OPTIONS')
  })

  it('refuses a body over 64 KiB with 413', async () => {
    const server = await serve()

    const answer = await postOrder(server.url, '"big"', order({ cartId: 'x'.repeat(70_000) }))

    expect(answer.status).toBe(413)
    expect((await getJson(server.url, '/api/ledger')).total).toBe(0)
  })

  it('turns a failure inside the server into a 500 problem without a stack trace, and frees the key', async () => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    let calls = 0
    const provider: PaymentProvider = async () => {
      if (++calls === 1) throw new Error('card network unreachable')
    }
    const server = await serve({ provider })

    const failed = await postOrder(server.url, '"k"')
    const retry = await postOrder(server.url, '"k"')

    expect(failed.status).toBe(500)
    expect(failed.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(JSON.stringify(failed.body)).not.toMatch(/card network|at .*\.ts/)
    expect(reported).toHaveBeenCalledOnce()
    expect(retry.status).toBe(201) // nothing was committed, so the same key starts over
    expect((await getJson(server.url, '/api/ledger')).total).toBe(1)
    reported.mockRestore()
  })

  it('binds to 127.0.0.1 by default and closes keep-alive sockets at once', async () => {
    const server = await serve()
    await fetch(`${server.url}/api/health`) // leaves an idle keep-alive socket behind

    const started = performance.now()
    await server.close()

    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(performance.now() - started).toBeLessThan(500)
  })
})

describe('the log', () => {
  it('logs orders with their outcome, chaos switches and resets, and not the page’s polls', async () => {
    const lines: string[] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
    try {
      const server = await serve({ log: true })
      await postJson(server.url, '/api/chaos', { mode: 'drop-after-commit' })
      await postOrderOrDrop(server.url, '"logged-key"')
      await postOrder(server.url, '"logged-key"')
      for (const path of ['/api/ledger', '/api/requests', '/api/chaos', '/api/health']) await getJson(server.url, path)
      await postJson(server.url, '/api/reset', {})

      expect(lines).toHaveLength(4)
      expect(lines[0]).toMatch(/^chaos drop-after-commit \{"count":1/)
      expect(lines[1]).toMatch(/^POST \/api\/orders dropped dropped-after-commit key=logged-key chaos=drop-after-commit shop=charged /)
      expect(lines[2]).toMatch(/^POST \/api\/orders 201 replayed key=logged-key /)
      expect(lines[3]).toMatch(/^POST \/api\/reset 200 /)
    } finally {
      spy.mockRestore()
    }
  })
})

describe('starting', () => {
  it('rejects when the port is taken, without leaving the store open', async () => {
    const first = await serve()

    await expect(serve({ port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' })
  })
})
