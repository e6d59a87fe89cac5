import { isHTTPError, isTimeoutError, type Options as KyOptions } from 'ky'
import { classifyStatus, retryAfterMs } from './classify.js'
import { NetworkError } from './errors.js'
import { waitForOnline } from './online.js'
import { joinSignals } from './signal.js'
import type { Config } from './options.js'
import type { OutageGate } from './outage.js'

/** One run of attempts for a key, as the intent layer sees it. */
export interface Attempts {
  url: string
  method: string
  headers: Headers
  body: string | Uint8Array<ArrayBuffer> | undefined
  /** Attempts made before this run (from earlier runs or sessions). */
  previous: number
  /** Aborts everything: the caller's signal or the deadline. */
  stop: AbortSignal
  /** The client's outage gate, if on. */
  gate: OutageGate | undefined
  /** Per-call ky options (`timeout`, `hooks`…). */
  options: KyOptions
  onAttempt(attempt: number): Promise<void>
  onRetry(attempt: number, delay: number, reason: string): void
  onOffline(): void
}

/**
 * Sends one key's attempts through ky's retry engine: ky runs the loop, the backoff, Retry-After
 * and the per-attempt timeout; this adds the intent's rules (which outcomes retry, offline waits
 * that spend no attempt, a stop signal that works without `AbortSignal.any`, which Hermes lacks).
 * Resolves with a 2xx/3xx response; otherwise rejects with ky's HTTPError, a TimeoutError,
 * a NetworkError, or the stop signal's reason.
 */
export async function sendAttempts(config: Config, run: Attempts): Promise<Response> {
  const { retry } = config
  const jitter = retry.jitter()
  let announce: { attempt: number; reason: string } | undefined
  const reasonOf = (error: unknown): string | undefined => {
    if (isHTTPError(error)) return classifyStatus(error.response.status, retry.statusCodes) === 'retry' ? `HTTP ${error.response.status}` : undefined
    if (error instanceof NetworkError) return 'network error'
    if (isTimeoutError(error)) return retry.retryOnTimeout ? 'timeout' : undefined
    return undefined // A bug or an abort is never retried.
  }

  const attempt = config.ky(run.url, {
    ...run.options,
    method: run.method,
    headers: run.headers,
    body: run.body,
    prefixUrl: '',
    throwHttpErrors: true,
    retry: {
      limit: retry.limit,
      methods: [run.method.toLowerCase()],
      statusCodes: retry.statusCodes,
      afterStatusCodes: retry.statusCodes,
      maxRetryAfter: retry.maxRetryAfter,
      backoffLimit: retry.backoffLimit,
      delay: retry.delay,
      retryOnTimeout: retry.retryOnTimeout,
      jitter: delay => {
        const next = Math.min(retry.backoffLimit, jitter(delay))
        if (announce) run.onRetry(announce.attempt, next, announce.reason)
        announce = undefined
        return next
      },
      shouldRetry: ({ error, retryCount }) => {
        const reason = run.stop.aborted ? undefined : reasonOf(error)
        if (reason === undefined) return false
        const failed = run.previous + retryCount
        const after = isHTTPError(error) ? retryAfterMs(error.response.headers.get('retry-after'), config.now()) : undefined
        if (after === undefined) {
          announce = { attempt: failed, reason } // ky computes the backoff next and passes it to `jitter`.
          return true
        }
        run.onRetry(failed, Math.min(after, retry.maxRetryAfter), reason)
        return undefined // ky honours Retry-After itself.
      },
    },
    hooks: {
      ...run.options.hooks,
      beforeRequest: [
        ...(run.options.hooks?.beforeRequest ?? []),
        async (_request, _options, { retryCount }) => {
          run.stop.throwIfAborted()
          if (!config.online.isOnline()) {
            run.onOffline()
            await waitForOnline(config.online, run.stop)
          }
          await run.gate?.pass(run.stop)
          await run.onAttempt(run.previous + retryCount + 1)
        },
      ],
    },
    fetch: async (input, init) => {
      const request = input as Request
      // Either ky's timeout or our stop aborts the request in flight.
      const { controller, dispose } = joinSignals(request.signal, run.stop)
      try {
        const response = await config.fetch(request, { ...init, signal: controller.signal })
        run.gate?.report(unavailable.includes(response.status) ? 'unreachable' : 'answer')
        return response
      } catch (error) {
        // A network error or ky's timeout says the server may be down; the caller giving up does not.
        if (!run.stop.aborted) run.gate?.report('unreachable')
        if (controller.signal.aborted) throw error
        throw new NetworkError({ cause: error })
      } finally {
        dispose()
      }
    },
  })
  // ky sleeps between attempts with no signal of ours; the race lets a stop end the call at once,
  // and the next beforeRequest hook then ends ky's loop without sending.
  attempt.catch(() => {})
  return Promise.race([attempt, stopped(run.stop)])
}

// Answers that mean the server (or its gateway) is not serving: they count toward an outage.
const unavailable = [502, 503, 504]

function stopped(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason)
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
}
