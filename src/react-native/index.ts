/**
 * `oncely/react-native`: a durable store over AsyncStorage and an online source over NetInfo.
 * Neither module is imported here: the app passes its own, so this entry adds no dependency.
 *
 * @packageDocumentation
 */
export { asyncStorageStore } from './async-storage.js'
export type { AsyncStorageLike, AsyncStorageStoreOptions } from './async-storage.js'
export { netInfoOnlineSource, isOnlineState } from './netinfo.js'
export type { NetInfoLike, NetInfoStateLike, NetInfoOnlineSource } from './netinfo.js'
