import { forkServer } from './ipc.js'
import type { LaneStats, RunConfig } from './server.js'

/** The chaos server running in a child process, driven over IPC. */
export interface RemoteServer {
  url: string
  configure(run: RunConfig): Promise<void>
  stats(): Promise<Record<string, LaneStats>>
  setFiles(files: Record<string, { type: string; body: string }>): Promise<void>
  close(): Promise<void>
}

/** Forks server-child.ts and waits until it listens. */
export async function spawnServer(): Promise<RemoteServer> {
  const { url, call, close } = await forkServer(new URL('./server-child.ts', import.meta.url), 'bench server')
  return {
    url,
    configure: run => call('configure', run),
    stats: () => call('stats'),
    setFiles: files => call('setFiles', files),
    close,
  }
}
