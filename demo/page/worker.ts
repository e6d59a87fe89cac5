import { byId } from './dom.js'

/** Who finishes a pending payment once every tab of the shop is closed. */
export interface Finisher {
  by: 'worker' | 'next-visit'
  /** Why not the worker, when it is not. */
  reason?: string
}

/**
 * Registers the demo's service worker (`sw.js`, at the root so its scope covers the page). While
 * it controls the page, oncely asks the browser for a Background Sync whenever a payment goes
 * pending, and the browser wakes the worker to finish it, after the tab is gone too. Where that
 * is not possible, the next visit picks the payment up: nothing is lost either way.
 */
export async function registerWorker(): Promise<Finisher> {
  const container = (navigator as Partial<Navigator>).serviceWorker
  if (!container) return { by: 'next-visit', reason: 'service workers are not available here (a private window, or a page not served over https)' }
  try {
    // Some hosts refuse registration by resolving to nothing (test browsers with workers blocked).
    const registration = (await container.register('/sw.js', { scope: '/' })) as ServiceWorkerRegistration | undefined
    if (!registration) return { by: 'next-visit', reason: 'the browser refused the service worker' }
    if (!('sync' in registration)) return { by: 'next-visit', reason: 'this browser has no Background Sync' }
    return { by: 'worker' }
  } catch (error) {
    return { by: 'next-visit', reason: `the service worker could not be registered: ${error instanceof Error ? error.message : String(error)}` }
  }
}

/** The inspector's answer to "what if I close this tab now?". */
export function showFinisher(finisher: Finisher): void {
  const fact = byId('worker-state')
  fact.dataset.finisher = finisher.by
  fact.textContent = finisher.by === 'worker' ? 'the service worker finishes it (Background Sync)' : 'your next visit finishes it'
  if (finisher.reason) fact.title = finisher.reason
}
