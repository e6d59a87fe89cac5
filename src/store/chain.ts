import type { IntentStore } from './types.js'
import { indexedDbStore } from './indexeddb.js'
import { localStorageStore } from './localstorage.js'
import { memoryStore } from './memory.js'

/** Which store to use: a name, or your own `IntentStore`. `'auto'` picks the best this runtime has. */
export type StoreOption = 'auto' | 'indexeddb' | 'localstorage' | 'memory' | IntentStore

/** Told when a store fails and the next one takes over. */
export type DegradeListener = (from: string, to: string, error: unknown) => void

/**
 * The stores to try, best first, looked up now (not at import). A named store still falls back to
 * memory, so a failing disk never crashes a call.
 */
export function candidateStores(option: StoreOption): IntentStore[] {
  if (typeof option === 'object') return [option, memoryStore()]
  const chain: IntentStore[] = []
  if ((option === 'auto' || option === 'indexeddb') && typeof globalThis.indexedDB !== 'undefined') chain.push(indexedDbStore())
  if (option === 'auto' || option === 'localstorage') {
    const storage = probeLocalStorage()
    if (storage) chain.push(localStorageStore(storage))
  }
  chain.push(memoryStore())
  return chain
}

// Reading `localStorage` itself throws in sandboxed iframes and some private modes.
function probeLocalStorage(): Storage | undefined {
  try {
    const storage = globalThis.localStorage
    if (!storage) return undefined
    storage.setItem('oncely:probe', '1')
    storage.removeItem('oncely:probe')
    return storage
  } catch {
    return undefined
  }
}

/**
 * A store that moves down the chain when the current one throws (quota, blocked, private mode),
 * telling `onDegrade` each time. The move is sticky: a store that failed once is not trusted again
 * in this client. The last store (memory) does not fail.
 */
export function degradingStore(chain: IntentStore[], onDegrade: DegradeListener): IntentStore {
  let index = 0
  const run = async <T>(op: (store: IntentStore) => Promise<T>): Promise<T> => {
    for (;;) {
      const store = chain[index]!
      try {
        return await op(store)
      } catch (error) {
        if (index === chain.length - 1) throw error
        index++
        onDegrade(store.name, chain[index]!.name, error)
      }
    }
  }
  return {
    get name() {
      return chain[index]!.name
    },
    get atomic() {
      return chain[index]!.atomic
    },
    get: key => run(store => store.get(key)),
    update: (key, updater) => run(store => store.update(key, updater)),
    delete: key => run(store => store.delete(key)),
    entries: prefix => run(store => store.entries(prefix)),
  }
}
