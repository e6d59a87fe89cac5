import { isHTTPError, type Options as KyOptions } from 'ky'
import { classify, isReplayedHeader } from './classify.js'
import { DeadlineError, IntentConflictError, IntentExpiredError, IntentPendingError, isStorageError, StorageError } from './errors.js'
import type { Emitter } from './events.js'
import { fingerprint } from './fingerprint.js'
import { formatKey, mintKey } from './key.js'
import { busy, Flights, withLock } from './lock.js'
import type { Config } from './options.js'
import { createRecord, decodeRecord, isExpired, transition, type Action, type IntentRecord } from './record.js'
import { bodyPrint, storedBodyToSend, toStored, type PreparedBody, type StoredRequest } from './request.js'
import { readAnswer, replayAnswer, type Answer } from './response.js'
import { joinSignals } from './signal.js'
import { sendAttempts } from './transport.js'

/** One call as the app made it, URL resolved and body read. */
export interface Call {
  intent: string | undefined
  method: string
  url: string
  /** Live headers, credentials included; only the stored copy drops them. */
  headers: Headers
  body: PreparedBody
  signal: AbortSignal | undefined
  deadline: number
  options: KyOptions
  /**
   * A try the client makes on its own: one attempt, and only if no call in this tab or another
   * is driving the intent (else it throws `Busy`).
   */
  background?: boolean
}

/** Another call (in this tab, or another tab holding the intent's Web Lock) is driving the intent. */
export class Busy extends Error {}

/** How a call ended with a definitive answer. */
export interface Settled {
  answer: Answer
  record: IntentRecord
  outcome: 'confirmed' | 'rejected' | 'replayed'
}

export interface Context {
  config: Config
  emitter: Emitter
  flights: Flights<Settled>
}

/** The store key of an intent: the namespace is encoded so `a/b` + `c` never meets `a` + `b/c`. */
export const storeKey = (namespace: string, intent: string): string => `${encodeURIComponent(namespace)}/${intent}`

/**
 * Runs a call to a definitive answer: one flight per intent in this tab, a Web Lock across tabs,
 * the key minted at most once, written before the first byte, kept until the server answers.
 */
export async function execute(ctx: Context, call: Call): Promise<Settled> {
  const { config } = ctx
  const stored = toStored(call.method, call.url, call.headers, call.body.stored, config.credentialHeaders)
  const print = fingerprint(call.method, call.url, bodyPrint(call.body.stored, call.headers.get('content-type')))
  if (call.intent === undefined) {
    // No intent: a key for this call's own retries, kept in memory only.
    const key = mintKey()
    const record = createRecord({ namespace: config.namespace, intent: undefined, key, wire: formatKey(key, config.keyFormat), fingerprint: print, request: stored, now: config.clock.now() })
    ctx.emitter.emit({ type: 'created', intent: undefined, key, record })
    return deliver(ctx, call, record, false, undefined)
  }
  const intent = call.intent
  const name = storeKey(config.namespace, intent)
  const flight = ctx.flights.get(name)
  if (flight) {
    if (call.background) throw new Busy()
    if (flight.fingerprint !== print) throw new IntentConflictError(intent, flight.fingerprint, print)
    if (!flight.background) return flight.promise
    // The app's call gets its own full run of retries, after the background try's one attempt.
    await flight.promise.catch(() => undefined)
    return execute(ctx, call)
  }
  return ctx.flights.start(name, { fingerprint: print, background: call.background === true }, async () => {
    const settled = await withLock(`oncely:${name}`, async () => {
      const { record, minted, precounted } = await resolve(ctx, name, intent, print, stored).catch(error => {
        throw degraded(ctx, intent, error)
      })
      if (record.fingerprint !== print) throw new IntentConflictError(intent, record.fingerprint, print)
      // A confirmed intent is replayed whatever its age: time alone never mints a second key.
      if (record.state === 'confirmed') return replay(ctx, record)
      if (isExpired(record, config.ttl, config.clock.now())) throw new IntentExpiredError(record)
      return deliver(ctx, minted ? call : asFirstSent(call, record.request), record, precounted, name)
    }, call.background ? undefined : () => ctx.emitter.emit({ type: 'waiting', intent }))
    if (settled === busy) throw new Busy()
    return settled
  })
}

/** Serves a confirmed intent's stored answer, without a network call. */
export function replay(ctx: Context, record: IntentRecord): Settled {
  ctx.emitter.emit({ type: 'replayed', intent: record.intent, key: record.key, record })
  return { answer: replayAnswer(record.response ?? { status: 200, statusText: '', headers: [] }), record, outcome: 'replayed' }
}

/**
 * Reads a stored value as the intent's record, or undefined. A corrupt value is reported; one that
 * belongs to another intent or namespace is reported and, with `strict`, fails the call: a store
 * that answers with someone else's record cannot be trusted with this one's key.
 */
