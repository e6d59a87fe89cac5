import { ClaimLostError, OncelyServerOptionError, RedisEvictionPolicyError } from '../errors.js'
import type { Claim, ClaimResult, CompletionTiming, IdempotencyStore, KeyRecord, StoredResponse } from './types.js'

/** An ioredis client (`call`) or a node-redis v4+ client (`sendCommand`); the app owns it. */
export type RedisClientLike = { call(command: string, ...args: Array<string | number>): Promise<unknown> } | { sendCommand(args: string[]): Promise<unknown> }

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** Prefix of every key; default `oncely:`. */
  prefix?: string
  /**
   * Start even though `maxmemory-policy` is not `noeviction` (or cannot be
   * read, as on some managed services). An evicted key lets a retry act twice:
   * only set this when you have checked the policy another way. Logs a warning.
   */
  unsafeSkipEvictionCheck?: boolean
  /** Where the warning goes; default `console.warn`. */
  warn?: (message: string) => void
}

/** The Redis store, with the command count for tests and benchmarks. */
export interface RedisStore extends IdempotencyStore {
  readonly prefix: string
}

// A record is one JSON string: {"t":token,"s":"p"|"c","f":fingerprint,"e":expiresAt[,"st":status,"h":headers,"b":body[,"b64":1]]}.
// The token comes first so the scripts check it by prefix, never decoding a large stored body.
interface Encoded {
  t: string
  s: 'p' | 'c'
  f: string
  e: number
  st?: number
  h?: Array<[string, string]>
  b?: string
  b64?: 1
}

