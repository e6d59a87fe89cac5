import { describe, expect, it } from 'vitest'
import { fingerprint } from '../../src/fingerprint.js'

describe('fingerprint', () => {
  it('is the same for the same request', () => {
    expect(fingerprint('post', 'https://a/x', '{"a":1}')).toBe(fingerprint('POST', 'https://a/x', '{"a":1}'))
  })
  it.each<{ title: string; other: [string, string, string | undefined] }>([
    { title: 'another body', other: ['POST', 'https://a/x', '{"a":2}'] },
    { title: 'another URL', other: ['POST', 'https://a/y', '{"a":1}'] },
    { title: 'another method', other: ['PUT', 'https://a/x', '{"a":1}'] },
    { title: 'no body', other: ['POST', 'https://a/x', undefined] },
  ])('differs for $title', ({ other }) => {
    expect(fingerprint(...other)).not.toBe(fingerprint('POST', 'https://a/x', '{"a":1}'))
  })
})
