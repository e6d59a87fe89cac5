/**
 * `oncely/service-worker`: finishes pending intents after the last tab closed, from the same
 * IndexedDB records and with the same keys.
 *
 * @packageDocumentation
 */
import type { OncelyClient } from './client.js'
import { syncTag } from './sync-tag.js'

export { syncTag }

interface ExtendableEventLike extends Event {
  waitUntil(work: Promise<unknown>): void
}

/**
 * Wires a service worker to finish `api`'s pending intents: on Background Sync's `sync` event
 * (Chromium fires it when connectivity returns, and again later while it rejects), and on a
 * `{ type: 'oncely:drain' }` message from a page (browsers without Background Sync). Each
 * pending intent gets one try with its own key. Make `api` with the pages' `namespace` and
 * store, and a way to add credentials (`hooks.beforeRequest`, or `credentials: 'include'` for
 * cookies): none are stored with the records. Returns a function that unwires it.
 *
 * @example
 * // sw.ts
 * import { createClient } from 'oncely'
 * import { finishPending } from 'oncely/service-worker'
 *
 * const api = createClient({ prefixUrl: '/api', namespace: 'user-42', credentials: 'include' })
 * finishPending(api)
 */
export function finishPending(api: OncelyClient): () => void {
  const scope = globalThis as unknown as EventTarget
  const onSync = (event: Event) => {
    if ((event as Event & { tag?: string }).tag === syncTag) (event as ExtendableEventLike).waitUntil(drain(api))
  }
  const onMessage = (event: Event) => {
    const { data } = event as MessageEvent<{ type?: string } | undefined>
    if (data?.type === 'oncely:drain') (event as ExtendableEventLike).waitUntil(drain(api).catch(() => undefined))
  }
  scope.addEventListener('sync', onSync)
  scope.addEventListener('message', onMessage)
  return () => {
    scope.removeEventListener('sync', onSync)
    scope.removeEventListener('message', onMessage)
  }
}

// Rejecting while intents are still pending tells the browser to fire `sync` again later.
async function drain(api: OncelyClient): Promise<void> {
  const left = await api.intents.drain()
  if (left.length > 0) throw new Error(`${left.length} intent(s) still pending: Background Sync will try again.`)
}
