import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react'
import type { OncelyClient, RequestOptions } from '../client.js'
import { isIntentRejectedError, OncelyInputError } from '../errors.js'
import type { IntentRecord } from '../record.js'
import { toResponse } from '../response.js'
import { initialView, reduceView, type IntentView, type ViewAction, type ViewState } from './intent-view.js'

export interface UseIntentOptions<T = unknown> {
  /** Resume a `pending` intent found in the store on mount (after a reload). Default true. */
  resumeOnMount?: boolean
  /** Reads a definitive answer into `data`. Default: `response.json()` when its content type is JSON, else nothing. */
  parse?: (response: Response) => T | Promise<T>
  /** Deadline of each send or resume across all attempts, ms (default: the client's). */
  deadline?: number
}

/** The options of `send`: those of `api.post` without `intent` (the hook's), plus the method. */
export interface SendOptions extends Omit<RequestOptions, 'intent'> {
  /** Default `'post'`. */
  method?: 'post' | 'put' | 'patch' | 'delete'
}

/** What `useIntent` returns: the view, and what the UI can do with the intent. */
export interface IntentHandle<T = unknown> extends IntentView<T> {
  /**
   * Sends the request for this intent the first time, continues it with the same key after that
   * (a confirmed intent is replayed from the store, with no request). Never rejects: resolves with
   * the answer, or `undefined` with the reason in `error`.
   */
  send(url: string | URL, options?: SendOptions): Promise<Response | undefined>
  /** Continues a stored intent with its own key: a pending one is sent again. Never rejects, like `send`. */
  resume(): Promise<Response | undefined>
  /**
   * Forgets the intent (its record and key) and goes back to `idle`, e.g. for "place another order".
   * Refused while a call runs in this JS context. Forgetting a `pending` intent gives up on knowing
   * whether the server acted: the next `send` mints a new key.
   */
  reset(): Promise<void>
}

const jsonParse = async (response: Response): Promise<unknown> =>
  /[/+]json\b/i.test(response.headers.get('content-type') ?? '') ? response.clone().json() : undefined

type Outcome<T> = Extract<ViewAction<T>, { type: 'settled' | 'failed' }>

// Mount-time resumes under way, per client and intent: StrictMode's second effect (or a second
// component for the same intent) joins the first instead of sending again.
const resuming = new WeakMap<OncelyClient, Map<string, Promise<unknown>>>()

function resumeOnce<T>(api: OncelyClient, intent: string, run: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
  let byIntent = resuming.get(api)
  if (!byIntent) resuming.set(api, (byIntent = new Map()))
  const running = byIntent.get(intent) as Promise<Outcome<T>> | undefined
  if (running) return running
  const started = run().finally(() => byIntent.delete(intent))
  byIntent.set(intent, started)
  return started
}

/**
 * One intent, ready for a UI: its state, attempts and next retry as they happen, and `send`,
 * `resume`, `reset`. On mount it reads the stored record and, if the intent is still `pending`
 * (the page was reloaded mid-payment), resumes it with its key, once, even under StrictMode.
 * Updates stop at unmount; a call under way then continues to its answer without the component.
 *
 * @example
 * function PayButton({ cart }: { cart: Cart }) {
 *   const pay = useIntent<{ orderId: string }>(api, `checkout:${cart.id}`)
 *   if (pay.state === 'confirmed') return <p>Paid: {pay.data?.orderId}</p>
 *   return (
 *     <button disabled={pay.busy} onClick={() => pay.send('orders', { json: cart })}>
 *       {pay.busy ? `Paying… (attempt ${pay.attempt})` : pay.state === 'pending' ? 'Retry payment' : 'Pay'}
 *     </button>
 *   )
 * }
 */
