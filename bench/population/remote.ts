import { fork } from 'node:child_process'
import type { PhaseConfig, PhaseStats } from './server.js'

/** The population server running in a child process, driven over IPC. */
export interface RemotePopulationServer {
  url: string
  configure(phase: PhaseConfig): Promise<void>
  stats(): Promise<PhaseStats>
  close(): Promise<void>
}

/** Forks server-child.ts with this process's loader flags (tsx) and waits until it listens. */
export async function spawnPopulationServer(): Promise<RemotePopulationServer> {
  const child = fork(new URL('./server-child.ts', import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  let next = 0
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', code => reject(new Error(`population server exited early (${code})`)))
    child.on('message', (message: { ready?: string; id?: number; result?: unknown; error?: string }) => {
      if (message.ready) return resolve(message.ready)
      const call = waiting.get(message.id!)
      waiting.delete(message.id!)
      if (message.error) call?.reject(new Error(message.error))
      else call?.resolve(message.result)
    })
  })
  const call = <T>(method: 'configure' | 'stats' | 'close', arg?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject })
      child.send({ id, method, arg })
    })
  return {
    url,
    configure: phase => call('configure', phase),
    stats: () => call('stats'),
    async close() {
      if (child.connected) await call('close').catch(() => {})
      // Bounded: a child that does not exit within 2 s is stopped by its own pid.
      const timer = setTimeout(() => child.kill(), 2000)
      await exited
      clearTimeout(timer)
    },
  }
}
