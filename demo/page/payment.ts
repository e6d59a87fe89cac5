import type { IntentRecord, OncelyEvent } from 'oncely'

/** What started this page's own call: Pay, or "Check payment status" (a resume with the same key). */
export type CallKind = 'pay' | 'check'

export type Tone = 'info' | 'warn' | 'ok' | 'bad'

/** A message about a finished call, shown while the record stays as that call left it. */
export interface Outcome {
  tone: Tone
  kind: string
  text: string
}

/** What this page knows about the cart's payment: the stored record, and what is under way. */
export interface Payment {
  record: IntentRecord | undefined
  /** This page's own call while it runs; `over` once its run ended (the promise settles a moment later). */
  call: { kind: CallKind; over: boolean } | undefined
  /** What is happening now, whoever drives it (this page's call, or the client on its own). */
  doing: 'nothing' | 'sending' | 'waiting-retry' | 'offline' | 'waiting-tab'
  /** When the next try is due (this device's clock), only while one is really coming. */
  nextTryAt: number | undefined
  /** The last failure, as oncely names retry reasons: `network error`, `timeout`, `HTTP 503`… */
  failure: string | undefined
  /** Pending for longer than the ttl: the client will not resume it on its own. */
  expired: boolean
  online: boolean
  /** How the record's decision was reached, for the words that announce it. */
  decidedBy: 'this-call' | 'background' | 'elsewhere' | undefined
  outcome: Outcome | undefined
}

/** Every way the payment changes; `reduce` is the only place that applies them. */
export type Action =
  /** A fresh read of the record from the store (after a reload, a poll, another tab's change). */
  | { type: 'read'; record: IntentRecord | undefined }
  /** Another cart: everything known about the previous one is dropped. */
  | { type: 'reset'; record: IntentRecord | undefined }
  | { type: 'call'; kind: CallKind }
  | { type: 'settled'; outcome?: Outcome }
  /** A message for the record as it stands; undefined goes back to the one the state implies. */
  | { type: 'outcome'; outcome: Outcome | undefined }
  /** `online` as the connection says when the event arrives (its own listeners may not have run yet). */
  | { type: 'event'; event: OncelyEvent; online: boolean }
  | { type: 'online'; online: boolean }

export const initialPayment = (online: boolean): Payment => ({
  record: undefined, call: undefined, doing: 'nothing', nextTryAt: undefined, failure: undefined,
  expired: false, online, decidedBy: undefined, outcome: undefined,
})

/** This page's call is sending or waiting to send: a background try would find the intent busy. */
export const driving = (p: Payment): boolean => p.call !== undefined && !p.call.over

const idle = { doing: 'nothing', nextTryAt: undefined } as const

export function reduce(p: Payment, action: Action): Payment {
  switch (action.type) {
    case 'read': {
      const { record } = action
      // A read that started before a decision arrived: a decided record never becomes pending again.
      if (p.record && record && p.record.key === record.key && p.record.state !== 'pending' && record.state === 'pending') return p
      if (record?.state !== 'pending') return { ...p, ...idle, record }
      // After a reload, what the last run stored is all the page knows of what failed.
      return { ...p, record, failure: p.failure ?? failureOfStored(record.error) }
    }
    case 'reset':
      return { ...initialPayment(p.online), record: action.record }
    case 'call':
      return { ...p, call: { kind: action.kind, over: false }, outcome: undefined, expired: false }
    case 'settled':
      return { ...p, call: undefined, outcome: action.outcome ?? p.outcome }
    case 'outcome':
      return { ...p, outcome: action.outcome }
    case 'online':
      // Offline, a due try waits for the network: no countdown for a try that will not leave.
      if (!action.online) return { ...p, online: false, nextTryAt: undefined, doing: p.doing === 'nothing' || p.doing === 'waiting-retry' ? 'offline' : p.doing }
      return { ...p, online: true, doing: p.doing === 'offline' ? 'nothing' : p.doing }
    case 'event':
      return onEvent({ ...p, online: action.online }, action.event)
  }
}

function onEvent(p: Payment, event: OncelyEvent): Payment {
  const over = p.call && { ...p.call, over: true }
  switch (event.type) {
    case 'created':
      return { ...p, record: event.record, doing: 'sending', nextTryAt: undefined, failure: undefined, outcome: undefined }
    case 'waiting':
      return { ...p, doing: 'waiting-tab', nextTryAt: undefined }
    case 'attempt': {
      const record = p.record && { ...p.record, attempts: Math.max(p.record.attempts, event.attempt) }
      return { ...p, record, doing: 'sending', nextTryAt: undefined, outcome: undefined }
    }
    case 'retry-scheduled':
      // While this page's call drives, a background try would find it busy and only reschedule.
      if (event.background && driving(p)) return p
      return {
        ...p,
        doing: p.online ? 'waiting-retry' : 'offline',
        nextTryAt: p.online ? event.at : undefined,
        // A background reason ('background', 'woken', 'picked up') says why it was scheduled, not what failed.
        failure: event.background ? p.failure : event.reason,
      }
    case 'offline':
      return { ...p, doing: 'offline', nextTryAt: undefined }
    case 'pending':
      return {
        ...p, ...idle, record: event.record, call: over,
        failure: failureOf(event.error) ?? p.failure,
        expired: nameOf(event.error) === 'IntentExpiredError',
      }
    case 'confirmed':
    case 'rejected':
      return { ...p, ...idle, record: event.record, call: over, decidedBy: event.remote ? 'elsewhere' : p.call ? 'this-call' : 'background' }
    case 'replayed':
      return { ...p, ...idle, record: event.record, call: over, decidedBy: 'this-call' }
    case 'storage-degraded':
      return p
  }
}

const nameOf = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined)

/** What an attempt's error says failed, in the words of retry reasons; undefined when it says nothing new. */
export function failureOf(error: unknown): string | undefined {
  switch (nameOf(error)) {
    case 'NetworkError':
      return 'network error'
    case 'TimeoutError':
      return 'timeout'
    case 'HTTPError': {
      const status = (error as { response?: { status?: number } }).response?.status
      return status === undefined ? undefined : `HTTP ${status}`
    }
    default:
      return undefined // the deadline or an abort ended the wait; the last failure still stands
  }
}

/** The same, from the text a record keeps of its last error (`HTTP 503`, `NetworkError: …`). */
export function failureOfStored(error: string | undefined): string | undefined {
  if (error === undefined) return undefined
  if (error.startsWith('NetworkError')) return 'network error'
  if (error.startsWith('TimeoutError')) return 'timeout'
  return /^HTTP \d+/.exec(error)?.[0]
}