export function useIntent<T = unknown>(api: OncelyClient, intent: string, options: UseIntentOptions<T> = {}): IntentHandle<T> {
  const { resumeOnMount = true, parse = jsonParse as (response: Response) => Promise<T>, deadline } = options
  const [stored, rawDispatch] = useReducer(reduceView<T>, intent, initialView<T>)
  // A new intent id starts from scratch, without a render showing the previous intent's state.
  const view: ViewState<T> = stored.intent === intent ? stored : initialView<T>(intent)

  // Latest options without re-subscribing when an inline function changes identity.
  const latest = useRef({ parse, deadline, resumeOnMount })
  latest.current = { parse, deadline, resumeOnMount }
  const mounted = useRef(false)
  // A send or resume of this component under way: its own result, not an event, fills the view.
  const calling = useRef(0)
  const busy = useRef(false)
  busy.current = view.busy

  const dispatch = useCallback((action: ViewAction<T>) => {
    if (mounted.current) rawDispatch(action)
  }, [])

  const settle = useCallback(async (call: () => Promise<Response>): Promise<Outcome<T>> => {
    calling.current++
    try {
      const response = await call()
      try {
        return { type: 'settled', response, data: await latest.current.parse(response) }
      } catch (error) {
        return { type: 'settled', response, data: undefined, error }
      }
    } catch (error) {
      return { type: 'failed', error, response: isIntentRejectedError(error) ? error.response : undefined }
    } finally {
      calling.current--
    }
  }, [])

  const finish = useCallback((outcome: Outcome<T>): Response | undefined => {
    dispatch(outcome)
    return outcome.type === 'settled' ? outcome.response : undefined
  }, [dispatch])

  useEffect(() => {
    mounted.current = true
    let live = true
    const local = (action: ViewAction<T>) => {
      if (live) rawDispatch(action)
    }
    if (stored.intent !== intent) local({ type: 'reset' })
    const unsubscribe = api.subscribe(event => {
      if (event.intent !== intent) return
      local({ type: 'event', event })
      // Decided without a call of this component (another tab, the service worker, the client's
      // background tries): show the stored answer as if it had come to `send`.
      if ((event.type === 'confirmed' || event.type === 'rejected') && event.record.response && !calling.current) {
        const response = toResponse(event.record.response)
        void Promise.resolve(event.record.response.body ? latest.current.parse(response) : undefined)
          .catch(() => undefined)
          .then(data => local({ type: 'settled', response, data }))
      }
    })
    void (async () => {
      let record: IntentRecord | undefined
      try {
        record = await api.intents.get(intent)
      } catch (error) {
        return local({ type: 'failed', error })
      }
      const response = record?.state !== 'pending' && record?.response ? toResponse(record.response) : undefined
      let data: T | undefined
      // A truncated answer kept its status only: nothing to parse.
      if (response && record?.response?.body) data = await Promise.resolve(latest.current.parse(response)).catch(() => undefined)
      if (!live) return
      local({ type: 'loaded', record, response, data })
      if (record?.state !== 'pending' || !latest.current.resumeOnMount) return
      const outcome = await resumeOnce(api, intent, () => settle(() => api.intents.resume(intent, withDeadline(latest.current.deadline))))
      local(outcome)
    })()
    return () => {
      live = false
      mounted.current = false
      unsubscribe()
    }
    // `stored.intent` is read only to notice a changed id; it must not re-run the effect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, intent])

  const send = useCallback(async (url: string | URL, sendOptions: SendOptions = {}) => {
    const { method = 'post', ...rest } = sendOptions
    dispatch({ type: 'start' })
    return finish(await settle(() => api[method](url, { deadline: latest.current.deadline, ...rest, intent })))
  }, [api, intent, dispatch, settle, finish])

  const resume = useCallback(async () => {
    dispatch({ type: 'start' })
    return finish(await settle(() => api.intents.resume(intent, withDeadline(latest.current.deadline))))
  }, [api, intent, dispatch, settle, finish])

  const reset = useCallback(async () => {
    if (busy.current) {
      dispatch({ type: 'failed', error: new OncelyInputError(`Intent ${intent} has a call under way; reset() it once the call has ended.`) })
      return
    }
    try {
      await api.intents.forget(intent)
      dispatch({ type: 'reset' })
    } catch (error) {
      dispatch({ type: 'failed', error })
    }
  }, [api, intent, dispatch])

  const { heard: _heard, ...shown } = view
  return useMemo(() => ({ ...shown, send, resume, reset }), [view, send, resume, reset]) // eslint-disable-line react-hooks/exhaustive-deps
}

const withDeadline = (deadline: number | undefined) => (deadline === undefined ? {} : { deadline })
