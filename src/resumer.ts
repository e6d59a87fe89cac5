import { isHTTPError } from 'ky'
import { retryAfterMs } from './classify.js'
import { IntentExpiredError, isIntentExpiredError, isStorageError } from './errors.js'
import type { OncelyEvent } from './events.js'
import { storeKey, type Context } from './intent.js'
import { isExpired, type IntentRecord } from './record.js'
import { nextDelay } from './schedule.js'
import { syncTag } from './sync-tag.js'

// The longest a backlog woken by the server answering again is spread over.
const maxDrain = 30_000


/** How the client finishes pending intents on its own (on the `retry` schedule). `false` turns it off. */
export interface BackgroundPolicy {
  /** Device signals (online, page visible, the server answering) wake waiting intents spread over this many ms, not all at once. */
  wake: number
}

/** What one background try came to. */
export type Tried = 'done' | 'busy' | unknown

export interface Resumer {
  /** Picks up this namespace's pending intents, and listens to the device and to other tabs. */
  start(): void
  /**
   * Another client (tab, service worker) left `record` pending and drives it: this one keeps a
   * backup try, later than that client's longest wait, pushed out each time it says it is at it.
   */
  backup(record: IntentRecord): void
  /** Stops all of that: timers, listeners, and tries under way. */
  stop(): void
}

/**
 * Keeps driving pending intents to a definitive answer, with their keys, after the call that
 * started them gave up: on the schedule's long horizon, at once (spread over `wake`) when the
 * device comes back online, the page becomes visible or the server answers again. One tab drives
 * an intent at a time (`try_` takes the Web Lock only if it is free); the others keep a backup.
 */
