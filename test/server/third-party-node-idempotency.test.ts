// `oncely verify` against @node-idempotency/core 1.0.11 with the request/response glue of its NestJS
// interceptor (@node-idempotency/nestjs 1.0.4, dist/interceptors/node-idempotency.iterceptor.js),
// transcribed line for line to Express: @node-idempotency/express is not on the registry, and a
// NestJS app needs decorator metadata this test runner does not emit. A handler that throws is
// stored under the key as its 500 and replayed: the key can never succeed. verify must catch that.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Idempotency, IdempotencyError, IdempotencyErrorCodes } from '@node-idempotency/core'
import { headers2Cache, HTTPHeaderEnum, idempotency2HttpCodeMap } from '@node-idempotency/shared'
import { MemoryStorageAdapter } from '@node-idempotency/storage-adapter-memory'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULTS } from '../../src/cli/verify/options.js'
import { formatReport, runVerify } from '../../src/cli/verify/run.js'

let server: Server
let url = ''
let effects = 0

/** The Nest exception filter's answer: the error's status, or 500 with a generic body. */
const statusOf = (error: unknown) => (error as { status?: number })?.status ?? 500

beforeAll(async () => {
  const idempotency = new Idempotency(new MemoryStorageAdapter())
  const app = express()
  app.use(express.json())
  app.post('/payments', async (req, res) => {
    const idempotencyReq = { headers: req.headers as Record<string, unknown>, body: req.body as Record<string, unknown>, path: req.url, method: req.method }
    try {
      const cached = await idempotency.onRequest<Record<string, unknown>, unknown>(idempotencyReq)
      if (cached) {
        const statusCode = cached.additional?.statusCode as number | undefined
        if (statusCode) res.status(statusCode)
        for (const header of Object.values(headers2Cache)) if (cached.additional?.[header]) res.set(header, String(cached.additional[header]))
        res.set(HTTPHeaderEnum.idempotentReplayed, 'true')
        if (cached.body !== undefined) return void res.json(cached.body)
        // buildError(error): the stored failure, thrown again.
        const status = statusOf(cached.error)
        return void res.status(status).json({ statusCode: status, message: 'Internal Server Error' })
      }
    } catch (error) {
      if (error instanceof IdempotencyError) {
        const status = idempotency2HttpCodeMap[error.code as keyof typeof idempotency2HttpCodeMap] || 500
        if (error.code === IdempotencyErrorCodes.REQUEST_IN_PROGRESS) res.set(HTTPHeaderEnum.retryAfter, '1')
        return void res.status(status).json({ statusCode: status, message: error.message })
      }
      return void res.status(500).json({ statusCode: 500, message: 'Internal Server Error' })
    }
    // handleNewRequest: run the controller, then onResponse with its body, or with its error.
    try {
      if (req.get('x-fail') === '1') throw new Error('provider unavailable') // fails before any effect
      await new Promise((resolve) => setImmediate(resolve))
      const body = { paymentId: ++effects, amount: (req.body as { amount?: unknown }).amount }
      res.status(201)
      await idempotency.onResponse(idempotencyReq, { additional: { statusCode: 201, 'Content-Type': 'application/json' }, body })
      res.json(body)
    } catch (error) {
      const status = statusOf(error)
      idempotency.onResponse(idempotencyReq, { additional: { statusCode: status }, error }).catch(() => undefined) // as the interceptor does
      res.status(status).json({ statusCode: status, message: 'Internal Server Error' })
    }
  })
  app.get('/effects', (_req, res) => void res.json({ total: effects }))
  server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

describe('oncely verify against @node-idempotency/core 1.0.11 (its NestJS interceptor’s glue, on Express)', () => {
  it('catches the cached failure: a key whose first attempt failed can never succeed', async () => {
    const report = await runVerify({ ...DEFAULTS, url: `${url}/payments`, effects: `${url}/effects`, failHeader: ['X-Fail', '1'], rounds: 10 })
    console.log(`\n[verify] @node-idempotency/core (NestJS interceptor glue) + memory storage\n${formatReport(report)}`)
    const line = (id: string) => report.results.find((r) => r.id === id)

    expect(report.passed).toBe(false)
    expect(line('failure-not-cached')?.verdict).toBe('fails')
    expect(line('failure-not-cached')?.detail).toMatch(/the 500 was stored and replayed/)
    expect(line('replay')?.verdict).toBe('holds')
  }, 60_000)
})
