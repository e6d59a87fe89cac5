import { isHTTPError, isTimeoutError, type Options as KyOptions } from 'ky'
import { classify, retryAfterMs } from './classify.js'
import { nextDelay } from './schedule.js'
import { NetworkError } from './errors.js'
import { waitForOnline } from './online.js'
import { joinSignals } from './signal.js'
import type { Config } from './options.js'
import { rebuild } from './response.js'

/** One run of attempts for a key, as the intent layer sees it. */
export interface Attempts {
  url: string
  method: string
  headers: Headers
  body: string | Uint8Array<ArrayBuffer> | undefined
  /** The key's header value, set on every attempt after the app's hooks ran: oncely's key wins. */
  wire: string
  /** Aborts everything: the caller's signal or the deadline. */
  stop: AbortSignal
  /** Per-call ky options (`timeout`, `hooks`…). */
  options: KyOptions
  /** Failed attempts this run may retry. */
  limit: number
  /** Failed attempts of the intent before this run, and when its first attempt left (clock ms): the schedule's inputs. */
  failed: number
  since: number
  /** Called before each attempt leaves; `declined` says the previous one was answered with a 4xx. */
  onAttempt(declined: boolean): Promise<void>
  onRetry(delay: number, reason: string): void
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
  let failures = 0
  let told = 0
  let wait = 0
  let declined = false
  const reasonOf = (error: unknown): string | undefined => {
    if (isHTTPError(error)) {
      const { status, headers } = error.response
      return classify(status, headers, retry.statusCodes) === 'retry' ? `HTTP ${status}` : undefined
    }
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
    // ky runs the loop; the waits and which answers count against the limit are the schedule's:
    // ky would wait a Retry-After to the millisecond for every client, and count "wait" answers.
    retry: {
      limit: Number.POSITIVE_INFINITY,
      methods: [run.method.toLowerCase()],
      delay: () => wait,
      shouldRetry: ({ error }) => {
        const reason = run.stop.aborted ? undefined : reasonOf(error)
        if (reason === undefined) return false
        const answer = isHTTPError(error) ? error.response : undefined
        const retryAfter = answer && retryAfterMs(answer.headers.get('retry-after'), config.now())
        // Told to wait (in progress, or busy with a Retry-After) is not failing: no attempt spent.
        const waiting = answer?.status === 409 || (retryAfter !== undefined && [429, 503].includes(answer!.status))
        told = waiting ? told + 1 : 0
        if (!waiting && ++failures > run.limit) return false
        wait = nextDelay(retry, { failures: run.failed + Math.max(failures, 1), failingFor: config.clock.now() - run.since, retryAfter: waiting ? retryAfter : undefined, told }, config.random())
        run.onRetry(wait, reason)
        return true
      },
    },
    hooks: {
      ...run.options.hooks,
      beforeRequest: [
        ...(run.options.hooks?.beforeRequest ?? []),
        async () => {
          run.stop.throwIfAborted()
          if (!config.online.isOnline()) {
            run.onOffline()
            await waitForOnline(config.online, run.stop)
          }
          // Counted (and written) before it leaves: a page that dies now still knows it may have acted.
          await run.onAttempt(declined)
        },
      ],
    },
    fetch: async (input, init) => {
      const request = input as Request
      request.headers.set(config.keyHeader, run.wire)
      declined = false
      // Either ky's timeout or our stop aborts the request in flight.
      const { controller, dispose } = joinSignals(request.signal, run.stop)
      let response: Response
      try {
        response = await (run.options.fetch ?? config.fetch)(request, { ...init, signal: controller.signal })
        config.clock.observe(response.headers.get('date'))
        // Read here, inside the attempt and its timeout: a 2xx cut off mid-body is not an answer
        // (retried: the server replays it), while a refusal is one whatever its body did.
        if (response.status) response = rebuild(response, await response.arrayBuffer().catch(error => {
          if (response.ok) throw error
        }))
      } catch (error) {
        if (controller.signal.aborted) throw error
        throw new NetworkError({ cause: error })
      } finally {
        dispose()
      }
      declined = response.status >= 400 && response.status < 500
      return response
    },
  })
  // ky sleeps between attempts with no signal of ours; the race lets a stop end the call at once,
  // and the next beforeRequest hook then ends ky's loop without sending.
  attempt.catch(() => {})
  return Promise.race([attempt, stopped(run.stop)])
}

function stopped(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason)
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
}
