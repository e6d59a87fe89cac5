import type { OnlineSource } from 'oncely'

/** The browser's own online state plus the page's "go offline" switch, as one source for oncely. */
export interface Connection extends OnlineSource {
  /** True while the switch holds this tab offline. */
  readonly simulatedOffline: boolean
  setSimulatedOffline(offline: boolean): void
}

/**
 * `navigator.onLine` and its events, combined with a switch. oncely only asks this source, so
 * while the switch is on it waits exactly as it would on a train in a tunnel: no attempt spent.
 */
export function createConnection(): Connection {
  const listeners = new Set<(online: boolean) => void>()
  let simulated = false
  const isOnline = () => !simulated && navigator.onLine !== false
  const notify = () => {
    const online = isOnline()
    for (const listener of listeners) listener(online)
  }
  window.addEventListener('online', notify)
  window.addEventListener('offline', notify)
  return {
    isOnline,
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    get simulatedOffline() {
      return simulated
    },
    setSimulatedOffline(offline) {
      simulated = offline
      notify()
    },
  }
}
