import { describe, expect, it } from 'vitest'
import { classify, defaultRetryStatuses, retryAfterMs } from '../../src/classify.js'

const plain = new Headers()
const replayed = new Headers({ 'Idempotent-Replayed': 'true' })

describe('classify', () => {
  it.each([
    [200, 'confirmed'], [201, 'confirmed'], [204, 'confirmed'], [303, 'confirmed'],
    [408, 'retry'], [409, 'retry'], [425, 'retry'], [429, 'retry'],
    [500, 'retry'], [502, 'retry'], [503, 'retry'], [504, 'retry'],
    [400, 'refused'], [401, 'refused'], [404, 'refused'], [422, 'refused'],
    [501, 'unknown'], [505, 'unknown'],
  ] as const)('%i → %s', (status, outcome) => {
    expect(classify(status, plain, defaultRetryStatuses)).toBe(outcome)
  })

  it.each([
    { title: 'follows a configured retry list', status: 429, list: [503], outcome: 'refused' },
    { title: 'retries 409 ("in progress") even when the list leaves it out', status: 409, list: [503], outcome: 'retry' },
    { title: 'retries 409 with an empty list', status: 409, list: [], outcome: 'retry' },
  ])('$title', ({ status, list, outcome }) => {
    expect(classify(status, plain, list)).toBe(outcome)
  })

  it.each([500, 502, 503, 504])('stops on a %i the server marks as its stored result for the key', status => {
    expect(classify(status, replayed, defaultRetryStatuses)).toBe('unknown')
  })

  it('still confirms a replayed 2xx and refuses a replayed 4xx', () => {
    expect(classify(201, replayed, defaultRetryStatuses)).toBe('confirmed')
    expect(classify(422, replayed, defaultRetryStatuses)).toBe('refused')
  })
})

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-23T10:00:00Z')
  it.each([
    { title: 'delta-seconds', value: '3', expected: 3000 },
    { title: 'fractional seconds', value: '1.5', expected: 1500 },
    { title: 'an HTTP-date', value: 'Mon, 23 Nov 2026 10:00:07 GMT', expected: 7000 },
    { title: 'a date in the past means now', value: 'Mon, 23 Nov 2026 09:00:00 GMT', expected: 0 },
    { title: 'garbage is ignored', value: 'soon', expected: undefined },
    { title: 'empty is ignored', value: '', expected: undefined },
    { title: 'absent is ignored', value: null, expected: undefined },
  ])('$title', ({ value, expected }) => {
    expect(retryAfterMs(value, now)).toBe(expected)
  })
})
