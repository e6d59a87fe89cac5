import type { OncelyEvent } from 'oncely'
import { seconds, type Countdown } from './countdown.js'
import { clock, h } from './dom.js'
import { shortKey } from './key.js'
import { failureOf } from './payment.js'

export type Tone = 'info' | 'sent' | 'lost' | 'wait' | 'ok' | 'bad'

/** One line of the attempts timeline. */
export interface Entry {
  tone: Tone
  title: string
  detail?: string
  /** Counts down "retry in N s" until this time (epoch ms), for a try that will come. */
  until?: number
}

/** What the page knew when the event arrived. */
export interface Seen {
  /** This page's own call was sending or waiting to send. */
  driving: boolean
  online: boolean
}

const reasons: Record<string, string> = {
  'network error': 'Connection lost before an answer',
  timeout: 'No answer in time (timed out)',
  'HTTP 409': 'HTTP 409 · first request still in progress',
  'HTTP 429': 'HTTP 429 · too many requests',
  'HTTP 503': 'HTTP 503 · service unavailable',
}

const attempts = (n: number): string => `${n} attempt${n === 1 ? '' : 's'}`

/** What an oncely event means to a shopper watching the payment; undefined for the ones not shown. */
export function describe(event: OncelyEvent, seen: Seen): Entry | undefined {
  switch (event.type) {
    case 'created':
      return { tone: 'info', title: 'Key minted and saved on this device', detail: `Idempotency-Key ${shortKey(event.key)}, written before the first byte` }
    case 'waiting':
      return { tone: 'wait', title: 'Another tab is sending this payment', detail: 'This tab waits for its answer and sends nothing meanwhile' }
    case 'attempt':
      return seen.driving
        ? { tone: 'sent', title: `Attempt ${event.attempt} sent`, detail: `POST /api/orders · same key ${shortKey(event.key)}` }
        : { tone: 'sent', title: `Attempt ${event.attempt} sent by itself`, detail: `A background try · same key ${shortKey(event.key)}` }
    case 'retry-scheduled':
      return event.background ? background(event, seen) : retry(event)
    case 'offline':
      return { tone: 'wait', title: 'Offline · waiting for the network', detail: 'No attempt is spent while offline' }
    case 'confirmed': {
      if (event.remote) return { tone: 'ok', title: 'Confirmed in another tab', detail: 'Another tab or the service worker got the answer, with the same key; this tab sent nothing' }
      const status = event.record.response?.status ?? 200
      const replayed = event.record.response?.headers.some(([name, value]) => name === 'idempotent-replayed' && value === 'true')
      return {
        tone: 'ok',
        title: `HTTP ${status} · payment confirmed${seen.driving ? '' : ' by itself'}`,
        detail: replayed ? 'The server recognised the key and replayed its stored answer: no second charge' : 'Charged once',
      }
    }
    case 'rejected':
      if (event.remote) return { tone: 'bad', title: `HTTP ${event.status} · refused, heard from another tab`, detail: 'The server did not act; paying again uses a new key' }
      return { tone: 'bad', title: `HTTP ${event.status} · payment refused`, detail: 'The server did not act; paying again uses a new key' }
    case 'pending':
      return pending(event, seen)
    case 'replayed':
      return { tone: 'ok', title: 'Already paid · stored order returned', detail: 'No request sent, no new charge' }
    case 'storage-degraded':
      return { tone: 'bad', title: 'Storage degraded', detail: `${event.from} → ${event.to}: ${event.reason}` }
  }
}

function retry(event: Extract<OncelyEvent, { type: 'retry-scheduled' }>): Entry {
  const lost = event.reason === 'network error' || event.reason === 'timeout'
  const wait = `${(event.delay / 1000).toFixed(1)} s`
  return {
    tone: lost ? 'lost' : 'wait',
    title: reasons[event.reason] ?? event.reason,
    detail: lost ? `The server may have charged: retry after ${wait}, same key` : `The server asked for a pause: retry after ${wait}, same key`,
    until: event.at,
  }
}

