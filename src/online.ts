/**
 * Where oncely learns whether the device is online. Replaceable: React Native plugs NetInfo in,
 * tests plug in a switch.
 */
export interface OnlineSource {
  isOnline(): boolean
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (online: boolean) => void): () => void
}

/**
 * `navigator.onLine` and the `online`/`offline` events, looked up when used (not at import) so
 * runtimes without them (Node, workers, React Native) count as always online.
 */
export const browserOnlineSource: OnlineSource = {
  isOnline: () => globalThis.navigator?.onLine !== false,
  subscribe(listener) {
    const target = globalThis as unknown as Partial<Pick<EventTarget, 'addEventListener' | 'removeEventListener'>>
    if (typeof target.addEventListener !== 'function' || typeof target.removeEventListener !== 'function') return () => {}
    const on = () => listener(true)
    const off = () => listener(false)
    target.addEventListener('online', on)
    target.addEventListener('offline', off)
    return () => {
      target.removeEventListener!('online', on)
      target.removeEventListener!('offline', off)
    }
  },
}

/** Resolves once `source` says online; rejects with the signal's reason if it aborts first. */
export function waitForOnline(source: OnlineSource, signal: AbortSignal): Promise<void> {
  if (source.isOnline()) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const done = () => {
      unsubscribe()
      signal.removeEventListener('abort', abort)
    }
    const abort = () => {
      done()
      reject(signal.reason)
    }
    const unsubscribe = source.subscribe(online => {
      if (!online) return
      done()
      resolve()
    })
    if (signal.aborted) return abort()
    signal.addEventListener('abort', abort)
  })
}
