import type { OnlineSource } from '../online.js'

/** The fields of NetInfo's state oncely reads. `null` means "not known yet". */
export interface NetInfoStateLike {
  isConnected: boolean | null
  isInternetReachable?: boolean | null
}

/**
 * The part of `@react-native-community/netinfo` oncely uses: its default export fits as is, and
 * so does its official jest mock.
 */
export interface NetInfoLike {
  addEventListener(listener: (state: NetInfoStateLike) => void): () => void
  fetch(): Promise<NetInfoStateLike>
}

/** An `OnlineSource` that can also stop listening to NetInfo (e.g. in tests, or on sign-out). */
export interface NetInfoOnlineSource extends OnlineSource {
  dispose(): void
}

/**
 * Offline only when NetInfo says so for sure: `isConnected === false` or
 * `isInternetReachable === false`. Unknown (`null`, before NetInfo's first answer) counts as online,
 * so a call is never held back by a state nobody has measured yet.
 */
export const isOnlineState = (state: NetInfoStateLike): boolean =>
  state.isConnected !== false && state.isInternetReachable !== false

/**
 * An online source over React Native's NetInfo, for `createClient({ online })`: while offline,
 * calls wait for the connection without spending attempts. Listens from creation, so make one per
 * app, next to the client.
 *
 * @example
 * import NetInfo from '@react-native-community/netinfo'
 * import { netInfoOnlineSource } from 'oncely/react-native'
 *
 * const api = createClient({ online: netInfoOnlineSource(NetInfo), ... })
 */
export function netInfoOnlineSource(netInfo: NetInfoLike): NetInfoOnlineSource {
  let online = true
  let changed = false
  const listeners = new Set<(online: boolean) => void>()
  const apply = (state: NetInfoStateLike) => {
    changed = true
    const next = isOnlineState(state)
    if (next === online) return
    online = next
    for (const listener of [...listeners]) listener(online)
  }
  const unsubscribe = netInfo.addEventListener(apply)
  // The first event may come late (or, in some mocks, never): ask once as well.
  netInfo.fetch().then(
    state => {
      if (!changed) apply(state)
    },
    () => {}, // No answer: stay with what the events say (online until told otherwise).
  )
  return {
    isOnline: () => online,
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    dispose() {
      unsubscribe()
      listeners.clear()
    },
  }
}
