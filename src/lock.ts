/**
 * Runs `task` holding the Web Lock `name`, so two tabs never send the same intent at once; the tab
 * that waited then re-reads the record (usually `confirmed` by then). Where `navigator.locks` is
 * missing (older Safari, React Native, Node) the task runs unlocked: the atomic store insert still
 * yields one key, and a concurrent send is answered 409 by the server and retried.
 */
export function withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks
  if (!locks || typeof locks.request !== 'function') return task()
  return locks.request(name, task) as Promise<T>
}

/** One flight per intent in this JS context: a double click joins the call already under way. */
export class Flights<T> {
  readonly #flights = new Map<string, { fingerprint: string; promise: Promise<T> }>()

  get(name: string): { fingerprint: string; promise: Promise<T> } | undefined {
    return this.#flights.get(name)
  }

  start(name: string, fingerprint: string, run: () => Promise<T>): Promise<T> {
    const promise = run().finally(() => this.#flights.delete(name))
    this.#flights.set(name, { fingerprint, promise })
    return promise
  }
}
