import { fork } from 'node:child_process'
import type { ChaosServer, LaneStats, RunConfig } from './server.js'

/** The chaos server running in a child process, driven over IPC. */
export interface RemoteServer {
  url: string
  configure(run: RunConfig): Promise<void>
  stats(): Promise<Record<string, LaneStats>>
  setFiles(files: Record<string, { type: string; body: string }>): Promise<void>
  close(): Promise<void>
}

/** Forks server-child.ts with this process's loader flags (tsx), waits until it listens. */
export async function spawnServer(): Promise<RemoteServer> {
  const child = fork(new URL('./server-child.ts', import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  let next = 0
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', code => reject(new Error(`bench server exited early (${code})`)))
    child.on('message', (message: { ready?: string; id?: number; result?: unknown; error?: string }) => {
      if (message.ready) return resolve(message.ready)
      const call = waiting.get(message.id!)
      waiting.delete(message.id!)
      if (message.error) call?.reject(new Error(message.error))
      else call?.resolve(message.result)
    })
  })
  const call = <T>(method: keyof ChaosServer, arg?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject })
      child.send({ id, method, arg })
    })
  return {
    url,
    configure: run => call('configure', run),
    stats: () => call('stats'),
    setFiles: files => call('setFiles', files),
    async close() {
      if (child.connected) await call('close').catch(() => {})
      // Bounded: a child that does not exit within 2 s is stopped by its own pid.
      const timer = setTimeout(() => child.kill(), 2000)
      await exited
      clearTimeout(timer)
    },
  }
}
