import { forkServer } from '../ipc.js'
import type { PhaseConfig, PhaseStats } from './server.js'

/** The population server running in a child process, driven over IPC. */
export interface RemotePopulationServer {
  url: string
  configure(phase: PhaseConfig): Promise<void>
  stats(): Promise<PhaseStats>
  close(): Promise<void>
}

/** Forks server-child.ts and waits until it listens. */
export async function spawnPopulationServer(): Promise<RemotePopulationServer> {
  const { url, call, close } = await forkServer(new URL('./server-child.ts', import.meta.url), 'population server')
  return { url, configure: phase => call('configure', phase), stats: () => call('stats'), close }
}
