import { money } from './cart.js'
import { shortKey } from './key.js'
import { storedReceipt } from './orders.js'
import { driving, type Payment, type Tone } from './payment.js'

/**
 * The main message. `{next}` in `text` is where the live "next try in N s" goes; `until` is when
 * that try is due. The words never promise a try that will not come: no `until`, no countdown.
 */
export interface Notice {
  tone: Tone
  kind: string
  text: string
  until?: number
}

export interface Button {
  label: string
  disabled: boolean
  /** Shows the spinner: something is under way. */
  busy: boolean
  /** What a press does: pay (a new intent, or a replay of a paid one), or resume the pending one with its key. */
  action: 'pay' | 'check'
}

export interface Status {
  notice: Notice
  button: Button
  /** The state pill of the inspector. */
  pill: { state: string; text: string }
}

/** Everything the shopper sees about the payment, from what the page knows. Pure. */
export function statusOf(p: Payment, total: string): Status {
  return { notice: noticeOf(p), button: buttonOf(p, total), pill: pillOf(p) }
}

function noticeOf(p: Payment): Notice {
  const { record } = p
  const key = record ? shortKey(record.key) : undefined
  const sameKey = key ? `the same key (${key})` : 'the same key'
  if (p.doing === 'waiting-tab') {
    return {
      tone: 'info', kind: 'waiting',
      text: `Your other tab is paying for this cart${key ? ` with key ${key}` : ''}. This tab waits for its answer and sends nothing: you can only be charged once.`,
    }
  }
  if (p.doing === 'offline' || (!p.online && record?.state === 'pending')) return offline(p, key)
  if (driving(p)) return calling(p, sameKey)
  if (p.outcome) return p.outcome
  if (record?.state === 'pending') return pending(p, key!, sameKey)
  if (record?.state === 'confirmed') {
    const receipt = storedReceipt(record)
    const order = receipt ? `: order ${receipt.orderId}, ${money(receipt.amount)}` : ''
    return { tone: 'ok', kind: 'already-paid', text: `You already paid for this cart${order}. Pressing Pay again shows that order; it does not charge you again.` }
  }
  if (record?.state === 'rejected') return { tone: 'bad', kind: 'refused', text: 'The last payment for this cart was refused, and you were not charged. Pay tries again with a new key.' }
  return { tone: 'info', kind: 'idle', text: 'Your payment is protected: retries, reloads and the Back button can never charge you twice.' }
}

function offline(p: Payment, key: string | undefined): Notice {
  const saved = key ? `saved on this device with its key (${key})` : 'saved on this device'
  if (!p.record || p.record.attempts === 0) {
    return { tone: 'warn', kind: 'offline', text: `You are offline, and nothing has been sent yet. Your payment is ${saved} and goes out as soon as you are back.` }
  }
  return { tone: 'warn', kind: 'offline', text: `You are offline. Your payment is ${saved}; we try again with that key as soon as you are back, so you cannot be charged twice.` }
}

/** This page's own call, under way. */
function calling(p: Payment, sameKey: string): Notice {
  const waiting = p.nextTryAt !== undefined
  if (p.call!.kind === 'check') {
    const retry = waiting ? ` ${failurePhrase(p.failure)} — retrying, {next}.` : ''
    return { tone: waiting ? 'warn' : 'info', kind: 'checking', text: `Checking your payment with ${sameKey}: you will not be charged twice.${retry}`, until: p.nextTryAt }
  }
  if (waiting) return { tone: 'warn', kind: 'paying', text: `${failurePhrase(p.failure)} — retrying with ${sameKey}, {next}. You can only be charged once.`, until: p.nextTryAt }
  return { tone: 'info', kind: 'paying', text: 'Processing your payment. If the network hiccups we retry with the same key: you can only be charged once.' }
}

/** Pending, with no call of this page under way: the client (or another tab) keeps at it. */
function pending(p: Payment, key: string, sameKey: string): Notice {
  if (p.expired) {
    return { tone: 'bad', kind: 'expired', text: `We could not confirm this payment (key ${key}) for over a day, so it is no longer retried by itself: the server may have forgotten its key. Check your orders before paying again.` }
  }
  if (p.doing === 'sending') return { tone: 'warn', kind: 'pending', text: `Checking your payment with ${sameKey}…` }
  if (p.nextTryAt !== undefined) {
    return { tone: 'warn', kind: 'pending', text: `${failurePhrase(p.failure)} — we keep trying with ${sameKey}, {next}. You will not be charged twice.`, until: p.nextTryAt }
  }
  return { tone: 'warn', kind: 'pending', text: `Your payment is not confirmed yet. It is retried with ${sameKey}, so you will not be charged twice; check its status any time.` }
}

/** What went wrong, as a shopper would say it. */
export function failurePhrase(failure: string | undefined): string {
  if (failure === undefined) return 'Not confirmed yet'
  if (failure === 'network error') return 'Connection lost'
  if (failure === 'timeout') return 'No answer in time'
  if (failure === 'HTTP 429') return 'The payment server asked us to slow down (HTTP 429)'
  if (failure === 'HTTP 409') return 'Your first attempt is still being processed (HTTP 409)'
  if (failure.startsWith('HTTP 5')) return `The payment server is unavailable (${failure})`
  return `No clear answer (${failure})`
}

function buttonOf(p: Payment, total: string): Button {
  const pending = p.record?.state === 'pending'
  if (p.doing === 'waiting-tab') return { label: 'Waiting for your other tab…', disabled: true, busy: true, action: 'check' }
  if (p.doing === 'offline' && (driving(p) || pending)) return { label: 'Waiting for network…', disabled: true, busy: true, action: 'check' }
  if (driving(p)) return { label: p.call!.kind === 'pay' ? 'Processing payment…' : 'Checking payment status…', disabled: true, busy: true, action: 'check' }
  // Pending means the server may have acted: the button never offers to pay again, only to check.
  if (pending && p.doing === 'sending') return { label: 'Checking payment status…', disabled: true, busy: true, action: 'check' }
  if (pending && !p.online) return { label: 'Waiting for network…', disabled: true, busy: true, action: 'check' }
  if (pending) return { label: 'Check payment status', disabled: p.expired, busy: false, action: 'check' }
  return { label: `Pay ${total}`, disabled: false, busy: false, action: 'pay' }
}

function pillOf(p: Payment): Status['pill'] {
  if (p.doing === 'waiting-tab') return { state: 'waiting', text: 'waiting for another tab' }
  return { state: p.record?.state ?? 'none', text: p.record?.state ?? 'not started' }
}