/** A try the client scheduled on its own, after a call gave up. */
function background(event: Extract<OncelyEvent, { type: 'retry-scheduled' }>, seen: Seen): Entry | undefined {
  // This page's call is driving: that try would find the intent busy and only reschedule.
  if (seen.driving) return undefined
  const [title, why] = event.reason === 'woken'
    ? ['Trying again now', 'The network came back, the page became visible or the server answered'] as const
    : event.reason === 'picked up'
      ? ['Unfinished payment picked up', 'Left pending by an earlier page; oncely tries it again'] as const
      : ['Next try by itself', 'The call gave up waiting; oncely keeps trying'] as const
  if (!seen.online) return { tone: 'wait', title, detail: `Offline: it goes out when the network is back, same key ${shortKey(event.key)}` }
  return { tone: 'wait', title, detail: `${why}, same key ${shortKey(event.key)}`, until: event.at }
}

function pending(event: Extract<OncelyEvent, { type: 'pending' }>, seen: Seen): Entry {
  const { attempts: n } = event.record
  const error = event.error instanceof Error ? event.error.name : ''
  if (error === 'IntentExpiredError') return { tone: 'bad', title: 'No longer retried by itself', detail: 'Pending for longer than the server keeps keys: check the order before paying again' }
  if (n === 0) {
    const when = seen.online ? 'the next try sends it' : 'it goes out when the network is back'
    return { tone: 'wait', title: 'Not sent yet · nothing left this device', detail: `The payment is saved with its key; ${when}` }
  }
  if (!seen.driving) {
    const failure = failureOf(event.error)
    return { tone: 'lost', title: `Attempt ${n} failed`, detail: `${failure ? `${reasons[failure] ?? failure}. ` : ''}The key is kept for the next try` }
  }
  return { tone: 'lost', title: `Still unconfirmed after ${attempts(n)}`, detail: 'The key is kept: oncely keeps trying with it by itself' }
}

/** The `<ol>` of entries, newest last, with a live countdown on the one try that is coming. */
export function createTimeline(list: HTMLOListElement, countdown: Countdown) {
  /** Ends the countdown of earlier lines: whatever they were waiting for has happened or changed. */
  const settle = () => {
    for (const old of list.querySelectorAll<HTMLElement>('[data-until]')) {
      delete old.dataset.until
      const slot = old.querySelector<HTMLElement>('.countdown')
      if (slot) {
        countdown.stop(slot)
        slot.replaceChildren()
      }
    }
  }
  return {
    /** Adds a line, last (as it happens) or first (what the page found when it loaded). */
    add(entry: Entry, where: 'last' | 'first' = 'last') {
      list.querySelector('.empty')?.remove()
      if (where === 'last') settle()
      const slot = entry.until ? h('span', { class: 'countdown' }) : null
      const item = h('li', { class: `entry ${entry.tone}`, 'data-tone': entry.tone, 'data-title': entry.title },
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        h('div', { class: 'what' },
          h('p', { class: 'title' }, entry.title, slot),
          entry.detail ? h('p', { class: 'detail' }, entry.detail) : null),
        h('time', {}, clock(Date.now())))
      if (entry.until && slot) {
        item.dataset.until = String(entry.until)
        countdown.start(slot, entry.until, left => {
          if (left === 0) delete item.dataset.until
          return left > 0 ? `retry in ${seconds(left)}` : ''
        })
      }
      if (where === 'first') return void list.prepend(item)
      list.append(item)
      list.scrollTop = list.scrollHeight
    },
    /** Stops any countdown: the try it announced will not come when it said (offline, decided). */
    settle,
    clear(message: string) {
      settle()
      list.replaceChildren(h('li', { class: 'empty' }, message))
    },
  }
}

export type Timeline = ReturnType<typeof createTimeline>
