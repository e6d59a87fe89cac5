import type { OncelyEvent } from 'oncely'
import { clock, h, shortKey } from './dom.js'

export type Tone = 'info' | 'sent' | 'lost' | 'wait' | 'ok' | 'bad'

/** One line of the attempts timeline. */
export interface Entry {
  tone: Tone
  title: string
  detail?: string
  /** Counts down "retry in N s" until this time (epoch ms). */
  until?: number
}

const reasons: Record<string, string> = {
  'network error': 'Connection lost before an answer',
  timeout: 'No answer in time (timed out)',
  'HTTP 409': 'HTTP 409 · first request still in progress',
  'HTTP 429': 'HTTP 429 · too many requests',
  'HTTP 503': 'HTTP 503 · service unavailable',
}

/** What an oncely event means to a shopper watching the payment; undefined for the ones not shown. */
export function describe(event: OncelyEvent): Entry | undefined {
  switch (event.type) {
    case 'created':
      return { tone: 'info', title: 'Key minted and saved on this device', detail: `Idempotency-Key ${shortKey(event.key)}, written before the first byte` }
    case 'attempt':
      return { tone: 'sent', title: `Attempt ${event.attempt} sent`, detail: `POST /api/orders · same key ${shortKey(event.key)}` }
    case 'retry-scheduled': {
      const lost = event.reason === 'network error' || event.reason === 'timeout'
      const wait = `${(event.delay / 1000).toFixed(1)} s`
      return {
        tone: lost ? 'lost' : 'wait',
        title: reasons[event.reason] ?? event.reason,
        detail: lost ? `The server may have charged: retry after ${wait}, same key` : `The server asked for a pause: retry after ${wait}, same key`,
        until: event.at,
      }
    }
    case 'offline':
      return { tone: 'wait', title: 'Offline · waiting for the network', detail: 'No attempt is spent while offline' }
    case 'confirmed': {
      const status = event.record.response?.status ?? 200
      const replayed = event.record.response?.headers.some(([name, value]) => name === 'idempotent-replayed' && value === 'true')
      return {
        tone: 'ok',
        title: `HTTP ${status} · payment confirmed`,
        detail: replayed ? 'The server recognised the key and replayed its stored answer: no second charge' : 'Charged once',
      }
    }
    case 'rejected':
      return { tone: 'bad', title: `HTTP ${event.status} · payment refused`, detail: 'The server did not act; paying again uses a new key' }
    case 'pending':
      return { tone: 'lost', title: `Still unconfirmed after ${event.record.attempts} attempt(s)`, detail: 'The key is kept: resuming later cannot charge twice' }
    case 'replayed':
      return { tone: 'ok', title: 'Already paid · stored order returned', detail: 'No request sent, no new charge' }
    case 'storage-degraded':
      return { tone: 'bad', title: 'Storage degraded', detail: `${event.from} → ${event.to}: ${event.reason}` }
  }
}

/** The `<ol>` of entries, newest last, with live "retry in N s" countdowns. */
export function createTimeline(list: HTMLOListElement) {
  let timer: ReturnType<typeof setInterval> | undefined
  const tick = () => {
    let live = false
    for (const item of list.querySelectorAll<HTMLElement>('[data-until]')) {
      const left = Number(item.dataset.until) - Date.now()
      const slot = item.querySelector('.countdown')
      if (!slot) continue
      if (left > 0) {
        live = true
        slot.textContent = `retry in ${(left / 1000).toFixed(left < 10_000 ? 1 : 0)} s`
      } else {
        slot.textContent = ''
        delete item.dataset.until
      }
    }
    if (!live && timer !== undefined) {
      clearInterval(timer)
      timer = undefined
    }
  }
  return {
    add(entry: Entry) {
      list.querySelector('.empty')?.remove()
      const item = h('li', { class: `entry ${entry.tone}`, 'data-tone': entry.tone, 'data-title': entry.title },
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        h('div', { class: 'what' },
          h('p', { class: 'title' }, entry.title, entry.until ? h('span', { class: 'countdown' }) : null),
          entry.detail ? h('p', { class: 'detail' }, entry.detail) : null),
        h('time', {}, clock(Date.now())))
      if (entry.until) {
        // A new line means the wait is over for the earlier ones.
        for (const old of list.querySelectorAll<HTMLElement>('[data-until]')) {
          delete old.dataset.until
          old.querySelector('.countdown')?.replaceChildren()
        }
        item.dataset.until = String(entry.until)
        timer ??= setInterval(tick, 100)
      }
      list.append(item)
      tick()
      list.scrollTop = list.scrollHeight
    },
    clear(message: string) {
      list.replaceChildren(h('li', { class: 'empty' }, message))
    },
  }
}

export type Timeline = ReturnType<typeof createTimeline>
