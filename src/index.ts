export { createClient } from './client.js'
export type { OncelyClient, Intents, RequestOptions, IntentRequestInit } from './client.js'
export type { ClientOptions, RetryOptions } from './options.js'
export type { IntentRecord, IntentState } from './record.js'
export type { StoredRequest, StoredBody, ReplayableBody } from './request.js'
export type { StoredResponse } from './response.js'
export { isReplayed } from './response.js'
export type { OncelyEvent, OncelyEventType, Listener } from './events.js'
export type { IntentStore } from './store/types.js'
export type { StoreOption } from './store/choose.js'
export { memoryStore } from './store/memory.js'
export { localStorageStore } from './store/localstorage.js'
export { indexedDbStore } from './store/indexeddb.js'
export type { OnlineSource } from './online.js'
export type { SchedulePolicy } from './schedule.js'
export type { KeyFormat } from './key.js'
export {
  OncelyError,
  IntentPendingError,
  IntentConflictError,
  IntentExpiredError,
  IntentRejectedError,
  OncelyInputError,
  StorageError,
  NetworkError,
  DeadlineError,
  isIntentPendingError,
  isIntentConflictError,
  isIntentExpiredError,
  isIntentRejectedError,
  isOncelyInputError,
  isStorageError,
} from './errors.js'
