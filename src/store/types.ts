/**
 * Async key-value persistence for intent records. Values are plain JSON-safe objects.
 *
 * A custom store (SQLite, a server-side session…) implements these four methods.
 *
 * @example
 * const store: IntentStore = { name: 'mine', atomic: false, get, update, delete: del, entries }
 * createClient({ store })
 */
export interface IntentStore {
  /** Shown in `storage-degraded` events. */
  readonly name: string
  /**
   * True when `update` is atomic across tabs or processes (IndexedDB). When false, the Web Lock
   * taken around each intent is what keeps two tabs from minting two keys.
   */
  readonly atomic: boolean
  get(key: string): Promise<unknown>
  /**
   * Reads the current value, passes it to `updater` (sync and pure) and stores what it returns,
   * as one step. Resolves to the value stored afterwards. This is how a key is minted only if absent.
   */
  update(key: string, updater: (current: unknown) => unknown): Promise<unknown>
  delete(key: string): Promise<void>
  /** Every entry whose key starts with `prefix`. */
  entries(prefix: string): Promise<Array<[string, unknown]>>
}
