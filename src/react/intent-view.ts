import type { OncelyEvent } from '../events.js'
import type { IntentRecord } from '../record.js'

/** What a UI shows for one intent: `idle` until the intent has a record. */
export type IntentViewState = 'idle' | IntentRecord['state']

/** The state half of `useIntent`'s result. */
export interface IntentView<T = unknown> {
  /** The intent's id, as passed to `useIntent`. */
  intent: string
  /** `idle` (no record), `pending` (the server may or may not have acted), `confirmed` or `rejected`. */
  state: IntentViewState
  /** False until the stored record has been read (the first render after mount). */
  ready: boolean
  /** True while a call for this intent runs in this JS context (a send, a resume, or another component's call). */
  busy: boolean
  /** True while a call waits for the connection (it spends no attempts meanwhile). */
  offline: boolean
  /** True while another tab (or the service worker) drives this intent and this tab's call waits for it. */
  waiting: boolean
  /**
   * True while the intent is pending and the client will try it again on its own (at
   * `nextRetryAt`, or sooner when the device comes back online): nothing for the user to do.
   */
  resuming: boolean
  /** The idempotency key, once minted. */
  key: string | undefined
  /** Attempts sent so far, across reloads. */
  attempt: number
  /** When the next retry is due (ms since the epoch, the client's clock), while one is scheduled. */
  nextRetryAt: number | undefined
  /**
   * Why the last run did not confirm: `IntentPendingError` (unknown outcome, resumable),
   * `IntentRejectedError`, `IntentConflictError`, `IntentExpiredError`…
   */
  error: unknown
  /** The definitive answer: live, or rebuilt from the store after a reload. */
  response: Response | undefined
  /** `response` read by the `parse` option (by default: its JSON, when it has a JSON content type). */
  data: T | undefined
  /** The stored record as last seen. */
  record: IntentRecord | undefined
}

/** Every way the view changes; `reduceView` is the only place that applies them. */
export type ViewAction<T> =
  | { type: 'loaded'; record: IntentRecord | undefined; response: Response | undefined; data: T | undefined }
  | { type: 'event'; event: OncelyEvent }
  | { type: 'start' }
  | { type: 'settled'; response: Response; data: T | undefined; error?: unknown }
  | { type: 'failed'; error: unknown; response?: Response }
  | { type: 'reset' }

/** The view plus whether an event has been seen, so a late store read never overwrites newer news. */
export interface ViewState<T> extends IntentView<T> {
  heard: boolean
}

export const initialView = <T>(intent: string): ViewState<T> => ({
  intent, state: 'idle', ready: false, busy: false, offline: false, waiting: false, resuming: false, key: undefined, attempt: 0,
  nextRetryAt: undefined, error: undefined, response: undefined, data: undefined, record: undefined, heard: false,
})

const fromRecord = <T>(view: ViewState<T>, record: IntentRecord): ViewState<T> =>
  ({ ...view, state: record.state, key: record.key, attempt: record.attempts, record })

/** The pure reducer behind `useIntent`: store reads, core events and call results in, the view out. */
export function reduceView<T>(view: ViewState<T>, action: ViewAction<T>): ViewState<T> {
  switch (action.type) {
    case 'loaded': {
      if (view.heard) return { ...view, ready: true }
      const base = { ...view, ready: true, response: action.response, data: action.data }
      return action.record ? fromRecord(base, action.record) : base
    }
    case 'start':
      return { ...view, busy: true, error: undefined }
    case 'settled':
      return { ...view, ...still, response: action.response, data: action.data, error: action.error }
    case 'failed':
      return { ...view, busy: false, offline: false, waiting: false, error: action.error, response: action.response ?? view.response, ...(view.resuming ? {} : { nextRetryAt: undefined }) }
    case 'reset':
      return { ...initialView<T>(view.intent), ready: true, heard: true }
    case 'event':
      return { ...reduceEvent(view, action.event), heard: true }
  }
}

function reduceEvent<T>(view: ViewState<T>, event: OncelyEvent): ViewState<T> {
  switch (event.type) {
    case 'created':
      return { ...fromRecord(view, event.record), busy: true, error: undefined, response: undefined, data: undefined }
    case 'waiting':
      return { ...view, busy: true, waiting: true }
    case 'attempt':
      return { ...view, state: 'pending', busy: true, offline: false, waiting: false, key: event.key, attempt: event.attempt, nextRetryAt: undefined }
    case 'retry-scheduled':
      return { ...view, busy: view.busy && !event.background, resuming: event.background === true, key: event.key, attempt: Math.max(view.attempt, event.attempt), nextRetryAt: event.at }
    case 'offline':
      return { ...view, busy: true, offline: true, key: event.key, nextRetryAt: undefined }
    case 'confirmed':
    case 'rejected':
    case 'replayed':
      return { ...fromRecord(view, event.record), ...still, error: event.type === 'rejected' ? view.error : undefined }
    case 'pending':
      return { ...fromRecord(view, event.record), ...still, error: event.error }
    case 'storage-degraded':
      return view
  }
}

// Nothing under way any more.
const still = { busy: false, offline: false, waiting: false, resuming: false, nextRetryAt: undefined }
