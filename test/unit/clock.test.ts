import { describe, expect, it } from 'vitest'
import { createClock } from '../../src/clock.js'

const real = Date.parse('2026-11-23T10:00:00Z')
const http = (ms: number) => new Date(ms).toUTCString()

/** A device whose wall clock and monotonic clock the test moves separately. */
function device(wallOffset = 0) {
  const state = { wall: real + wallOffset, mono: 1000 }
  return { state, clock: createClock(() => state.wall, () => state.mono) }
}

describe('createClock', () => {
  it.each([
    { title: 'no server Date yet: the device clock, unchecked', offset: 0, date: null, now: real, checked: undefined },
    { title: 'an unreadable Date changes nothing', offset: 0, date: 'soon', now: real, checked: undefined },
    { title: 'a device a day ahead: the server\'s time', offset: 25 * 3600_000, date: http(real), now: real, checked: real },
    { title: 'a device an hour behind: the server\'s time', offset: -3600_000, date: http(real), now: real, checked: real },
  ])('$title', ({ offset, date, now, checked }) => {
    const { clock } = device(offset)
    clock.observe(date)
    expect(clock.now()).toBe(now)
    expect(clock.checked()).toBe(checked)
  })

  it('counts time since the server\'s Date on the monotonic clock, whatever the wall clock does', () => {
    const { state, clock } = device()
    clock.observe(http(real))
    state.mono += 5000
    state.wall += 25 * 3600_000
    expect(clock.now()).toBe(real + 5000)
    state.wall -= 25 * 3600_000
    expect(clock.now()).toBe(real + 5000)
  })

  it('follows the wall clock, jumps included, until the server has spoken', () => {
    const { state, clock } = device()
    state.wall += 25 * 3600_000
    expect(clock.now()).toBe(real + 25 * 3600_000)
  })
})
