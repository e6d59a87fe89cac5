/**
 * The demo's service worker: finishes the shopper's pending payments when no tab is open. A page
 * asks the browser for a Background Sync when a payment goes pending; the browser wakes this
 * worker for it when the network allows, and again later while payments stay pending. Each try
 * reads the same IndexedDB records as the pages and sends each payment with its own key.
 */
import { createClient } from 'oncely'
import { finishPending } from 'oncely/service-worker'
import { NAMESPACE } from './shopper.js'

// The few parts of ServiceWorkerGlobalScope used here (the page's TypeScript lib is the DOM's).
interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void
}
interface WorkerScope {
  readonly location: Location
  skipWaiting(): Promise<void>
  readonly clients: { claim(): Promise<void> }
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void
}
const worker = self as unknown as WorkerScope

// Take over at once: the page that registered this worker must be controlled without a reload,
// because a page only asks for a sync while a worker controls it.
worker.addEventListener('install', event => event.waitUntil(worker.skipWaiting()))
worker.addEventListener('activate', event => event.waitUntil(worker.clients.claim()))

const api = createClient({
  prefixUrl: `${worker.location.origin}/api`,
  namespace: NAMESPACE,
  // Open pages drive their own pending payments; this worker acts when the browser wakes it (a
  // sync, or a page's 'oncely:drain' message). Timers of its own would double the pages' tries
  // while they are open, and die with the worker anyway (browsers stop an idle worker within a
  // minute). The pages still hear what it decides.
  background: false,
  // No credentials to add: the demo has no sign-in. A real app adds them here (`hooks`, or
  // `credentials: 'include'`), since records never store them.
})

// Each sync drains the pending payments once; what it left is logged for whoever opens DevTools
// (Application › Service workers), and tells the browser to sync again later.
const drain = async () => {
  const left = await api.intents.drain()
  console.info(`oncely service worker: sync done, ${left.length} payment(s) still pending`)
  return left
}
finishPending({ ...api, intents: { ...api.intents, drain } })

api.subscribe(event => {
  if (event.type === 'attempt') console.info(`oncely service worker: ${event.intent} attempt ${event.attempt}, key ${event.key}`)
  if (event.type === 'confirmed' || event.type === 'rejected' || event.type === 'pending') console.info(`oncely service worker: ${event.intent} ${event.type}`)
})
