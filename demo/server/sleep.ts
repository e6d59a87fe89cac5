/** Sleeps that a closing server can cut short, so `close()` never waits on a `slow` chaos answer. */
export interface Sleeper {
  /** Resolves after `ms`, or at once when {@link Sleeper.wakeAll} is called. */
  sleep(ms: number): Promise<void>
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
  return {
    sleep(ms) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(timer)
          resolve()
        }, ms)
        pending.set(timer, resolve)
      })
    },
    wakeAll() {
      for (const [timer, resolve] of pending) {
        clearTimeout(timer)
        resolve()
      }
      pending.clear()
    },
  }
}
