import { StorageError } from '../errors.js'
import { indexedDbStore } from './indexeddb.js'
import { localStorageStore } from './localstorage.js'
import { memoryStore } from './memory.js'
import type { IntentStore } from './types.js'

/** Which store to use: a name, or your own `IntentStore`. `'auto'` picks the best this runtime has. */
export type StoreOption = 'auto' | 'indexeddb' | 'localstorage' | 'memory' | IntentStore

/**
 * The store for `option`, looked up now (not at import). `'auto'` falls back from IndexedDB to
 * localStorage to memory only when the runtime has no IndexedDB at all (Node, a sandboxed
 * iframe), telling `degraded`: a store that exists but fails is retried, never swapped (guard.ts).
 * A store asked for by name that this runtime lacks fails every call that needs it.
 */
export function chooseStore(option: StoreOption, degraded: (from: string, to: string) => void): IntentStore {
  if (typeof option === 'object') return option
  if (option === 'memory') return memoryStore()
  if (option !== 'localstorage' && reach(() => globalThis.indexedDB)) return indexedDbStore()
  const storage = option !== 'indexeddb' ? reach(() => probe(globalThis.localStorage)) : undefined
  if (storage) {
    if (option === 'auto') degraded('indexeddb', 'localstorage')
    return localStorageStore(storage)
  }
  if (option === 'auto') {
    degraded('indexeddb', 'memory')
    return memoryStore()
  }
  const missing = async (): Promise<never> => {
    throw new StorageError(`store: '${option}' was asked for, but this runtime has none.`)
  }
  return { name: option, atomic: true, get: missing, update: missing, delete: missing, entries: missing }
}

// Reading `indexedDB` or `localStorage` itself throws in sandboxed iframes and some private modes.
function reach<T>(read: () => T): T | undefined {
  try {
    return read() ?? undefined
  } catch {
    return undefined
  }
}

function probe(storage: Storage | undefined): Storage | undefined {
  storage?.setItem('oncely:probe', '1')
  storage?.removeItem('oncely:probe')
  return storage
}
