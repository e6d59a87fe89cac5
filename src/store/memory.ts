import type { IntentStore } from './types.js'

/** Keeps records in this JS context only: lost on reload. The last resort, and for tests and servers. */
export function memoryStore(): IntentStore {
  const map = new Map<string, unknown>()
  // Copies keep callers from mutating what is "stored", as a real store would. Hermes has no
  // structuredClone; records are JSON-safe, so JSON is an exact copy there.
  const copy = <T>(value: T): T =>
    value === undefined ? value : typeof structuredClone === 'function' ? structuredClone(value) : JSON.parse(JSON.stringify(value))
  return {
    name: 'memory',
    atomic: true,
    get: async key => copy(map.get(key)),
    update: async (key, updater) => {
      const current = copy(map.get(key))
      const next = updater(current)
      if (next !== current) map.set(key, copy(next))
      return copy(next)
    },
    delete: async key => void map.delete(key),
    entries: async prefix => [...map].filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key, copy(value)]),
  }
}
