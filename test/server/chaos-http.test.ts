import { Agent, get } from 'node:http'
import type { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { getJson, heldProvider, order, postJson, postOrder, postOrderOrDrop, seeded, serve } from './support/demo.js'

const KEY = '0190b6e4-0000-7000-8000-00000000c4a0'

describe('chaos on POST /api/orders', () => {
  it('drop-after-commit commits the charge, destroys the socket, and the retry with the same key gets the stored response', async () => {
    const server = await serve()
    await postJson(server.url, '/api/chaos', { mode: 'drop-after-commit' })

    const first = await postOrderOrDrop(server.url, `"${KEY}"`)
    const ledgerAfterDrop = await getJson(server.url, '/api/ledger')
    const retry = await postOrder(server.url, `"${KEY}"`)

    expect(first).toBe('network-error')
    expect(ledgerAfterDrop.total).toBe(1) // the trap: the server did act
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(retry.body.orderId).toBe(ledgerAfterDrop.charges[0].orderId)
    expect((await getJson(server.url, '/api/ledger')).total).toBe(1)
    const { requests } = await getJson(server.url, `/api/requests?key=${KEY}`)
    expect(requests.map((r: { outcome: string }) => r.outcome)).toEqual(['dropped-after-commit', 'replayed'])
    expect(requests[0]).toMatchObject({ status: null, engine: 'charged', chaos: 'drop-after-commit' })
  })

  it('drop-before destroys the socket without charging, so the retry is the first charge', async () => {
    const server = await serve()
    await postJson(server.url, '/api/chaos', { mode: 'drop-before' })

    const first = await postOrderOrDrop(server.url, `"${KEY}"`)
    const ledgerAfterDrop = await getJson(server.url, '/api/ledger')
    const retry = await postOrder(server.url, `"${KEY}"`)

    expect(first).toBe('network-error')
    expect(ledgerAfterDrop.total).toBe(0)
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBeNull()
    const { requests } = await getJson(server.url, '/api/requests')
    expect(requests.map((r: { outcome: string }) => r.outcome)).toEqual(['dropped-before', 'charged'])
  })

  it.each([
    { mode: '503-burst', status: 503 },
    { mode: '429', status: 429 },
  ])('$mode answers $status with Retry-After for `count` requests without acting, then lets requests through', async ({ mode, status }) => {
    const server = await serve()
    await postJson(server.url, '/api/chaos', { mode, count: 2, retryAfter: 3 })

    const refused = [await postOrder(server.url, `"${KEY}"`), await postOrder(server.url, `"${KEY}"`)]
    const ledgerDuringBurst = await getJson(server.url, '/api/ledger')
    const through = await postOrder(server.url, `"${KEY}"`)

    for (const answer of refused) {
      expect(answer.status).toBe(status)
      expect(answer.headers.get('retry-after')).toBe('3')
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    }
    expect(ledgerDuringBurst.total).toBe(0)
    expect(through.status).toBe(201)
    expect(through.headers.get('idempotent-replayed')).toBeNull() // the burst never touched the key
    expect((await getJson(server.url, '/api/chaos')).mode).toBe('off')
  })

  it('slow commits first and answers late, so a client that timed out finds the order on retry', async () => {
    const server = await serve()
    await postJson(server.url, '/api/chaos', { mode: 'slow', delayMs: 200 })

    const impatient = await fetch(`${server.url}/api/orders`, {
      method: 'POST',
      headers: { 'idempotency-key': `"${KEY}"`, 'content-type': 'application/json' },
      body: JSON.stringify(order()),
      signal: AbortSignal.timeout(50),
    }).catch((error: Error) => error.name)
    const retry = await postOrder(server.url, `"${KEY}"`)

    expect(impatient).toBe('TimeoutError')
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect((await getJson(server.url, '/api/ledger')).total).toBe(1)
  })

  it('close() does not wait for a slow answer', async () => {
    const held = heldProvider()
    held.open()
    const server = await serve({ provider: held.provider })
    await postJson(server.url, '/api/chaos', { mode: 'slow', delayMs: 60_000 })
    const pending = postOrderOrDrop(server.url, `"${KEY}"`)
    await held.entered

    const started = performance.now()
    await server.close()

    expect(performance.now() - started).toBeLessThan(1_000)
    expect(await pending).toBe('network-error')
  })

  it('random chaos with a seed still ends in exactly one charge per key when each intent retries with its key', async () => {
    const server = await serve({ random: seeded(2024) })
    await postJson(server.url, '/api/chaos', { mode: 'random', probability: 0.5 })

    for (let intent = 0; intent < 30; intent++) {
      const key = `"intent-${intent}"`
      for (let attempt = 0; attempt < 20; attempt++) {
        const answer = await postOrderOrDrop(server.url, key)
        if (answer !== 'network-error' && answer.status === 201) break
      }
    }

    const ledger = await getJson(server.url, '/api/ledger')
    expect(ledger.total).toBe(30)
    expect(new Set(ledger.charges.map((c: { key: string }) => c.key)).size).toBe(30)
    const outcomes = new Set((await getJson(server.url, '/api/requests')).requests.map((r: { outcome: string }) => r.outcome))
    expect(outcomes).toEqual(new Set(['charged', 'replayed', 'dropped-before', 'dropped-after-commit', '503']))
  })

  it('answers with Connection: close while a drop mode is armed, so no browser resends a dropped order on a reused socket', async () => {
    const server = await serve()

    const arming = await postJson(server.url, '/api/chaos', { mode: 'drop-after-commit' })
    const armed = await fetch(`${server.url}/api/ledger`)
    await postOrderOrDrop(server.url, `"${KEY}"`) // uses up the one drop
    const disarmed = await fetch(`${server.url}/api/ledger`)

    expect(arming.headers.get('connection')).toBe('close')
    expect(armed.headers.get('connection')).toBe('close')
    expect(disarmed.headers.get('connection')).toBe('keep-alive')
  })

  it('closes idle keep-alive sockets when a drop mode is armed, even in process', async () => {
    const server = await serve()
    const agent = new Agent({ keepAlive: true })
    const socket = await new Promise<Socket>((resolve, reject) =>
      get(`${server.url}/api/health`, { agent }, (res) => {
        const { socket } = res // detached from `res` once the agent pools it
        res.resume()
        res.on('end', () => resolve(socket))
      }).on('error', reject),
    )
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))

    server.chaos.set({ mode: 'drop-before' })

    await closed
    agent.destroy()
  })

  it('leaves every other route alone', async () => {
    const server = await serve()
    await postJson(server.url, '/api/chaos', { mode: '503-burst', count: 1 })

    expect((await fetch(`${server.url}/api/ledger`)).status).toBe(200)
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200)
    expect((await getJson(server.url, '/api/chaos')).remaining).toBe(1)
  })
})

describe('POST /api/chaos', () => {
  it('answers the active config, which GET shows too', async () => {
    const server = await serve()

    const set = await postJson(server.url, '/api/chaos', { mode: '503-burst', retryAfter: 2 })

    expect(set.body).toEqual({ mode: '503-burst', probability: 0.3, count: 3, remaining: 3, delayMs: 12_000, retryAfter: 2 })
    expect(await getJson(server.url, '/api/chaos')).toEqual(set.body)
  })

  it('refuses invalid settings with 400 problem+json and keeps the old config', async () => {
    const server = await serve()
    await postJson(server.url, '/api/chaos', { mode: '429' })

    const refused = await postJson(server.url, '/api/chaos', { mode: 'meteor' })

    expect(refused.status).toBe(400)
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(refused.body.errors[0]).toMatch(/mode must be one of/)
    expect((await getJson(server.url, '/api/chaos')).mode).toBe('429')
  })

  it('refuses a body that is not JSON', async () => {
    const server = await serve()

    const response = await fetch(`${server.url}/api/chaos`, { method: 'POST', body: '{mode' })

    expect(response.status).toBe(400)
    expect((await response.json()).stack).toBeUndefined()
  })
})