// Both scripts touch one key, so they run unchanged on Redis Cluster. ARGV[1] is the claim's
// expected prefix, {"t":"<token>","s":"p" : the token is checked without decoding anything.
// Completion keeps the claim's fingerprint and expiry (the rest of the value) and appends the response.
const COMPLETE = `local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, #ARGV[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2] .. string.sub(v, #ARGV[1] + 1, -2) .. ARGV[3], 'PX', ARGV[4])
return 1`
const RELEASE = `local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, #ARGV[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const encoder = new TextEncoder()

/**
 * Keys in Redis. A claim is one `SET key claim NX PX lease GET`: it takes the
 * key if absent and otherwise returns the standing record, in one round trip
 * (Redis ≥ 7). The claim's PX is the lease, so a dead worker's claim simply
 * vanishes; completion and release are scripts that first check the claim's
 * fencing token, so a worker that lost its claim can never write.
 *
 * Redis cannot commit the handler's effect with the key (no `ctx.tx`): it
 * gives at-most-one concurrent claim and the replay; exactly-once then rests
 * on the effect's own idempotency. See docs/server.md for durability (AOF).
 *
 * Refuses to start (`RedisEvictionPolicyError`) unless `maxmemory-policy` is
 * `noeviction`, and (`OncelyServerOptionError`) on Redis older than 7.0.
 *
 * @example
 * import Redis from 'ioredis'
 * const store = await redisStore(new Redis(process.env.REDIS_URL))
 */
export async function redisStore(client: RedisClientLike, options: RedisStoreOptions = {}): Promise<RedisStore> {
  const prefix = options.prefix ?? 'oncely:'
  const command = commander(client)
  await checkEviction(command, options)
  await checkSetGet(command, prefix)
  const shas = { complete: '', release: '' }
  const load = async () => {
    shas.complete = String(await command(['SCRIPT', 'LOAD', COMPLETE]))
    shas.release = String(await command(['SCRIPT', 'LOAD', RELEASE]))
  }
  await load()
  // EVALSHA sends 40 bytes instead of the script; after a restart or SCRIPT FLUSH, load again once.
  const script = async (name: 'complete' | 'release', key: string, args: string[]): Promise<unknown> => {
    try {
      return await command(['EVALSHA', shas[name], '1', key, ...args])
    } catch (error) {
      if (!String((error as Error)?.message).includes('NOSCRIPT')) throw error
      await load()
      return command(['EVALSHA', shas[name], '1', key, ...args])
    }
  }

  return {
    kind: 'redis',
    prefix,
    async claim(claim: Claim): Promise<ClaimResult> {
      const value = `${head(claim.token, 'p')},"f":${JSON.stringify(claim.fingerprint)},"e":${claim.now + claim.ttl}}`
      const lease = String(Math.max(1, Math.round(claim.lease)))
      const previous = await command(['SET', prefix + claim.id, value, 'NX', 'PX', lease, 'GET'])
      if (previous === null || previous === undefined) return { claimed: true }
      return { claimed: false, record: decode(String(previous)) }
    },
    async complete(id: string, token: string, response: StoredResponse, timing: CompletionTiming): Promise<void> {
      const px = String(Math.max(1, Math.round(timing.expiresAt - timing.now)))
      const done = await script('complete', prefix + id, [head(token, 'p'), head(token, 'c'), responseTail(response), px])
      if (Number(done) !== 1) throw new ClaimLostError(id)
    },
    async release(id: string, token: string): Promise<void> {
      await script('release', prefix + id, [head(token, 'p')])
    },
  }
}

/** The start of a record: token, then state. Key order is part of the format (the scripts match by prefix). */
function head(token: string, state: 'p' | 'c'): string {
  return `{"t":${JSON.stringify(token)},"s":"${state}"`
}

/** The response as the tail of a completed record: `,"st":…,"h":…,"b":…}`. */
function responseTail(response: StoredResponse): string {
  let body: string
  let b64 = false
  try {
    body = utf8.decode(response.body)
  } catch {
    // Not UTF-8 (an image, a protobuf): base64 keeps it byte-exact at a third more memory.
    let binary = ''
    for (const byte of response.body) binary += String.fromCharCode(byte)
    body = btoa(binary)
    b64 = true
  }
  return `,"st":${response.status},"h":${JSON.stringify(response.headers)},"b":${JSON.stringify(body)}${b64 ? ',"b64":1' : ''}}`
}

function decode(value: string): KeyRecord {
  const raw = JSON.parse(value) as Encoded
  // Redis expires keys itself: whatever it returns is live, so the times only have to say "not yet".
  const record: KeyRecord = { state: raw.s === 'c' ? 'completed' : 'in_progress', fingerprint: raw.f, token: raw.t, leaseUntil: Number.MAX_SAFE_INTEGER, expiresAt: Number.MAX_SAFE_INTEGER }
  if (raw.s === 'c') {
    const body = raw.b64 ? Uint8Array.from(atob(raw.b ?? ''), (char) => char.charCodeAt(0)) : encoder.encode(raw.b ?? '')
    record.response = { status: raw.st ?? 200, headers: raw.h ?? [], body }
  }
  return record
}

/** One raw command, whichever client the app uses. */
type Command = (args: Array<string>) => Promise<unknown>

function commander(client: RedisClientLike): Command {
  if ('call' in client && typeof client.call === 'function') return ([name, ...args]) => client.call(name!, ...args)
  if ('sendCommand' in client && typeof client.sendCommand === 'function') return (args) => client.sendCommand(args)
  throw new TypeError('redisStore: pass an ioredis client (has call) or a node-redis v4+ client (has sendCommand)')
}

/** The claim needs `SET … NX … GET` (Redis ≥ 7.0): refuse at start rather than on the first payment. */
async function checkSetGet(command: Command, prefix: string): Promise<void> {
  try {
    await command(['SET', `${prefix}__probe__`, '1', 'NX', 'PX', '1000', 'GET'])
  } catch (error) {
    throw new OncelyServerOptionError('client', `this Redis refuses SET … NX … GET (Redis ≥ 7.0 is needed): ${(error as Error)?.message}`)
  }
}

/** Refuses a Redis that may evict keys: an evicted claim or answer lets a retry act a second time. */
async function checkEviction(command: Command, options: RedisStoreOptions): Promise<void> {
  const warn = options.warn ?? ((message: string) => console.warn(message))
  let policy: string | undefined
  let cause: unknown
  try {
    const reply = (await command(['CONFIG', 'GET', 'maxmemory-policy'])) as unknown
    // RESP2: ['maxmemory-policy', 'noeviction']; RESP3 clients may give an object.
    policy = Array.isArray(reply) ? String(reply[1]) : reply && typeof reply === 'object' ? String(Object.values(reply)[0]) : undefined
  } catch (error) {
    cause = error
  }
  if (policy === 'noeviction') return
  const error = new RedisEvictionPolicyError(policy, { cause })
  if (!options.unsafeSkipEvictionCheck) throw error
  warn(`\n⚠️  oncely/server: ${error.message}\n⚠️  Started anyway (unsafeSkipEvictionCheck): an evicted idempotency key lets a retried payment run twice.\n`)
}
