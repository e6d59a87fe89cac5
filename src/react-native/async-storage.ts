import type { IntentStore } from '../store/types.js'

/**
 * The part of `@react-native-async-storage/async-storage` oncely uses. The module's default export
 * fits as is; so does its official jest mock, or any in-memory map with the same five methods.
 */
export interface AsyncStorageLike {
  getItem(key: string): Promise<string | null>
  setItem(key: string, value: string): Promise<void>
  removeItem(key: string): Promise<void>
  getAllKeys(): Promise<readonly string[]>
  multiGet(keys: readonly string[]): Promise<ReadonlyArray<readonly [string, string | null]>>
}

export interface AsyncStorageStoreOptions {
  /** Prepended to every key so oncely's records never meet the app's own. Default `'oncely:'`. */
  prefix?: string
}

/**
 * An `IntentStore` over React Native's AsyncStorage: records as JSON strings under `prefix`.
 *
 * AsyncStorage has no transactions, so `update` is a read-modify-write: serialised per key within
 * this JS context (two calls cannot interleave and mint two keys), not across processes, hence
 * `atomic: false`. A value that is not JSON comes back as the raw string, which the core reports
 * as a corrupt record instead of failing the call.
 *
 * @example
 * import AsyncStorage from '@react-native-async-storage/async-storage'
 * import { createClient } from 'oncely'
 * import { asyncStorageStore } from 'oncely/react-native'
 *
 * const api = createClient({ prefixUrl: 'https://api.example.com', store: asyncStorageStore(AsyncStorage) })
 */
export function asyncStorageStore(storage: AsyncStorageLike, options: AsyncStorageStoreOptions = {}): IntentStore {
  const { prefix = 'oncely:' } = options
  const queues = new Map<string, Promise<unknown>>()

  const read = async (key: string): Promise<unknown> => parse(await storage.getItem(prefix + key))

  // One update at a time per key: the second reads what the first wrote.
  const serially = <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = queues.get(key) ?? Promise.resolve()
    const next = previous.then(task, task)
    const tail = next.catch(() => {})
    queues.set(key, tail)
    void tail.then(() => {
      if (queues.get(key) === tail) queues.delete(key)
    })
    return next
  }

  return {
    name: 'asyncstorage',
    atomic: false,
    get: read,
    update: (key, updater) =>
      serially(key, async () => {
        const current = await read(key)
        const next = updater(current)
        if (next !== current) await storage.setItem(prefix + key, JSON.stringify(next))
        return next
      }),
    delete: key => serially(key, () => storage.removeItem(prefix + key)),
    async entries(start) {
      const names = (await storage.getAllKeys()).filter(name => name.startsWith(prefix + start))
      if (names.length === 0) return []
      const pairs = await storage.multiGet(names)
      const out: Array<[string, unknown]> = []
      for (const [name, text] of pairs) {
        if (text !== null) out.push([name.slice(prefix.length), parse(text)])
      }
      return out
    },
  }
}

function parse(text: string | null): unknown {
  if (text === null) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
