import { randomUUID } from 'node:crypto'
import axios from 'axios'
import axiosRetry from 'axios-retry'
import ky, { isHTTPError } from 'ky'
import pRetry, { AbortError } from 'p-retry'
import { createClient, isIntentPendingError, isIntentRejectedError, memoryStore, type RetryOptions } from '../src/index.js'
import { sleep } from './stats.js'

/** The body every client sends: the intent id rides in `cartId`, so the server can count charges per intent. */
export interface Order {
  cartId: string
  items: Array<{ sku: string; name: string; qty: number; price: number }>
  amount: number
  currency: string
}

export const orderFor = (intent: number): Order => ({
  cartId: `intent-${intent}`,
  items: [{ sku: 'MUG-1', name: 'Mug', qty: 1, price: 12 }],
  amount: 12,
  currency: 'EUR',
})

/** How one call ended, as the app sees it. `pending`: it does not know whether it paid. */
export type Outcome = 'confirmed' | 'rejected' | 'pending'

export interface ChaosClient {
  /** The server lane, `/<name>/orders`. */
  name: string
  /** How it is set up, printed next to the figures. */
  setup: string
  send(intent: number, signal: AbortSignal): Promise<Outcome>
  /** Only oncely can continue an unknown outcome with the same key. */
  resume?(intent: number, signal: AbortSignal): Promise<Outcome>
  /** Stops what the client does on its own (oncely's background tries) before the next run reuses the intent numbers. */
  close?(): void
}

const isClientRefusal = (status: number) => status >= 400 && status < 500 && ![408, 409, 425, 429].includes(status)
/**
 * One attempt's signal: the run's stop or the per-attempt timeout. An explicit timer, because
 * `AbortSignal.any([s, AbortSignal.timeout(ms)])` in Node 20 did not always fire (slow answers
 * at 2.5 s were taken by a 2 s timeout), which would have given these clients a longer timeout.
 */
async function withTimeout<T>(signal: AbortSignal, ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  const abort = () => controller.abort(signal.reason)
  signal.addEventListener('abort', abort, { once: true })
  const timer = setTimeout(() => controller.abort(new Error('timeout')), ms)
  try {
    return await run(controller.signal)
  } finally {
    clearTimeout(timer)
    signal.removeEventListener('abort', abort)
  }
}
const jsonHeaders = (key?: string): Record<string, string> =>
  key ? { 'content-type': 'application/json', 'idempotency-key': `"${key}"` } : { 'content-type': 'application/json' }

/** oncely with other retry options, run beside the default with `--variants` to test a default change. */
export interface ClientVariant {
  /** Lane name: lower-case letters, digits and dashes. */
  name: string
  retry: RetryOptions
}

export const variants: ClientVariant[] = [
  { name: 'oncely-base1s', retry: { delay: 1000 } },
  { name: 'oncely-no-quick', retry: { quick: 0 } },
  { name: 'oncely-spread2', retry: { spread: 2 } },
]

const oncelyOutcome = async (run: () => Promise<Response>): Promise<Outcome> => {
  try {
    await (await run()).arrayBuffer()
    return 'confirmed'
  } catch (error) {
    if (isIntentPendingError(error)) return 'pending'
    if (isIntentRejectedError(error)) return 'rejected'
    throw error
  }
}

function oncelyClient(name: string, url: string, timeout: number, retry?: RetryOptions): ChaosClient {
  const api = createClient({ prefixUrl: `${url}/${name}`, store: memoryStore(), timeout, ...(retry ? { retry } : {}) })
  return {
    name,
    setup: `createClient({ store: memoryStore(), timeout: ${timeout}${retry ? `, retry: ${JSON.stringify(retry)}` : ''} }), defaults otherwise`,
    send: (intent, signal) => oncelyOutcome(() => api.post('orders', { json: orderFor(intent), intent: `order:${intent}`, signal })),
    resume: (intent, signal) => oncelyOutcome(() => api.intents.resume(`order:${intent}`, { signal })),
    close: () => api.close(),
  }
}

/** The clients compared, each as a user would set it up; every one gets the same per-attempt timeout. */
export function makeClients(url: string, timeout: number, extra: ClientVariant[] = []): ChaosClient[] {
  const axiosClient = axios.create({ timeout })
  axiosRetry(axiosClient, { retries: 3, retryDelay: axiosRetry.exponentialDelay })

  return [
    oncelyClient('oncely', url, timeout),
    ...extra.map(variant => oncelyClient(variant.name, url, timeout, variant.retry)),
    {
      name: 'ky',
      setup: `ky.post, no key, retry { limit: 5, methods: ['post'], retryOnTimeout: true }`,
      async send(intent, signal) {
        try {
          const res = await ky.post(`${url}/ky/orders`, { json: orderFor(intent), timeout, signal, retry: { limit: 5, methods: ['post'], retryOnTimeout: true } })
          await res.arrayBuffer()
          return 'confirmed'
        } catch (error) {
          return isHTTPError(error) && isClientRefusal(error.response.status) ? 'rejected' : 'pending'
        }
      },
    },
    {
      name: 'fixed',
      setup: 'fetch, a fresh key per request, 10 attempts 1 s apart (no backoff, no jitter)',
      async send(intent, signal) {
        const body = JSON.stringify(orderFor(intent))
        for (let attempt = 0; attempt < 10; attempt++) {
          try {
            if (attempt > 0) await sleep(1000, signal)
            const res = await withTimeout(signal, timeout, async attempt => {
              const answer = await fetch(`${url}/fixed/orders`, { method: 'POST', headers: jsonHeaders(randomUUID()), body, signal: attempt })
              await answer.arrayBuffer()
              return answer
            })
            if (res.ok) return 'confirmed'
            if (isClientRefusal(res.status)) return 'rejected'
          } catch {
            if (signal.aborted) return 'pending'
          }
        }
        return 'pending'
      },
    },
    {
      name: 'p-retry',
      setup: 'fetch, one key per intent (in memory), pRetry({ retries: 5 }): 1 s x2 backoff, no jitter',
      async send(intent, signal) {
        const key = randomUUID()
        const body = JSON.stringify(orderFor(intent))
        let refused = false
        try {
          await pRetry(async () => {
            const res = await withTimeout(signal, timeout, async attempt => {
              const answer = await fetch(`${url}/p-retry/orders`, { method: 'POST', headers: jsonHeaders(key), body, signal: attempt })
              await answer.arrayBuffer()
              return answer
            })
            if (isClientRefusal(res.status)) {
              refused = true
              throw new AbortError(`HTTP ${res.status}`)
            }
            if (!res.ok) throw new Error(`HTTP ${res.status}`)
          }, { retries: 5, signal })
          return 'confirmed'
        } catch {
          return refused ? 'rejected' : 'pending'
        }
      },
    },
    {
      name: 'axios-retry',
      setup: 'axios.post, no key, axiosRetry({ retries: 3, retryDelay: exponentialDelay })',
      async send(intent, signal) {
        try {
          await axiosClient.post(`${url}/axios-retry/orders`, orderFor(intent), { signal })
          return 'confirmed'
        } catch (error) {
          const status = axios.isAxiosError(error) ? error.response?.status : undefined
          return status !== undefined && isClientRefusal(status) ? 'rejected' : 'pending'
        }
      },
    },
  ]
}
