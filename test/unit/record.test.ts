import { describe, expect, it } from 'vitest'
import { createRecord, decodeRecord, isExpired, transition, type Action, type IntentRecord } from '../../src/record.js'

const base = createRecord({ intent: 'checkout:1', key: '01900000-0000-7000-8000-000000000000', fingerprint: 'f', request: { method: 'POST', url: 'https://a/x', headers: [] }, now: 1000 })
const answer = { status: 201, statusText: 'Created', headers: [] }

describe('transition', () => {
  it.each<{ title: string; from: IntentRecord['state']; action: Action; state: IntentRecord['state'] }>([
    { title: 'an answer confirms a pending intent', from: 'pending', action: { type: 'confirm', response: answer }, state: 'confirmed' },
    { title: 'a refusal rejects a pending intent', from: 'pending', action: { type: 'reject', response: { ...answer, status: 422 } }, state: 'rejected' },
    { title: 'a stall keeps it pending', from: 'pending', action: { type: 'stall', error: 'timeout' }, state: 'pending' },
    { title: 'a confirmed intent never goes back to pending', from: 'confirmed', action: { type: 'stall', error: 'late' }, state: 'confirmed' },
    { title: 'a confirmed intent is never rejected by a late answer', from: 'confirmed', action: { type: 'reject', response: answer }, state: 'confirmed' },
    { title: 'a rejected intent is not confirmed later', from: 'rejected', action: { type: 'confirm', response: answer }, state: 'rejected' },
  ])('$title', ({ from, action, state }) => {
    expect(transition({ ...base, state: from }, action, 2000).state).toBe(state)
  })

  it('counts attempts upwards only', () => {
    const three = transition(base, { type: 'attempt', attempts: 3 }, 2000)
    expect(three.attempts).toBe(3)
    expect(transition(three, { type: 'attempt', attempts: 2 }, 3000).attempts).toBe(3)
    expect(three.updatedAt).toBe(2000)
  })
})

describe('decodeRecord', () => {
  it('accepts a record', () => {
    expect(decodeRecord(structuredClone(base))).toEqual({ ok: true, record: base })
  })
  it.each([
    { title: 'not an object', value: 'garbage', key: undefined },
    { title: 'a future version, whose key is kept', value: { ...base, v: 2 }, key: base.key },
    { title: 'a malformed record, whose key is kept', value: { ...base, state: 'weird' }, key: base.key },
    { title: 'a record without a key', value: { ...base, key: 42 }, key: undefined },
  ])('reports $title', ({ value, key }) => {
    expect(decodeRecord(value)).toMatchObject({ ok: false, key })
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
