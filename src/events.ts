import type { IntentRecord } from './record.js'

/**
 * What happened to an intent, in order. `intent` is undefined for calls made without one.
 * `background` marks a try the client scheduled on its own after a call gave up; `remote` a
 * decision heard from another tab or the service worker (it is in the store already).
 */
export type OncelyEvent =
  | { type: 'created'; intent: string | undefined; key: string; record: IntentRecord }
  | { type: 'waiting'; intent: string }
  | { type: 'attempt'; intent: string | undefined; key: string; attempt: number }
  | { type: 'retry-scheduled'; intent: string | undefined; key: string; attempt: number; delay: number; at: number; reason: string; background?: true }
  | { type: 'offline'; intent: string | undefined; key: string }
  | { type: 'confirmed'; intent: string | undefined; key: string; record: IntentRecord; remote?: true }
  | { type: 'rejected'; intent: string | undefined; key: string; record: IntentRecord; status: number; remote?: true }
  | { type: 'pending'; intent: string | undefined; key: string; record: IntentRecord; error: unknown }
  | { type: 'replayed'; intent: string | undefined; key: string; record: IntentRecord }
  | { type: 'storage-degraded'; intent?: string | undefined; from: string; to: string; reason: string; error?: unknown }

export type OncelyEventType = OncelyEvent['type']
export type Listener = (event: OncelyEvent) => void

export interface Emitter {
  emit(event: OncelyEvent): void
  subscribe(listener: Listener): () => void
}

export function createEmitter(): Emitter {
  const listeners = new Set<Listener>()
  const queue: OncelyEvent[] = []
  return {
    emit(event) {
      // An event emitted by a listener waits for this one to reach every listener: all hear them in order.
      queue.push(event)
      if (queue.length > 1) return
      while (queue.length > 0) {
        for (const listener of listeners) {
          try {
            listener(queue[0]!)
          } catch (error) {
            // A broken listener must not break the payment; rethrown async so it still reaches the console.
            queueMicrotask(() => {
              throw error
            })
          }
        }
        queue.shift()
      }
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
}
