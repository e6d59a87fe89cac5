import { describe, expect, it } from 'vitest'
import { classifyStatus, defaultRetryStatuses, retryAfterMs } from '../../src/classify.js'

describe('classifyStatus', () => {
  it.each([
    [200, 'confirmed'], [201, 'confirmed'], [204, 'confirmed'], [303, 'confirmed'],
    [408, 'retry'], [409, 'retry'], [425, 'retry'], [429, 'retry'],
    [500, 'retry'], [502, 'retry'], [503, 'retry'], [504, 'retry'],
    [400, 'rejected'], [401, 'rejected'], [404, 'rejected'], [422, 'rejected'],
    [501, 'unknown'], [505, 'unknown'],
  ] as const)('%i → %s', (status, outcome) => {
    expect(classifyStatus(status, defaultRetryStatuses)).toBe(outcome)
  })

  it('follows a configured retry list', () => {
    expect(classifyStatus(409, [503])).toBe('rejected')
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
