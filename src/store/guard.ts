import { StorageError } from '../errors.js'
import type { IntentStore } from './types.js'

// Pauses between tries of one operation: a hiccup passes, and a call that must fail fails in ~0.5 s.
const pauses = [20, 100, 400]

/**
 * A store whose operations are retried briefly, then fail with `StorageError`. Nothing is sticky:
 * the next operation trusts the store again. There is no fallback to a weaker store here, because
 * a store that failed on a read may still hold a pending intent's key, and minting beside it
 * could charge twice; falling back is for a runtime that never had the store (see choose.ts).
 */
export function guardStore(store: IntentStore): IntentStore {
  const run = async <T>(operation: string, task: () => Promise<T>): Promise<T> => {
    for (let i = 0; ; i++) {
      try {
        return await task()
      } catch (error) {
        if (i === pauses.length) throw new StorageError(`The ${store.name} store failed to ${operation} ${i + 1} times: ${String(error)}`, { cause: error })
        await new Promise(resolve => setTimeout(resolve, pauses[i]))
      }
    }
  }
  return {
    name: store.name,
    atomic: store.atomic,
    get: key => run('get', () => store.get(key)),
    update: (key, updater) => run('update', () => store.update(key, updater)),
    delete: key => run('delete', () => store.delete(key)),
    entries: prefix => run('list', () => store.entries(prefix)),
  }
}
