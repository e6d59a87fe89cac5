import type { BrowserContext, Page, Request } from 'playwright-core'

/** True once a service worker controls the page: only then does oncely ask for a Background Sync. */
export const controlled = (page: Page) => page.waitForFunction(() => navigator.serviceWorker.controller !== null)

/** The Background Sync tags registered for the page's service worker. */
export const syncTags = (page: Page): Promise<string[]> =>
  page.evaluate(async () => ((await navigator.serviceWorker.ready) as ServiceWorkerRegistration & { sync: { getTags(): Promise<string[]> } }).sync.getTags())

/** What the service workers of `context` send to `POST /api/orders`: each request's key and fate. */
export function ordersFromWorkers(context: BrowserContext) {
  const sent: Array<{ key: string; result?: 'answered' | 'failed' }> = []
  const mine = (request: Request) => request.serviceWorker() !== null && new URL(request.url()).pathname === '/api/orders'
  const entry = new Map<Request, (typeof sent)[number]>()
  context.on('request', request => {
    if (!mine(request)) return
    const item = { key: (request.headers()['idempotency-key'] ?? '').replaceAll('"', '') }
    entry.set(request, item)
    sent.push(item)
  })
  context.on('requestfinished', request => void (entry.get(request) && (entry.get(request)!.result = 'answered')))
  context.on('requestfailed', request => void (entry.get(request) && (entry.get(request)!.result = 'failed')))
  return sent
}

/** How many payments each of the worker's syncs left pending, from what it logs when done. */
export function workerSyncs(context: BrowserContext): number[] {
  const left: number[] = []
  context.on('console', message => {
    const done = /^oncely service worker: sync done, (\d+) payment/.exec(message.text())
    if (done) left.push(Number(done[1]))
  })
  return left
}

/**
 * Fires the worker's `sync` event for `tag` now, as DevTools' Application › Background sync button
 * does (`ServiceWorker.dispatchSyncEvent`): what Chromium itself does later, minutes after a failed
 * sync. The DevTools domain lives on a page target, so a blank tab (not the shop's) carries it.
 */
export async function fireSync(context: BrowserContext, origin: string, tag: string): Promise<void> {
  const blank = await context.newPage()
  const cdp = await context.newCDPSession(blank)
  const scope = `${origin}/`
  const registrationId = new Promise<string>(resolve => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const found = registrations.find(registration => registration.scopeURL === scope && !registration.isDeleted)
      if (found) resolve(found.registrationId)
    })
  })
  await cdp.send('ServiceWorker.enable')
  await cdp.send('ServiceWorker.dispatchSyncEvent', { origin, registrationId: await registrationId, tag, lastChance: false })
  await cdp.detach()
  await blank.close()
}
