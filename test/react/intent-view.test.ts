import { describe, expect, it } from 'vitest'
import type { IntentRecord } from '../../src/index.js'
import { initialView, reduceView, type ViewAction, type ViewState } from '../../src/react/intent-view.js'

const key = '01900000-0000-7000-8000-000000000000'
const record = (fields: Partial<IntentRecord> = {}): IntentRecord => ({
  v: 1, namespace: 'default', intent: 'checkout:1', key, wire: `"${key}"`, state: 'pending', fingerprint: 'POST x',
  request: { method: 'POST', url: 'http://api.test/orders', headers: [] }, attempts: 1, declined: 0, createdAt: 0, updatedAt: 0, ...fields,
})
const view = (fields: Partial<ViewState<unknown>> = {}): ViewState<unknown> => ({ ...initialView('checkout:1'), ready: true, ...fields })
const event = (e: Extract<ViewAction<unknown>, { type: 'event' }>['event']): ViewAction<unknown> => ({ type: 'event', event: e })

const rows: Array<{ title: string; from: ViewState<unknown>; action: ViewAction<unknown>; expected: Partial<ViewState<unknown>> }> = [
  { title: 'a store read of nothing leaves it idle and ready', from: initialView('checkout:1'), action: { type: 'loaded', record: undefined, response: undefined, data: undefined }, expected: { state: 'idle', ready: true } },
  { title: 'a store read of a pending record shows its key and attempts', from: initialView('checkout:1'), action: { type: 'loaded', record: record({ attempts: 4 }), response: undefined, data: undefined }, expected: { state: 'pending', key, attempt: 4, busy: false } },
  { title: 'a late store read does not overwrite an event already heard', from: view({ state: 'confirmed', heard: true, ready: false }), action: { type: 'loaded', record: undefined, response: undefined, data: undefined }, expected: { state: 'confirmed', ready: true } },
  { title: 'a send marks it busy and clears the last error', from: view({ error: new Error('x') }), action: { type: 'start' }, expected: { busy: true, error: undefined } },
  { title: 'created: pending and busy', from: view(), action: event({ type: 'created', intent: 'checkout:1', key, record: record({ attempts: 1 }) }), expected: { state: 'pending', busy: true, key, attempt: 1 } },
  { title: 'attempt: counts it and clears the scheduled retry', from: view({ state: 'pending', nextRetryAt: 5, offline: true }), action: event({ type: 'attempt', intent: 'checkout:1', key, attempt: 3 }), expected: { attempt: 3, nextRetryAt: undefined, offline: false, busy: true } },
  { title: 'retry-scheduled: shows when', from: view({ state: 'pending', attempt: 2 }), action: event({ type: 'retry-scheduled', intent: 'checkout:1', key, attempt: 2, delay: 100, at: 1100, reason: 'HTTP 503' }), expected: { nextRetryAt: 1100, attempt: 2 } },
  { title: 'offline: waiting, no retry time', from: view({ state: 'pending', nextRetryAt: 9 }), action: event({ type: 'offline', intent: 'checkout:1', key }), expected: { offline: true, nextRetryAt: undefined } },
  { title: 'confirmed: done, not busy', from: view({ state: 'pending', busy: true, nextRetryAt: 9 }), action: event({ type: 'confirmed', intent: 'checkout:1', key, record: record({ state: 'confirmed', attempts: 3 }) }), expected: { state: 'confirmed', busy: false, attempt: 3, nextRetryAt: undefined } },
  { title: 'pending: stalled with the reason', from: view({ state: 'pending', busy: true }), action: event({ type: 'pending', intent: 'checkout:1', key, record: record({ attempts: 9 }), error: 'gone' }), expected: { state: 'pending', busy: false, attempt: 9, error: 'gone' } },
  { title: 'a storage note changes nothing shown', from: view({ state: 'pending' }), action: event({ type: 'storage-degraded', from: 'indexeddb', to: 'memory', reason: 'quota' }), expected: { state: 'pending' } },
  { title: 'reset: idle again, ready', from: view({ state: 'confirmed', key, attempt: 2 }), action: { type: 'reset' }, expected: { state: 'idle', key: undefined, attempt: 0, ready: true } },
]

describe('reduceView', () => {
  it.each(rows)('$title', ({ from, action, expected }) => {
    expect(reduceView(from, action)).toMatchObject(expected)
  })
})