export function createResumer(ctx: Context, policy: BackgroundPolicy, list: () => Promise<IntentRecord[]>, read: (intent: string) => Promise<IntentRecord | undefined>, try_: (record: IntentRecord, signal: AbortSignal) => Promise<Tried>): Resumer {
  const { config, emitter } = ctx
  const stopped = new AbortController()
  const waiting = new Map<string, { record: IntentRecord; at: number; timer: ReturnType<typeof setTimeout> | undefined; reason: string }>()

  const later = (intent: string, record: IntentRecord, delay: number, reason: string) => {
    drop(intent)
    if (stopped.signal.aborted) return
    const at = config.now() + delay
    const online = config.online.isOnline()
    // Offline, no time is announced: `online` wakes it, and nothing would go out at `at`.
    const timer = online ? setTimeout(() => void fire(intent), delay) : undefined
    // A Node process (a server, a test) is not kept alive by intents waiting for their next try.
    ;(timer as { unref?(): void } | undefined)?.unref?.()
    waiting.set(intent, { record, at, timer, reason })
    // A backup (another client drives the intent) is this client's own business: nothing to show.
    if (reason === 'backup') return
    emitter.emit(online ? { type: 'retry-scheduled', intent, key: record.key, attempt: record.attempts, delay, at, reason, background: true } : { type: 'offline', intent, key: record.key })
  }
  const drop = (intent: string) => {
    clearTimeout(waiting.get(intent)?.timer)
    waiting.delete(intent)
  }
  /**
   * The next try's delay. A retry the last run had scheduled when its deadline cut it (a server's
   * Retry-After, or the schedule's wait) comes when it was due; otherwise the schedule decides.
   */
  const due = (record: IntentRecord, retryAfter?: number, random = config.random()) => {
    const now = config.clock.now()
    if (record.retryAt !== undefined && record.retryAt > now) return record.retryAt - now
    // Past the call that gave up: a Retry-After is a floor here, not the wait (see `told`).
    return nextDelay(config.retry, { failures: record.attempts, failingFor: now - record.createdAt, retryAfter, told: Infinity }, random)
  }
  const track = (record: IntentRecord, error: unknown) => {
    if (isIntentExpiredError(error)) return drop(record.intent!)
    later(record.intent!, record, due(record, isHTTPError(error) ? retryAfterMs(error.response.headers.get('retry-after'), config.now()) : undefined), 'background')
  }
  /**
   * Brings waiting tries forward. A device signal (online, page visible): within `wake` ms. The
   * server answering again: within how long each intent has been failing (at most 30 s), so a
   * client holding a backlog lets it back in spread out, not as one wall of requests.
   */
  const wake = (drain: boolean) => {
    for (const [intent, { record, at, timer, reason }] of waiting) {
      // Drawn once: each later answer drawing again would pull the backlog into the earliest draw.
      if (reason === 'woken' && timer) continue
      const window = drain ? Math.min(maxDrain, Math.max(policy.wake, config.clock.now() - record.createdAt)) : policy.wake
      const delay = config.random() * window
      if (config.now() + delay < at || !timer) later(intent, record, delay, 'woken')
    }
  }

  async function fire(intent: string): Promise<void> {
    const entry = waiting.get(intent)
    if (!entry) return
    // Offline, a try would only wait for the network holding the intent's lock: `online` wakes it.
    if (!config.online.isOnline()) return void waiting.set(intent, { ...entry, timer: undefined })
    waiting.delete(intent)
    const record = await read(intent).catch(error => (isStorageError(error) ? entry.record : undefined))
    if (record?.state !== 'pending') return
    if (isExpired(record, config.ttl, config.clock.now())) {
      // Not resumed silently: the server may have forgotten the key.
      return emitter.emit({ type: 'pending', intent, key: record.key, record, error: new IntentExpiredError(record) })
    }
    const tried = await try_(record, stopped.signal)
    // A pending outcome re-tracks the intent through its event; these end without one.
    if (tried === 'busy' || isStorageError(tried)) track(record, undefined)
  }

  const stops: Array<() => void> = []
  // A page that a service worker controls asks it to finish what is pending after the page is
  // gone (Background Sync); elsewhere the next page load picks it up, so a refusal changes nothing.
  const askForSync = () => {
    const workers = (globalThis.navigator as { serviceWorker?: ServiceWorkerContainer } | undefined)?.serviceWorker
    if (workers?.controller) workers.ready.then(r => (r as { sync?: { register(tag: string): Promise<void> } }).sync?.register(syncTag)).catch(() => undefined)
  }
  stops.push(emitter.subscribe((event: OncelyEvent) => {
    const { intent } = event
    if (intent === undefined) return
    if (event.type === 'pending') {
      track(event.record, event.error)
      askForSync()
    }
    if (event.type === 'confirmed' || event.type === 'rejected' || event.type === 'replayed') {
      drop(intent)
      // The server answers again: intents waiting on this client need not wait out their backoff.
      if (event.type !== 'replayed' && !event.remote) wake(true)
    }
  }))

  return {
    start() {
      stops.push(config.online.subscribe(online => online && wake(false)))
      const page = globalThis.document
      const visible = () => page.visibilityState === 'visible' && wake(false)
      page?.addEventListener?.('visibilitychange', visible)
      stops.push(() => page?.removeEventListener?.('visibilitychange', visible))
      // A new page picks up what earlier pages left pending, each when its schedule says it is due.
      const scan = setTimeout(async () => {
        for (const record of await list().catch(() => [])) {
          // A call of this tab is already driving it: its outcome event says what comes next.
          if (waiting.has(record.intent!) || ctx.flights.get(storeKey(config.namespace, record.intent!))) continue
          // Past its ttl it will not be sent: say so now rather than when its next try was due.
          if (isExpired(record, config.ttl, config.clock.now())) {
            emitter.emit({ type: 'pending', intent: record.intent, key: record.key, record, error: new IntentExpiredError(record) })
            continue
          }
          const waited = config.clock.now() - record.updatedAt
          later(record.intent!, record, Math.max(due(record) - waited, config.random() * policy.wake), 'picked up')
        }
      })
      stops.push(() => clearTimeout(scan))
    },
    backup(record) {
      // Twice the longest wait the driving client can draw: while it is alive, this never fires.
      if (!ctx.flights.get(storeKey(config.namespace, record.intent!))) later(record.intent!, record, 2 * due(record, undefined, 1), 'backup')
    },
    stop() {
      stopped.abort()
      for (const stop of stops.splice(0)) stop()
      for (const intent of [...waiting.keys()]) drop(intent)
    },
  }
}
