import type { AsyncStorageLike, NetInfoLike, NetInfoStateLike } from '../../src/react-native/index.js'

/**
 * AsyncStorage in memory, with the semantics of the library's own jest mock: string values,
 * `null` for a missing key, `multiGet` as `[key, value]` pairs, every call async.
 */
export function memoryAsyncStorage(): AsyncStorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>()
  const tick = () => new Promise<void>(resolve => setTimeout(resolve, 0))
  return {
    data,
    async getItem(key) {
      await tick()
      return data.get(key) ?? null
    },
    async setItem(key, value) {
      await tick()
      if (typeof value !== 'string') throw new TypeError(`AsyncStorage stores strings, got ${typeof value}`)
      data.set(key, value)
    },
    async removeItem(key) {
      await tick()
      data.delete(key)
    },
    async getAllKeys() {
      await tick()
      return [...data.keys()]
    },
    async multiGet(keys) {
      await tick()
      return keys.map(key => [key, data.get(key) ?? null] as const)
    },
  }
}

/** NetInfo in memory: tells a new listener the current state soon after it subscribes, as the library does. */
export function memoryNetInfo(initial: NetInfoStateLike = { isConnected: true, isInternetReachable: true }): NetInfoLike & { set(state: NetInfoStateLike): void; listeners: number } {
  let state = initial
  const listeners = new Set<(state: NetInfoStateLike) => void>()
  return {
    addEventListener(listener) {
      listeners.add(listener)
      queueMicrotask(() => listeners.has(listener) && listener(state))
      return () => void listeners.delete(listener)
    },
    fetch: async () => state,
    set(next) {
      state = next
      for (const listener of listeners) listener(state)
    },
    get listeners() {
      return listeners.size
    },
  }
}
