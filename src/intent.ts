import { isHTTPError, type Options as KyOptions } from 'ky'
import { classifyStatus } from './classify.js'
import { DeadlineError, IntentConflictError, IntentExpiredError, IntentPendingError } from './errors.js'
import type { Emitter } from './events.js'
import { fingerprint } from './fingerprint.js'
import { formatKey, mintKey } from './key.js'
import { Flights, withLock } from './lock.js'
import type { Config } from './options.js'
import type { OutageGate } from './outage.js'
import { createRecord, decodeRecord, isExpired, transition, type Action, type Decoded, type IntentRecord } from './record.js'
import { bodyText, toStored, type PreparedBody } from './request.js'
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
}

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
  /** Shared by every call of the client; undefined when `outage: false`. */
  gate: OutageGate | undefined
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
  const print = fingerprint(call.method, call.url, bodyText(call.body.stored))
  if (call.intent === undefined) {
    // No intent: a key for this call's own retries, kept in memory only.
    const record = createRecord({ intent: undefined, key: mintKey(), fingerprint: print, request: stored, now: config.now() })
    ctx.emitter.emit({ type: 'created', intent: undefined, key: record.key, record })
    return deliver(ctx, call, record, 0, async () => {})
  }
  const intent = call.intent
  const name = storeKey(config.namespace, intent)
  const flight = ctx.flights.get(name)
  if (flight) {
    if (flight.fingerprint !== print) throw new IntentConflictError(intent, flight.fingerprint, print)
    return flight.promise
  }
  return ctx.flights.start(name, print, () =>
    withLock(`oncely:${name}`, async () => {
      const { record, minted } = await resolve(ctx, name, intent, print, stored)
      if (record.fingerprint !== print) throw new IntentConflictError(intent, record.fingerprint, print)
      if (record.state === 'confirmed') return replay(ctx, record)
      if (isExpired(record, config.ttl, config.now())) throw new IntentExpiredError(record)
      // A record minted just now already counts its first attempt (see resolve).
      return deliver(ctx, call, record, minted ? 0 : record.attempts, next => persist(ctx, name, next))
    }),
  )
}

/** Serves a confirmed intent's stored answer, without a network call. */
export function replay(ctx: Context, record: IntentRecord): Settled {
  ctx.emitter.emit({ type: 'replayed', intent: record.intent, key: record.key, record })
  return { answer: replayAnswer(record.response ?? { status: 200, statusText: '', headers: [] }), record, outcome: 'replayed' }
}

/** Decodes a stored value, reporting one that is corrupt or from another version (never throws). */
export function decodeReported(ctx: Context, intent: string, value: unknown): Decoded {
  const decoded = decodeRecord(value)
  if (!decoded.ok) {
    const { name } = ctx.config.store
    ctx.emitter.emit({ type: 'storage-degraded', intent, from: name, to: name, reason: `corrupt record: ${decoded.reason}` })
  }
  return decoded
}

/** A decided record that still stands: a pending one is kept whatever its age (it may be known to the server). */
const stands = (record: IntentRecord, config: Config): boolean =>
  record.state === 'pending' || (record.state === 'confirmed' && !isExpired(record, config.ttl, config.now()))

/**
 * Reads the intent's record, or mints one: an atomic insert-if-absent, so two tabs agree on one
 * key. A rejected or expired-confirmed record is replaced (the server did not act, or forgot).
 * A corrupt record is reported and replaced, keeping its key when one can be read from it.
 */
async function resolve(ctx: Context, name: string, intent: string, print: string, request: IntentRecord['request']): Promise<{ record: IntentRecord; minted: boolean }> {
  const { config, emitter } = ctx
  const current = await config.store.get(name)
  const decoded = current === undefined ? undefined : decodeReported(ctx, intent, current)
  if (decoded?.ok && stands(decoded.record, config)) return { record: decoded.record, minted: false }
  const fresh = createRecord({ intent, key: (decoded?.ok ? undefined : decoded?.key) ?? mintKey(), fingerprint: print, request, now: config.now() })
  // Counted now when online, so the common path makes one write before the first byte.
  const candidate = config.online.isOnline() ? transition(fresh, { type: 'attempt', attempts: 1 }, fresh.createdAt) : fresh
  const won = await config.store.update(name, value => {
    const there = decodeRecord(value)
    return there.ok && stands(there.record, config) ? value : candidate
  })
  const winner = decodeRecord(won)
  // A store that returns garbage for what was just written: trust our copy.
  if (!winner.ok) return { record: candidate, minted: true }
  const minted = winner.record.key === candidate.key
  if (minted) emitter.emit({ type: 'created', intent, key: candidate.key, record: winner.record })
  return { record: winner.record, minted }
}

/** Writes a record unless another tab has since given this intent another key. */
async function persist(ctx: Context, name: string, record: IntentRecord): Promise<void> {
  await ctx.config.store.update(name, value => {
    const there = decodeRecord(value)
    return there.ok && there.record.key !== record.key ? value : record
  })
}

/** Sends the record's key until a definitive answer, then records it; else leaves it pending. */
async function deliver(ctx: Context, call: Call, start: IntentRecord, previous: number, save: (record: IntentRecord) => Promise<void>): Promise<Settled> {
  const { config, emitter } = ctx
  const { intent, key } = start
  let record = start
  const apply = async (action: Action) => {
    record = transition(record, action, config.now())
    await save(record)
  }
  const stop = stopSignal(call.signal, call.deadline)
  const headers = new Headers(call.headers)
  headers.set(config.keyHeader, formatKey(key, config.keyFormat))
  try {
    const response = await sendAttempts(config, {
      url: call.url,
      method: call.method,
      headers,
      body: call.body.send,
      previous,
      stop: stop.signal,
      gate: ctx.gate,
      options: call.options,
      onAttempt: async attempt => {
        emitter.emit({ type: 'attempt', intent, key, attempt })
        if (attempt > record.attempts) await apply({ type: 'attempt', attempts: attempt })
      },
      onRetry: (attempt, delay, reason) => emitter.emit({ type: 'retry-scheduled', intent, key, attempt, delay, at: config.now() + delay, reason }),
      onOffline: () => emitter.emit({ type: 'offline', intent, key }),
    })
    const answer = await readAnswer(response, config.response)
    await apply({ type: 'confirm', response: answer.stored })
    emitter.emit({ type: 'confirmed', intent, key, record })
    return { answer, record, outcome: 'confirmed' }
  } catch (error) {
    if (isHTTPError(error) && classifyStatus(error.response.status, config.retry.statusCodes) === 'rejected') {
      const answer = await readAnswer(error.response, config.response)
      await apply({ type: 'reject', response: answer.stored })
      emitter.emit({ type: 'rejected', intent, key, record, status: error.response.status })
      return { answer, record, outcome: 'rejected' }
    }
    await apply({ type: 'stall', error: describe(error) })
    emitter.emit({ type: 'pending', intent, key, record, error })
    throw new IntentPendingError(record, { cause: error })
  } finally {
    stop.dispose()
  }
}

const describe = (error: unknown): string =>
  isHTTPError(error) ? `HTTP ${error.response.status}` : error instanceof Error ? `${error.name}: ${error.message}` : String(error)

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
