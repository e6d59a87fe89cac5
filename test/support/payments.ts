import { delay, http, HttpResponse } from 'msw'

/** What the fake payment server does with the next request, in order; then it behaves. */
export type Fault =
  | { type: 'pass' } // behaves: lets a later fault hit a later request
  | { type: 'drop-before' } // the connection dies before the server acts
  | { type: 'drop-after-commit' } // the server charges, then the response is lost
  | { type: 'status'; status: number; retryAfter?: string; replayed?: boolean } // answers without acting
  | { type: 'hold'; release: Promise<void> } // acts only once `release` resolves
  | { type: 'slow'; ms: number } // acts at once, answers `ms` later (past a client's timeout)

export interface Charge {
  key: string
  body: string
}

/**
 * An idempotent payment API as the IETF draft describes it, for msw: a ledger keyed by the
 * idempotency key, the stored response replayed for a known key, 409 while the first request
 * with a key is still running, 422 when a key comes back with another payload. Every test counts
 * its effects here rather than in a fake of its own.
 */
export function paymentServer(base = 'http://api.test', options: { rawKeys?: boolean; clock?: (() => number) | false } = {}) {
  const { clock = Date.now } = options
  // Every answer carries the server's Date, as real servers' do (the client checks its clock by it).
  const answer = (body: Record<string, string>, status: number, headers: Record<string, string> = {}) =>
    HttpResponse.json(body, { status, headers: clock ? { ...headers, date: new Date(clock()).toUTCString() } : headers })
  const charges: Charge[] = []
  const seen = new Map<string, { body: string; response?: { status: number; body: Record<string, string> } }>()
  const faults: Fault[] = []
  const requests: Array<{ key: string | null; headers: Headers; at: number }> = []

  let down = false
  const handler = http.post(`${base}/orders`, async ({ request }) => {
    const raw = request.headers.get('idempotency-key')
    requests.push({ key: raw, headers: request.headers, at: Date.now() })
    if (down) return HttpResponse.error()
    const fault = faults.shift()
    if (fault?.type === 'drop-before') return HttpResponse.error()
    if (fault?.type === 'status') {
      const headers: Record<string, string> = fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}
      if (fault.replayed) headers['idempotent-replayed'] = 'true'
      return answer({ title: `status ${fault.status}` }, fault.status, headers)
    }
    if (!raw) return answer({ title: 'Idempotency-Key is required' }, 400)
    // Most servers take an sf-string's quotes off; some keep the raw value, quotes and all.
    const key = options.rawKeys ? raw : raw.replace(/^"|"$/g, '')
    const body = await request.text()
    const known = seen.get(key)
    if (known) {
      if (known.body !== body) return answer({ title: 'key reused with another payload' }, 422)
      if (!known.response) return answer({ title: 'in progress' }, 409)
      return answer(known.response.body, known.response.status, { 'idempotent-replayed': 'true' })
    }
    const entry: { body: string; response?: { status: number; body: Record<string, string> } } = { body }
    seen.set(key, entry)
    if (fault?.type === 'hold') await fault.release
    charges.push({ key, body })
    entry.response = { status: 201, body: { orderId: `ord_${charges.length}`, key } }
    if (fault?.type === 'drop-after-commit') return HttpResponse.error()
    if (fault?.type === 'slow') await delay(fault.ms)
    return answer(entry.response.body, 201)
  })

  return {
    handler,
    charges,
    requests,
    /** Queues faults for the next requests, in order. */
    fail(...next: Fault[]) {
      faults.push(...next)
    },
    /** An outage: while down, every connection is dropped before the server acts. */
    setDown(next: boolean) {
      down = next
    },
    /** Keys the server saw, quotes stripped, one per request. */
    keys: () => requests.map(r => r.key?.replace(/^"|"$/g, '')),
  }
}

/** A promise with its resolve handle, to hold the server mid-request. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void
  const promise = new Promise<void>(resolve => (open = resolve))
  return { promise, open }
}