export function readRecord(ctx: Context, intent: string, value: unknown, strict = false): IntentRecord | undefined {
  if (value === undefined) return undefined
  const decoded = decodeRecord(value, ctx.config.namespace, intent)
  if (decoded.ok) return decoded.record
  const { name } = ctx.config.store
  ctx.emitter.emit({ type: 'storage-degraded', intent, from: name, to: name, reason: `corrupt record: ${decoded.reason}` })
  if (strict && decoded.foreign) throw new StorageError(`The ${name} store answered ${decoded.reason}.`)
  return undefined
}

/**
 * Reads the intent's record, or mints one: an atomic insert-if-absent, so two tabs agree on one
 * key. A record rejected with certainty is replaced (the server did not act under its key). A
 * corrupt record is reported and replaced, keeping its key when one can be read from it. What the
 * store says it stored is checked, and read back when it is not a record of this intent.
 */
async function resolve(ctx: Context, name: string, intent: string, print: string, request: IntentRecord['request']): Promise<{ record: IntentRecord; minted: boolean; precounted: boolean }> {
  const { config, emitter } = ctx
  const current = await config.store.get(name)
  const found = readRecord(ctx, intent, current, true)
  if (found && found.state !== 'rejected') return { record: found, minted: false, precounted: false }
  const salvaged = found ? undefined : decodeRecord(current, config.namespace, intent)
  const salvagedKey = salvaged && !salvaged.ok ? salvaged.key : undefined
  const key = salvagedKey ?? mintKey()
  const fresh = createRecord({ namespace: config.namespace, intent, key, wire: formatKey(key, config.keyFormat), fingerprint: print, request, now: config.clock.now() })
  // Counted now when the key is new and we are online, so the common path makes one write before
  // the first byte. A salvaged key may be another tab's too: its attempts are counted one by one.
  const precount = config.online.isOnline() && salvagedKey === undefined
  const candidate = precount ? transition(fresh, { type: 'attempt', declined: false }, fresh.createdAt) : fresh
  const updater = (value: unknown) => {
    const there = decodeRecord(value, config.namespace, intent)
    return (there.ok && there.record.state !== 'rejected') || (!there.ok && there.foreign) ? value : candidate
  }
  const won = readRecord(ctx, intent, await config.store.update(name, updater), false)
    ?? readRecord(ctx, intent, await config.store.get(name), true)
  if (!won) throw new StorageError(`The ${config.store.name} store's update() stored no record of the intent.`)
  const minted = won.key === candidate.key
  if (minted) emitter.emit({ type: 'created', intent, key, record: won })
  return { record: won, minted, precounted: minted && precount }
}

/**
 * The call with the body its key was first sent with, byte for byte: the same payload encoded
 * again (a FormData gets a new boundary) must not look like another request to the server.
 */
function asFirstSent(call: Call, request: StoredRequest): Call {
  if (!request.body) return call
  const headers = new Headers(call.headers)
  const type = request.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1]
  if (type) headers.set('content-type', type)
  return { ...call, headers, body: { ...call.body, send: storedBodyToSend(request.body) } }
}

/**
 * Applies `action` to the stored record inside the store's update, so counts from several tabs
 * add up and a decided record is never overwritten. A record cleared, forgotten or re-minted
 * meanwhile is left alone: `clear()` during a call is not undone when the call finishes.
 */
async function save(ctx: Context, name: string, record: IntentRecord, action: Action): Promise<IntentRecord | undefined> {
  const { config } = ctx
  let next: IntentRecord | undefined
  await config.store.update(name, value => {
    const there = decodeRecord(value, config.namespace, record.intent!)
    next = there.ok && there.record.key === record.key ? transition(there.record, action, config.clock.now()) : undefined
    return next && next !== (there.ok && there.record) ? next : value
  })
  return next
}

/** Another tab decided the intent, or it was cleared, while this call waited to send again. */
class Superseded extends Error {
  constructor(readonly record: IntentRecord | undefined) {
    super()
  }
}

