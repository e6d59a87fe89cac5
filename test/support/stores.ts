import type { IntentStore } from '../../src/index.js'

type Operation = 'get' | 'update' | 'delete' | 'entries'

/**
 * Wraps a store so chosen operations throw, as a real IndexedDB does when it is blocked, over
 * quota or loses its connection: `failNext(op, n)` fails the next n calls of `op`, `failFor(op, key)`
 * every call of `op` on one key until `heal()`. The inner store is untouched by a failed call.
 */
export function faultyStore(inner: IntentStore) {
  const next: Record<Operation, number> = { get: 0, update: 0, delete: 0, entries: 0 }
  const lasting = new Set<string>()
  let failures = 0
  const fail = (op: Operation, key: string): boolean => {
    if (next[op] > 0) {
      next[op]--
      return true
    }
    return lasting.has(`${op} ${key}`) || lasting.has(`${op} *`)
  }
  const guard = <T>(op: Operation, key: string, run: () => Promise<T>): Promise<T> => {
    if (!fail(op, key)) return run()
    failures++
    return Promise.reject(new DOMException(`${op} failed (injected)`, 'UnknownError'))
  }
  const store: IntentStore = {
    name: inner.name,
    atomic: inner.atomic,
    get: key => guard('get', key, () => inner.get(key)),
    update: (key, updater) => guard('update', key, () => inner.update(key, updater)),
    delete: key => guard('delete', key, () => inner.delete(key)),
    entries: prefix => guard('entries', prefix, () => inner.entries(prefix)),
  }
  return {
    store,
    failNext(op: Operation, times = 1) {
      next[op] += times
    },
    /** Fails every `op` on `key` (or on every key, with '*') until `heal()`. */
    failFor(op: Operation, key: string) {
      lasting.add(`${op} ${key}`)
    },
    heal() {
      lasting.clear()
      for (const op of Object.keys(next) as Operation[]) next[op] = 0
    },
    failures: () => failures,
  }
}

/**
 * A store shared by several clients (tabs, processes) that keeps its map in memory and, like some
 * hand-written adapters, resolves `update()` to nothing. TypeScript accepts it; oncely must not
 * "trust its own copy" of what won.
 */
export function silentUpdateStore(): IntentStore & { map: Map<string, unknown> } {
  const map = new Map<string, unknown>()
  return {
    map,
    name: 'silent',
    atomic: true,
    get: async key => structuredClone(map.get(key)),
    update: async (key, updater) => {
      const current = structuredClone(map.get(key))
      const next = updater(current)
      if (next !== current) map.set(key, structuredClone(next))
      return undefined as unknown
    },
    delete: async key => void map.delete(key),
    entries: async prefix => [...map].filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key, structuredClone(value)]),
  }
}
