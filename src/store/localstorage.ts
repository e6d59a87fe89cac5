import type { IntentStore } from './types.js'

const prefix = 'oncely:'

/**
 * Records as JSON in `localStorage` (looked up when the store is made, not at import).
 * Synchronous within a tab but not across tabs: `atomic` is false, so the Web Lock covers it.
 */
export function localStorageStore(storage: Storage = globalThis.localStorage): IntentStore {
  const read = (key: string): unknown => {
    const text = storage.getItem(prefix + key)
    if (text === null) return undefined
    // Unparseable text is a corrupt record (reported by the caller), not a failing store.
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return {
    name: 'localstorage',
    atomic: false,
    get: async key => read(key),
    update: async (key, updater) => {
      const current = read(key)
      const next = updater(current)
      if (next !== current) storage.setItem(prefix + key, JSON.stringify(next))
      return next
    },
    delete: async key => storage.removeItem(prefix + key),
    entries: async start => {
      const out: Array<[string, unknown]> = []
      for (let i = 0; i < storage.length; i++) {
        const name = storage.key(i)
        if (name?.startsWith(prefix + start)) out.push([name.slice(prefix.length), read(name.slice(prefix.length))])
      }
      return out
    },
  }
}