/** Sends the record's key until a definitive answer, then records it; else leaves it pending. */
async function deliver(ctx: Context, call: Call, start: IntentRecord, precounted: boolean, name: string | undefined): Promise<Settled> {
  const { config, emitter } = ctx
  const { intent, key } = start
  let record = start
  let counted = precounted
  // When the next try was due when the run ended: the background does not try before it.
  let retryAt: number | undefined
  const apply = async (action: Action) => {
    const local = transition(record, action, config.clock.now())
    const stored = name === undefined ? local : await save(ctx, name, record, action)
    record = stored ?? local
    return stored
  }
  // A decision the store failed to keep still stands for this call; the record stays pending on
  // disk, so the next call resends the same key and the server replays its answer.
  const decide = (action: Action) => apply(action).catch(error => {
    if (!isStorageError(degraded(ctx, intent, error))) throw error
  })
  const stop = stopSignal(call.signal, call.deadline)
  try {
    const response = await sendAttempts(config, {
      url: call.url,
      method: call.method,
      headers: call.headers,
      body: call.body.send,
      wire: record.wire,
      stop: stop.signal,
      options: call.options,
      limit: call.background ? 0 : config.retry.limit,
      // A call the app makes now (Pay again, Check status) starts over with a blip's quick retries:
      // someone is waiting on it. Background tries keep the intent's age, which spreads a population.
      failed: call.background ? start.attempts - Number(precounted) : 0,
      since: call.background ? start.createdAt : config.clock.now(),
      onAttempt: async declined => {
        if (!counted) {
          // Unwritten, the attempt does not leave: a count the disk never saw could free a used
          // key. Nor does it leave under a key another tab has decided (or freed) meanwhile.
          const stored = await apply({ type: 'attempt', declined })
          if (stored?.state !== 'pending') throw new Superseded(stored)
        }
        counted = false
        retryAt = undefined
        emitter.emit({ type: 'attempt', intent, key, attempt: record.attempts })
      },
      // `at` is for a countdown on this device: its own clock, not the server's.
      onRetry: (delay, reason) => {
        retryAt = config.clock.now() + delay
        emitter.emit({ type: 'retry-scheduled', intent, key, attempt: record.attempts, delay, at: config.now() + delay, reason })
      },
      onOffline: () => emitter.emit({ type: 'offline', intent, key }),
    })
    const answer = await readAnswer(response, config.response)
    await decide({ type: 'confirm', response: answer.stored })
    emitter.emit({ type: 'confirmed', intent, key, record })
    return { answer, record, outcome: 'confirmed' }
  } catch (error) {
    if (error instanceof Superseded) return superseded(ctx, error.record, start)
    if (isHTTPError(error) && classify(error.response.status, error.response.headers, config.retry.statusCodes) === 'refused') {
      const answer = await readAnswer(error.response, config.response)
      await decide({ type: 'refuse', response: answer.stored, certain: isReplayedHeader(error.response.headers) })
      if (record.state === 'rejected') {
        emitter.emit({ type: 'rejected', intent, key, record, status: error.response.status })
        return { answer, record, outcome: 'rejected' }
      }
      // Refused after an attempt that may have acted: the key stays bound to the intent.
      emitter.emit({ type: 'pending', intent, key, record, error })
      throw new IntentPendingError(record, { cause: error, response: answer.response() })
    }
    const declined = isHTTPError(error) && error.response.status < 500
    degraded(ctx, intent, error)
    await decide({ type: 'stall', error: describe(error), declined, retryAt })
    emitter.emit({ type: 'pending', intent, key, record, error })
    throw new IntentPendingError(record, { cause: error })
  } finally {
    stop.dispose()
  }
}

/** Ends a call whose intent was settled elsewhere: the decision there is this call's answer. */
function superseded(ctx: Context, record: IntentRecord | undefined, start: IntentRecord): Settled {
  if (record?.state === 'confirmed') return replay(ctx, record)
  if (record?.state === 'rejected') {
    ctx.emitter.emit({ type: 'rejected', intent: record.intent, key: record.key, record, status: record.response!.status })
    return { answer: replayAnswer(record.response!), record, outcome: 'rejected' }
  }
  throw new IntentPendingError(start, { cause: new StorageError('The record was cleared or replaced during the call.') })
}

/** Tells listeners about a store failure (and passes any error through, for `throw`). */
function degraded(ctx: Context, intent: string | undefined, error: unknown): unknown {
  const { name } = ctx.config.store
  if (isStorageError(error)) ctx.emitter.emit({ type: 'storage-degraded', intent, from: name, to: name, reason: error.message, error })
  return error
}

// What a record keeps of an error: no query strings, which may carry tokens.
const describe = (error: unknown): string =>
  (isHTTPError(error) ? `HTTP ${error.response.status}` : error instanceof Error ? `${error.name}: ${error.message}` : String(error))
    .replace(/(\/\/[^\s?#]*)[?#]\S*/g, '$1')

/** The caller's signal and the deadline as one signal. */
function stopSignal(signal: AbortSignal | undefined, deadline: number): { signal: AbortSignal; dispose(): void } {
  const joined = joinSignals(signal)
  const timer = setTimeout(() => joined.controller.abort(new DeadlineError(deadline)), deadline)
  return {
    signal: joined.controller.signal,
    dispose() {
      clearTimeout(timer)
      joined.dispose()
    },
  }
}
