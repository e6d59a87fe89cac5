/**
 * Runs `task` holding the Web Lock `name`, so two tabs never send the same intent at once; the tab
 * that waited then re-reads the record (usually `confirmed` by then). `onWait` hears that another
 * tab holds it; with `onWait` undefined, a held lock is not waited for: the result is `busy`.
 * Where `navigator.locks` is missing (older Safari, React Native, Node) the task runs unlocked:
 * the atomic store insert still yields one key, and each attempt is counted at the store before
 * it leaves, so a tab never sends under a key another has decided.
 */
export async function withLock<T>(name: string, task: () => Promise<T>, onWait?: () => void): Promise<T | typeof busy> {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks
  if (!locks || typeof locks.request !== 'function') return task()
  const free = await locks.request(name, { ifAvailable: true }, lock => (lock ? task() : busy))
  if (free !== busy || !onWait) return free as T | typeof busy
  onWait()
  return locks.request(name, task) as Promise<T>
}

/** What `withLock` answers when another tab holds the lock and the caller does not wait. */
export const busy = Symbol('busy')

/** One flight per intent in this JS context: a double click joins the call already under way. */
export class Flights<T> {
  readonly #flights = new Map<string, Flight<T>>()

  get(name: string): Flight<T> | undefined {
    return this.#flights.get(name)
  }

  start(name: string, flight: Omit<Flight<T>, 'promise'>, run: () => Promise<T>): Promise<T> {
    const promise = run().finally(() => this.#flights.delete(name))
    this.#flights.set(name, { ...flight, promise })
    return promise
  }
}

export interface Flight<T> {
  fingerprint: string
  /** A background try (one attempt): a call of the app waits for it to end rather than join it. */
  background: boolean
  promise: Promise<T>
}
