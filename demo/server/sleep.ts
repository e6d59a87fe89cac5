/** Sleeps that a closing server can cut short, so `close()` never waits on a `slow` chaos answer. */
export interface Sleeper {
  /** Resolves after `ms`, or at once once {@link Sleeper.wakeAll} has been called. */
  sleep(ms: number): Promise<void>
  /** Ends every sleep now and every later one at once: the server is closing. */
  wakeAll(): void
}

/**
 * Creates a sleeper. `setTimeout` is looked up per call, so fake timers apply.
 *
 * @example
 * const sleeper = createSleeper()
 * await sleeper.sleep(12_000) // or sooner, if sleeper.wakeAll() runs
 */
export function createSleeper(): Sleeper {
  const pending = new Map<ReturnType<typeof setTimeout>, () => void>()
  // A handler may reach its sleep just after close() began; it must not start a fresh 12 s wait.
  let awake = false
  return {
    sleep(ms) {
      if (awake) return Promise.resolve()
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(timer)
          resolve()
        }, ms)
        pending.set(timer, resolve)
      })
    },
    wakeAll() {
      awake = true
      for (const [timer, resolve] of pending) {
        clearTimeout(timer)
        resolve()
      }
      pending.clear()
    },
  }
}
