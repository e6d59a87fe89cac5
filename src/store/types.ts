/**
 * Async key-value persistence for intent records. Values are plain JSON-safe objects.
 *
 * A custom store (SQLite, a server-side session…) implements these four methods. oncely checks
 * what it answers rather than trusting it: a value of another intent or namespace, or an `update`
 * that cannot say what it stored, fails the call before anything is sent.
 *
 * @example
 * const store: IntentStore = { name: 'mine', atomic: false, get, update, delete: del, entries }
 * createClient({ store })
 */
export interface IntentStore {
  /** Shown in events and errors. */
  readonly name: string
  /**
   * True when `update` is atomic across tabs or processes (IndexedDB). When false, the Web Lock
   * taken around each intent is what keeps two tabs from minting two keys.
   */
  readonly atomic: boolean
  get(key: string): Promise<unknown>
  /**
   * Reads the current value (`undefined` when absent), passes it to `updater` (sync and pure) and
   * stores what it returns, as one step. When `updater` returns the value it was given, nothing
   * needs writing. **Must resolve to the value stored afterwards**: that is how oncely learns
   * which of two racing tabs won the mint. (A store that resolves to anything else makes oncely
   * read the key back with `get`; if that does not answer a record of the intent, the call fails.)
   */
  update(key: string, updater: (current: unknown) => unknown): Promise<unknown>
  delete(key: string): Promise<void>
  /** Every entry whose key starts with `prefix` (one namespace): a range, not a scan, where the store can. */
  entries(prefix: string): Promise<Array<[string, unknown]>>
}
