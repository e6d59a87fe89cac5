import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { sha256 } from '../../src/server/index.js'
import { sha256Bytes } from '../../src/server/sha256.js'

describe('SHA-256 in plain JavaScript', () => {
  it.each([0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 70_000])('matches node:crypto on %i bytes', (length) => {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 0xff)

    expect(Buffer.from(sha256Bytes(bytes)).toString('hex')).toBe(createHash('sha256').update(bytes).digest('hex'))
  })

  it('gives base64url without padding', async () => {
    expect(await sha256(new TextEncoder().encode('abc'))).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
  })
})
