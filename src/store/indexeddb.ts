import { createStore, del, get, promisifyRequest, type UseStore } from 'idb-keyval'
import type { IntentStore } from './types.js'

/** Database and object store names: part of the on-disk format, so they never change silently. */
export const databaseName = 'oncely'
export const objectStoreName = 'intents'

/**
 * Records in IndexedDB through idb-keyval (which reopens a connection the browser closed).
 * `update` is one readwrite transaction, which browsers serialise across tabs: two tabs that mint
 * at once agree on one key even without Web Locks. `entries` reads one namespace's key range.
 */
export function indexedDbStore(db: UseStore = createStore(databaseName, objectStoreName)): IntentStore {
  return {
    name: 'indexeddb',
    atomic: true,
    get: key => get(key, db),
    update: (key, updater) =>
      db('readwrite', store => {
        let next: unknown
        const read = store.get(key)
        // In the request's own callback, while the transaction is still active.
        read.onsuccess = () => {
          next = updater(read.result)
          if (next !== read.result) store.put(next, key)
        }
        // Resolves once the transaction is durable, with what the updater chose inside it.
        return promisifyRequest(store.transaction).then(() => next)
      }),
    delete: key => del(key, db),
    entries: prefix =>
      db('readonly', store => {
        const range = prefix ? IDBKeyRange.bound(prefix, successor(prefix), false, true) : undefined
        return Promise.all([promisifyRequest(store.getAllKeys(range)), promisifyRequest(store.getAll(range))])
          .then(([keys, values]) => keys.map((key, i): [string, unknown] => [String(key), values[i]]))
      }),
  }
}

// The first string after every string that starts with `prefix`.
const successor = (prefix: string): string => prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)
