import { describe, expect, it } from 'vitest'
import { MAX_KEY_LENGTH, parseIdempotencyKey } from '../../src/server/key.js'

const UUID = '0190b6e4-7a1c-7cc1-9d2e-5f3a2b1c0d9e'

describe('parsing the Idempotency-Key header', () => {
  it.each([
    { title: 'a quoted sf-string', header: `"${UUID}"`, key: UUID },
    { title: 'a bare value', header: UUID, key: UUID },
    { title: 'surrounding whitespace', header: `  "${UUID}" `, key: UUID },
    { title: 'escaped quote and backslash', header: '"a\\"b\\\\c"', key: 'a"b\\c' },
    { title: 'a key of the maximum length', header: 'k'.repeat(MAX_KEY_LENGTH), key: 'k'.repeat(MAX_KEY_LENGTH) },
  ])('accepts $title', ({ header, key }) => {
    expect(parseIdempotencyKey(header)).toEqual({ ok: true, key })
  })

  it.each([
    { title: 'no header', header: undefined, reason: 'missing' },
    { title: 'an empty header', header: '', reason: 'missing' },
    { title: 'whitespace', header: '   ', reason: 'missing' },
    { title: 'an empty sf-string', header: '""', reason: 'missing' },
    { title: 'a blank sf-string', header: '"  "', reason: 'missing' },
    { title: 'an unterminated sf-string', header: '"abc', reason: 'invalid' },
    { title: 'text after the closing quote', header: '"abc"def', reason: 'invalid' },
    { title: 'an escape sf-string does not allow', header: '"a\\nb"', reason: 'invalid' },
    { title: 'a key that is too long', header: 'k'.repeat(MAX_KEY_LENGTH + 1), reason: 'invalid' },
    { title: 'non-ASCII characters', header: 'clé', reason: 'invalid' },
  ])('refuses $title as $reason', ({ header, reason }) => {
    expect(parseIdempotencyKey(header)).toMatchObject({ ok: false, reason, detail: expect.any(String) })
  })
})
