// The published types of the React Native modules the setup snippet imports, reduced to what
// it touches and copied signature for signature (callbacks included), so the snippet is checked
// against what apps really pass in without installing react-native here.
declare module 'react-native-get-random-values' {}

declare module '@react-native-async-storage/async-storage' {
  type Callback = (error?: Error | null) => void
  type CallbackWithResult<T> = (error?: Error | null, result?: T | null) => void
  type KeyValuePair = [string, string | null]
  type MultiGetCallback = (errors?: readonly (Error | null)[] | null, result?: readonly KeyValuePair[]) => void
  export type AsyncStorageStatic = {
    getItem: (key: string, callback?: CallbackWithResult<string>) => Promise<string | null>
    setItem: (key: string, value: string, callback?: Callback) => Promise<void>
    removeItem: (key: string, callback?: Callback) => Promise<void>
    mergeItem: (key: string, value: string, callback?: Callback) => Promise<void>
    clear: (callback?: Callback) => Promise<void>
    getAllKeys: (callback?: CallbackWithResult<readonly string[]>) => Promise<readonly string[]>
    multiGet: (keys: readonly string[], callback?: MultiGetCallback) => Promise<readonly KeyValuePair[]>
  }
  const AsyncStorage: AsyncStorageStatic
  export default AsyncStorage
}

declare module '@react-native-community/netinfo' {
  export enum NetInfoStateType { unknown = 'unknown', none = 'none', wifi = 'wifi', cellular = 'cellular' }
  export interface NetInfoState {
    type: NetInfoStateType
    isConnected: boolean | null
    isInternetReachable: boolean | null
    details: unknown
  }
  export type NetInfoChangeHandler = (state: NetInfoState) => void
  export type NetInfoSubscription = () => void
  export function fetch(requestedInterface?: string): Promise<NetInfoState>
  export function refresh(): Promise<NetInfoState>
  export function addEventListener(listener: NetInfoChangeHandler): NetInfoSubscription
  const NetInfo: { fetch: typeof fetch; refresh: typeof refresh; addEventListener: typeof addEventListener }
  export default NetInfo
}

declare module 'react-native' {
  export type AppStateStatus = 'active' | 'background' | 'inactive' | 'unknown' | 'extension'
  export interface NativeEventSubscription {
    remove(): void
  }
  export const AppState: {
    currentState: AppStateStatus
    addEventListener(type: 'change', listener: (state: AppStateStatus) => void): NativeEventSubscription
  }
}
