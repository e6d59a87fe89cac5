/**
 * The client's idea of the time, anchored to the server's. A device clock can be off by a day, or
 * jump while a page is open. Once an answer's `Date` header has been seen, time is that date plus
 * the monotonic time elapsed since (`performance.now()`, which no clock change moves); before
 * that, it is the device clock. Ages that decide something (a pending intent's ttl, sweeping
 * decided records) are judged by this, and sweeping, the only thing time may delete, waits until
 * the server has vouched for the time at least once in this JS context.
 */
export interface Clock {
  /** Epoch ms: the server's time when known, else the device's. */
  now(): number
  /** The server's time, or undefined until an answer with a `Date` has been seen here. */
  checked(): number | undefined
  /** Reads an answer's `Date` header (absent on cross-origin answers unless the server exposes it). */
  observe(date: string | null): void
}

export function createClock(wall: () => number, monotonic: () => number = () => globalThis.performance?.now() ?? wall()): Clock {
  let anchor: { server: number; at: number } | undefined
  const checked = () => (anchor === undefined ? undefined : anchor.server + monotonic() - anchor.at)
  return {
    now: () => checked() ?? wall(),
    checked,
    observe(date) {
      const server = date ? Date.parse(date) : Number.NaN
      if (!Number.isNaN(server)) anchor = { server, at: monotonic() }
    },
  }
}
