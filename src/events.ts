import type { IntentRecord } from './record.js'

/** What happened to an intent, in order. `intent` is undefined for calls made without one. */
export type OncelyEvent =
  | { type: 'created'; intent: string | undefined; key: string; record: IntentRecord }
  | { type: 'attempt'; intent: string | undefined; key: string; attempt: number }
  | { type: 'retry-scheduled'; intent: string | undefined; key: string; attempt: number; delay: number; at: number; reason: string }
  | { type: 'offline'; intent: string | undefined; key: string }
  | { type: 'confirmed'; intent: string | undefined; key: string; record: IntentRecord }
  | { type: 'rejected'; intent: string | undefined; key: string; record: IntentRecord; status: number }
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
  return {
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event)
        } catch (error) {
          // A broken listener must not break the payment; rethrown async so it still reaches the console.
          queueMicrotask(() => {
            throw error
          })
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
}
