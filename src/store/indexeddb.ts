import { createStore, del, entries, get, update, type UseStore } from 'idb-keyval'
import type { IntentStore } from './types.js'

/** Database and object store names: part of the on-disk format, so they never change silently. */
export const databaseName = 'oncely'
export const objectStoreName = 'intents'

/**
 * Records in IndexedDB through idb-keyval. `update` is one readwrite transaction, which browsers
 * serialise across tabs: two tabs that mint at once agree on one key even without Web Locks.
 */
export function indexedDbStore(db: UseStore = createStore(databaseName, objectStoreName)): IntentStore {
  return {
    name: 'indexeddb',
    atomic: true,
    get: key => get(key, db),
    update: async (key, updater) => {
      let stored: unknown
      // The updater runs inside the transaction, so what it returns is what won.
      await update(key, current => (stored = updater(current)), db)
      return stored
    },
    delete: key => del(key, db),
    entries: async prefix => {
      const all = await entries<IDBValidKey, unknown>(db)
      return all.filter((entry): entry is [string, unknown] => typeof entry[0] === 'string' && entry[0].startsWith(prefix))
    },
  }
}
