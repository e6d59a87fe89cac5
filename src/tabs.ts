import type { OncelyEvent } from './events.js'
import type { Context } from './intent.js'
import type { IntentRecord } from './record.js'

/**
 * Every client of a namespace hears the others (tabs, the service worker): one BroadcastChannel
 * per namespace. A decision made elsewhere is read back from the store and reported as this
 * client's own event (`remote: true`). An intent another client left pending is offered to
 * `pending`, so this one can finish it should that client go away. Returns the way to stop.
 */
export function listenToTabs(ctx: Context, read: (intent: string) => Promise<IntentRecord | undefined>, pending: (record: IntentRecord) => void): () => void {
  const { config, emitter } = ctx
  if (typeof BroadcastChannel !== 'function') return () => {}
  const channel = new BroadcastChannel(`oncely:${encodeURIComponent(config.namespace)}`)
  // Node keeps a process alive for an open channel; a client's listening must not.
  ;(channel as { unref?(): void }).unref?.()
  channel.onmessage = async ({ data }: MessageEvent<{ intent: string }>) => {
    const record = await read(data.intent).catch(() => undefined)
    if (record?.state === 'confirmed') emitter.emit({ type: 'confirmed', intent: data.intent, key: record.key, record, remote: true })
    if (record?.state === 'rejected') emitter.emit({ type: 'rejected', intent: data.intent, key: record.key, record, status: record.response?.status ?? 0, remote: true })
    if (record?.state === 'pending') pending(record)
  }
  const unsubscribe = emitter.subscribe((event: OncelyEvent) => {
    const told = event.type === 'pending' || ((event.type === 'confirmed' || event.type === 'rejected') && !event.remote)
    if (told && event.intent !== undefined) channel.postMessage({ intent: event.intent })
  })
  return () => {
    unsubscribe()
    channel.close()
  }
}
