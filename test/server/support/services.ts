// Real PostgreSQL and Redis servers from Debian's packages, started for one test file on
// 127.0.0.1 with a fresh temporary data directory each, and stopped after it. Where a binary is
// missing, start*() resolves to { skip: reason } and the caller says so and skips.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A running service, or why there is none. */
export type Service = { url: string; port: number; stop(): Promise<void> } | { skip: string }

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin')
}

/**
 * Starts PostgreSQL: initdb into a temp dir, then pg_ctl on a free port. As root, runs as the
 * `postgres` user (PostgreSQL refuses root). `durable: false` (tests) turns fsync off.
 */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<Service> {
  const bin = postgresBin()
  if (!bin) return { skip: 'PostgreSQL is not installed (apt-get install postgresql; .ci/run does this)' }
  const asRoot = process.getuid?.() === 0
  let owner: { uid: number; gid: number } | undefined
  if (asRoot) {
    try {
      owner = { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) }
    } catch {
      return { skip: 'running as root and there is no postgres user to run PostgreSQL as' }
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'oncely-pg-'))
  if (owner) await chown(dir, owner.uid, owner.gid)
  const run = (tool: string, args: string[]) => {
    const [file, all] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args]
    execFileSync(file, all, { stdio: ['ignore', 'ignore', 'pipe'] })
  }
  const data = join(dir, 'data')
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'])
  for (let attempt = 0; ; attempt++) {
    const port = await freePort()
    const settings = [`-p ${port}`, '-h 127.0.0.1', `-k ${dir}`, '-c max_connections=200', ...(options.durable ? [] : ['-F', '-c synchronous_commit=off', '-c full_page_writes=off'])]
    try {
      run('pg_ctl', ['-D', data, '-o', settings.join(' '), '-l', join(dir, 'log'), '-w', '-t', '30', 'start'])
    } catch (error) {
      if (attempt < 3) continue // the port was taken between asking and binding
      await rm(dir, { recursive: true, force: true })
      throw error
    }
    // pg_ctl daemonizes PostgreSQL: should the test process end without stop() (a hung hook), stop it on exit.
    let stopped = false
    const stopNow = () => {
      if (stopped) return
      stopped = true
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
    }
    process.once('exit', () => {
      try {
        stopNow()
      } catch {
        // Exiting anyway: nothing left to report to.
      }
    })
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      async stop() {
        try {
          stopNow()
        } finally {
          await rm(dir, { recursive: true, force: true })
        }
      },
    }
  }
}

/** Starts redis-server on a free port with no persistence and `maxmemory-policy` as given (default noeviction). */
export async function startRedis(options: { policy?: string } = {}): Promise<Service> {
  const bin = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path))
  if (!bin) return { skip: 'redis-server is not installed (apt-get install redis-server; .ci/run does this)' }
  const dir = await mkdtemp(join(tmpdir(), 'oncely-redis-'))
  for (let attempt = 0; ; attempt++) {
    const port = await freePort()
    const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', options.policy ?? 'noeviction'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const ready = await new Promise<boolean>((resolve) => {
      let out = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (out.includes('Ready to accept connections')) resolve(true)
      })
      child.once('exit', () => resolve(false))
    })
    if (!ready) {
      if (attempt < 3) continue
      await rm(dir, { recursive: true, force: true })
      throw new Error('redis-server did not start')
    }
    process.once('exit', () => child.kill('SIGKILL')) // never outlive the test process
    return { url: `redis://127.0.0.1:${port}`, port, stop: () => stopChild(child, dir) }
  }
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    await exited
  }
  await rm(dir, { recursive: true, force: true })
}

/** Prints why a suite is skipped, so a skip is never silent. */
export function sayWhySkipped(suite: string, service: Service): void {
  if ('skip' in service) console.warn(`[skipped] ${suite}: ${service.skip}`)
}
