// The same wrapped handler behind Node's http, Express and Hono, over real loopback HTTP.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { idempotent, memoryStore, toNodeHandler } from '../../src/server/index.js'

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

async function listen(server: Server): Promise<string> {
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function orders() {
  let effects = 0
  const handler = idempotent(async (request) => Response.json({ orderId: ++effects, got: await request.json() }, { status: 201, headers: { 'set-cookie': 'a=1' } }), { store: memoryStore() })
  return { handler, effects: () => effects }
}

const post = (url: string, key: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) })

describe('adapters', () => {
  it('serves from node:http: first answer, then the replay, one effect', async () => {
    const { handler, effects } = orders()
    const url = await listen(createServer(toNodeHandler(handler)))

    const first = await post(`${url}/orders`, '"k1"', { amount: 5 })
    const replay = await post(`${url}/orders`, 'k1', { amount: 5 })

    expect(first.status).toBe(201)
    expect(first.headers.get('set-cookie')).toBe('a=1')
    expect(first.headers.get('content-length')).toBe(String((await first.clone().arrayBuffer()).byteLength))
    expect(await replay.text()).toBe(await first.text())
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(effects()).toBe(1)
  })

  it('serves as an Express route, and hands a thrown error to next()', async () => {
    const { handler, effects } = orders()
    const app = express()
    const seen: unknown[] = []
    app.post('/orders', toNodeHandler(handler))
    app.post('/boom', toNodeHandler(async () => {
      throw new Error('boom')
    }))
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      seen.push(error)
      res.status(500).json({ handled: true })
    })
    const url = await listen(createServer(app))

    const first = await post(`${url}/orders`, '"k2"', { amount: 7 })
    const replay = await post(`${url}/orders`, '"k2"', { amount: 7 })
    const boom = await post(`${url}/boom`, '"k3"', {})

    expect(first.status).toBe(201)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(effects()).toBe(1)
    expect(boom.status).toBe(500)
    expect(seen).toHaveLength(1)
  })

  it('refuses with RequestBodyError when express.json() consumed the body first', async () => {
    const { handler } = orders()
    const app = express()
    const seen: unknown[] = []
    app.post('/orders', express.json(), toNodeHandler(handler))
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      seen.push(error)
      res.status(500).end()
    })
    const url = await listen(createServer(app))

    await post(`${url}/orders`, '"k4"', { amount: 1 })

    expect(seen[0]).toMatchObject({ name: 'RequestBodyError' })
  })

  it('runs unchanged as a Hono route (Fetch API in, Fetch API out)', async () => {
    const { handler, effects } = orders()
    const app = new Hono()
    app.post('/orders', (c) => handler(c.req.raw))

    const request = () => new Request('http://hono.test/orders', { method: 'POST', headers: { 'idempotency-key': '"k5"' }, body: '{"amount":3}' })
    const first = await app.fetch(request())
    const replay = await app.fetch(request())

    expect(first.status).toBe(201)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(effects()).toBe(1)
  })
})
