import type { ChaosMode } from './chaos.js'
import type { ShopOutcome } from './shop.js'

/** What became of one `POST /api/orders`, counted server-side. */
export type RequestOutcome = ShopOutcome | 'dropped-before' | 'dropped-after-commit' | '429' | '503'

/** One attempt as the server saw it. */
export interface RequestEntry {
  /** 1, 2, 3… in arrival order; survives trimming, so a client can poll "since". */
  seq: number
  /** The parsed key, or the raw header if it did not parse, or `null` if there was none. */
  key: string | null
  outcome: RequestOutcome
  /** The status sent, or `null` when the socket was destroyed instead. */
  status: number | null
  /** For drops and slow answers: what the shop did before chaos struck (e.g. `charged`). */
  engine?: ShopOutcome
  /** The chaos mode that touched this request, if any. */
  chaos?: ChaosMode
  at: string
}

/** `GET /api/requests`. */
export interface RequestLogView {
  total: number
  requests: RequestEntry[]
}

/** An in-memory log of order attempts; bounded, so a long benchmark cannot exhaust memory. */
export interface RequestLog {
  add(entry: Omit<RequestEntry, 'seq' | 'at'>): RequestEntry
  /** Entries, oldest first, optionally for one key. */
  list(key?: string): RequestLogView
  clear(): void
}

/**
 * Creates the log. It is diagnostics, not data: it lives in memory even when
 * the ledger is in PostgreSQL, and a restart empties it.
 *
 * @example
 * const log = createRequestLog({ now: Date.now })
 * log.add({ key: 'k', outcome: 'charged', status: 201 })
 */
export function createRequestLog(options: { now?: () => number; limit?: number } = {}): RequestLog {
  const limit = options.limit ?? 50_000
  let entries: RequestEntry[] = []
  let seq = 0
  return {
    add(entry) {
      const full: RequestEntry = { seq: ++seq, ...entry, at: new Date((options.now ?? Date.now)()).toISOString() }
      entries.push(full)
      // Trim in chunks rather than shifting on every add.
      if (entries.length > limit * 1.1) entries = entries.slice(-limit)
      return full
    },
    list(key) {
      const requests = key === undefined ? [...entries] : entries.filter((entry) => entry.key === key)
      return { total: requests.length, requests }
    },
    clear() {
      entries = []
      seq = 0
    },
  }
}
