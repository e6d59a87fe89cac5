// A bench server in its own process, driven over IPC: its event loop is never the one that runs
// the clients being timed. The parent side forks and calls; the child side answers.
import { fork } from 'node:child_process'

/** A server a child process runs: each method takes at most one argument. */
export type Served = { url: string; close(): Promise<void> } & Record<string, unknown>

/** The parent's handle on a forked server: `call` runs one of its methods there. */
export interface Forked {
  url: string
  call<T>(method: string, arg?: unknown): Promise<T>
  close(): Promise<void>
}

/** Forks `child` (a module that calls `serveOverIpc`) with this process's loader flags (tsx), and waits until it listens. */
export async function forkServer(child: URL, name: string): Promise<Forked> {
  const process = fork(child, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  let next = 0
  const exited = new Promise<void>(resolve => process.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    process.once('error', reject)
    process.once('exit', code => reject(new Error(`${name} exited early (${code})`)))
    process.on('message', (message: { ready?: string; id?: number; result?: unknown; error?: string }) => {
      if (message.ready) return resolve(message.ready)
      const call = waiting.get(message.id!)
      waiting.delete(message.id!)
      if (message.error) call?.reject(new Error(message.error))
      else call?.resolve(message.result)
    })
  })
  const call = <T>(method: string, arg?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject })
      process.send({ id, method, arg })
    })
  return {
    url,
    call,
    async close() {
      if (process.connected) await call('close').catch(() => {})
      // Bounded: a child that does not exit within 2 s is stopped by its own pid.
      const timer = setTimeout(() => process.kill(), 2000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** The child's side: answers the parent's calls with `server`'s methods, and stops when the parent goes. */
export function serveOverIpc(server: Served): void {
  const send = (message: unknown) => process.send?.(message)
  process.on('message', async (message: { id: number; method: string; arg?: unknown }) => {
    try {
      const result = await (server[message.method] as (arg: unknown) => unknown)(message.arg)
      send({ id: message.id, result })
      if (message.method === 'close') process.disconnect()
    } catch (error) {
      send({ id: message.id, error: String(error) })
    }
  })
  // The parent went away without closing: stop too, never linger.
  process.on('disconnect', () => void server.close().finally(() => process.exit(0)))
  send({ ready: server.url })
}
