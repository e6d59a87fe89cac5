import { describe, expect, it } from 'vitest'
import { createRecord, decodeRecord, isExpired, transition, type Action, type IntentRecord } from '../../src/record.js'

const key = '01900000-0000-7000-8000-000000000000'
const base = createRecord({ namespace: 'alice', intent: 'checkout:1', key, wire: `"${key}"`, fingerprint: 'f', request: { method: 'POST', url: 'https://a/x', headers: [], body: { encoding: 'text', data: '{}' } }, now: 1000 })
const answer = { status: 201, statusText: 'Created', headers: [] }
const refusal = { status: 401, statusText: 'Unauthorized', headers: [] }
const sent = (record: IntentRecord, declined = false) => transition(record, { type: 'attempt', declined }, 1500)

describe('transition', () => {
  it.each<{ title: string; from: IntentRecord['state']; action: Action; state: IntentRecord['state'] }>([
    { title: 'an answer confirms a pending intent', from: 'pending', action: { type: 'confirm', response: answer }, state: 'confirmed' },
    { title: 'a stall keeps it pending', from: 'pending', action: { type: 'stall', error: 'timeout', declined: false, retryAt: undefined }, state: 'pending' },
    { title: 'a confirmed intent never goes back to pending', from: 'confirmed', action: { type: 'stall', error: 'late', declined: false, retryAt: undefined }, state: 'confirmed' },
    { title: 'a confirmed intent is never rejected by a late answer', from: 'confirmed', action: { type: 'refuse', response: refusal, certain: true }, state: 'confirmed' },
    { title: 'a rejected intent is not confirmed later', from: 'rejected', action: { type: 'confirm', response: answer }, state: 'rejected' },
    { title: 'a decided intent counts no more attempts', from: 'confirmed', action: { type: 'attempt', declined: false }, state: 'confirmed' },
  ])('$title', ({ from, action, state }) => {
    const record = { ...sent(base), state: from }
    const next = transition(record, action, 2000)
    expect(next.state).toBe(state)
    if (from !== 'pending') expect(next).toBe(record)
  })

  it.each<{ title: string; history: Array<'sent' | 'declined'>; certain?: boolean; state: IntentRecord['state'] }>([
    { title: 'a refusal of the only attempt frees the key', history: ['sent'], state: 'rejected' },
    { title: 'a refusal after declined attempts (429, 409) frees the key', history: ['sent', 'declined', 'declined'], state: 'rejected' },
    { title: 'a refusal after an attempt that may have acted keeps it', history: ['sent', 'sent'], state: 'pending' },
    { title: 'a refusal after an ambiguous attempt then a declined one keeps it', history: ['sent', 'sent', 'declined'], state: 'pending' },
    { title: 'a replayed refusal (the key\'s first answer) frees it whatever came before', history: ['sent', 'sent'], certain: true, state: 'rejected' },
  ])('$title', ({ history, certain = false, state }) => {
    // Each entry is one attempt; 'declined' says the attempt before it was answered with a 4xx.
    let record = base
    for (const step of history) record = sent(record, step === 'declined')
    const next = transition(record, { type: 'refuse', response: refusal, certain }, 2000)
    expect(next.state).toBe(state)
    expect(next.key).toBe(key)
    if (state === 'pending') expect(next.error).toMatch(/^HTTP 401 after an attempt that may have acted/)
  })

  it('adds attempts and declines to what is stored, so two tabs\' counts add up', () => {
    const first = sent(sent(base), true)
    expect(first).toMatchObject({ attempts: 2, declined: 1, updatedAt: 1500 })
    expect(transition(first, { type: 'stall', error: 'HTTP 429', declined: true, retryAt: 9000 }, 3000)).toMatchObject({ attempts: 2, declined: 2, error: 'HTTP 429', retryAt: 9000 })
  })

  it('keeps when the next try was due only until the next run', () => {
    const stalled = transition(sent(base), { type: 'stall', error: 'HTTP 503', declined: false, retryAt: 9000 }, 2000)
    expect(transition(stalled, { type: 'stall', error: 'timeout', declined: false, retryAt: undefined }, 3000).retryAt).toBeUndefined()
    expect(transition(stalled, { type: 'confirm', response: answer }, 3000).retryAt).toBeUndefined()
  })

  it('drops the request body once decided, keeping what a replay needs', () => {
    const confirmed = transition(sent(base), { type: 'confirm', response: answer }, 2000)
    expect(confirmed.request).toEqual({ method: 'POST', url: 'https://a/x', headers: [] })
    expect(confirmed).toMatchObject({ fingerprint: 'f', response: answer, key, wire: `"${key}"` })
  })
})

describe('decodeRecord', () => {
  it('accepts a record of the asked intent and namespace', () => {
    expect(decodeRecord(structuredClone(base), 'alice', 'checkout:1')).toEqual({ ok: true, record: base })
  })
  it.each([
    { title: 'not an object', value: 'garbage', key: undefined },
    { title: 'a future version, whose key is kept', value: { ...base, v: 2 }, key },
    { title: 'a malformed record, whose key is kept', value: { ...base, state: 'weird' }, key },
    { title: 'a record without a key', value: { ...base, key: 42 }, key: undefined },
    { title: 'a key in another format', value: { ...base, key: 'k-1', wire: 'k-1' }, key: undefined },
    { title: 'a wire value that is not the key', value: { ...base, wire: '"another"' }, key },
    { title: 'a record without counts', value: { ...base, declined: undefined }, key },
  ])('reports $title', ({ value, key }) => {
    expect(decodeRecord(value, 'alice', 'checkout:1')).toMatchObject({ ok: false, key })
  })
  it.each([
    { title: 'another intent', namespace: 'alice', intent: 'checkout:2' },
    { title: 'another namespace', namespace: 'bob', intent: 'checkout:1' },
  ])('marks a record of $title as foreign', ({ namespace, intent }) => {
    expect(decodeRecord(base, namespace, intent)).toMatchObject({ ok: false, foreign: true })
  })
})

describe('isExpired', () => {
  it.each([
    { age: 999, expected: false },
    { age: 1000, expected: false },
    { age: 1001, expected: true },
  ])('after $age ms with a ttl of 1000: $expected', ({ age, expected }) => {
    expect(isExpired(base, 1000, base.createdAt + age)).toBe(expected)
  })
})
