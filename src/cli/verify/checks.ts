import { otherBody, render, type VerifyOptions } from './options.js'
import { describe, readEffects, send, type Answer } from './probe.js'

/** One line of the table. `guarantee` lines decide the exit code; `info` lines describe. */
export interface CheckResult {
  id: string
  title: string
  level: 'guarantee' | 'info'
  verdict: 'holds' | 'fails' | 'skipped' | 'info'
  detail: string
}

/** What a check gets: the options, fresh keys and nonces, the effect counter. */
export interface CheckContext {
  options: VerifyOptions
  fresh(): { key: string; nonce: string }
  /** The effect count now, or `undefined` without `--effects`. */
  effects(): Promise<number | undefined>
}

const ok2xx = (a: Answer): boolean => a.ok && a.status >= 200 && a.status < 300
const same = (a: Answer, b: Answer) => a.ok && b.ok && a.status === b.status && a.body === b.body
const delta = (before: number | undefined, after: number | undefined) => (before === undefined || after === undefined ? undefined : after - before)
const result = (id: string, title: string, level: CheckResult['level'], verdict: CheckResult['verdict'], detail: string): CheckResult => ({ id, title, level, verdict, detail })

/** A repeated key replays the first answer (status and body) and acts once; and whether the replay is marked. */
export async function checkReplay(ctx: CheckContext): Promise<CheckResult[]> {
  const title = 'repeated key replays the first answer, one effect'
  const { key, nonce } = ctx.fresh()
  const body = render(ctx.options.body, { key, nonce })
  const before = await ctx.effects()
  const first = await send(ctx.options, { key, body })
  if (!first.ok || !ok2xx(first)) return [result('replay', title, 'guarantee', 'fails', `the first request did not succeed: ${describe(first)} (check --method, --body, --header)`)]
  const second = await send(ctx.options, { key, body })
  const effects = delta(before, await ctx.effects())
  const effectNote = effects === undefined ? 'effects not counted (no --effects)' : `effects +${effects}`
  const replayed = same(first, second) && (effects === undefined || effects === 1)
  const marked = second.ok && second.replayed
  return [
    result('replay', title, 'guarantee', replayed ? 'holds' : 'fails', replayed ? `same status ${first.status} and body; ${effectNote}` : `first ${describe(first)}; repeat ${describe(second)}; ${effectNote}`),
    result('replay-marked', 'replay is marked Idempotent-Replayed: true', 'info', 'info', marked ? 'yes' : 'no: a client cannot tell a replay from a fresh answer'),
  ]
}

/** Same-key requests at once: at most one effect, identical bodies; the others wait or get 409 with Retry-After. */
export async function checkConcurrent(ctx: CheckContext): Promise<CheckResult[]> {
  const { concurrency, rounds } = ctx.options
  const title = `${concurrency} same-key requests at once (×${rounds}): at most one effect, identical bodies`
  const before = await ctx.effects()
  let doubled = 0
  let busy = 0
  let waited = 0
  const bad: string[] = []
  for (let round = 0; round < rounds; round++) {
    const { key, nonce } = ctx.fresh()
    const body = render(ctx.options.body, { key, nonce })
    const answers = await Promise.all(Array.from({ length: concurrency }, () => send(ctx.options, { key, body })))
    const successes = answers.filter(ok2xx)
    if (new Set(successes.map((a) => (a.ok ? `${a.status} ${a.body}` : ''))).size > 1) doubled++
    waited += Math.max(0, successes.length - 1)
    for (const answer of answers) {
      if (ok2xx(answer)) continue
      if (answer.ok && answer.status === 409 && answer.retryAfter !== null) busy++
      else bad.push(answer.ok && answer.status === 409 ? '409 without Retry-After' : describe(answer))
    }
  }
  const effects = delta(before, await ctx.effects())
  const extra = effects === undefined ? 0 : Math.max(0, effects - rounds)
  const holds = doubled === 0 && extra === 0
  const effectNote = effects === undefined ? 'effects not counted' : `effects +${effects} for ${rounds} keys`
  const concurrencyResult = result('concurrent', title, 'guarantee', holds ? 'holds' : 'fails', holds ? `one answer per key; ${effectNote}` : `${doubled} of ${rounds} rounds answered different bodies (a second effect); ${effectNote}`)
  const unique = [...new Set(bad)]
  const inProgressTitle = 'retry while the first is in progress: 409 + Retry-After, or waits'
  if (bad.length > 0) return [concurrencyResult, result('in-progress', inProgressTitle, 'guarantee', 'fails', `${bad.length} answers were neither: ${unique.slice(0, 3).join('; ')}`)]
  const seen = busy + waited
  return [concurrencyResult, result('in-progress', inProgressTitle, 'guarantee', seen > 0 ? 'holds' : 'skipped', seen > 0 ? `${busy} × 409 with Retry-After, ${waited} × waited and got the same answer` : 'not observed: every round was answered one by one')]
}

/** An explicit in-progress check, with a header that makes the endpoint slow. */
export async function checkSlow(ctx: CheckContext): Promise<CheckResult[]> {
  if (!ctx.options.slowHeader) return []
  const title = 'retry during a slow first request: 409 + Retry-After, or waits'
  const { key, nonce } = ctx.fresh()
  const body = render(ctx.options.body, { key, nonce })
  let firstDone = false
  const first = send(ctx.options, { key, body, extraHeaders: [ctx.options.slowHeader] }).finally(() => (firstDone = true))
  await new Promise((resolve) => setTimeout(resolve, 100))
  if (firstDone) return [result('in-progress-slow', title, 'guarantee', 'skipped', `the slow request answered within 100 ms (${describe(await first)}): not slow enough to check`)]
  const second = await send(ctx.options, { key, body })
  const firstAnswer = await first
  if (second.ok && second.status === 409) return [result('in-progress-slow', title, 'guarantee', second.retryAfter !== null ? 'holds' : 'fails', second.retryAfter !== null ? `409, Retry-After: ${second.retryAfter}` : '409 without Retry-After')]
  if (same(firstAnswer, second) && ok2xx(second)) return [result("in-progress-slow", title, "guarantee", "holds", `waited and got the same answer`)]
  return [result('in-progress-slow', title, 'guarantee', 'fails', `got ${describe(second)} while the first answered ${describe(firstAnswer)}`)]
}

/** Same key, other payload: refused (which status), never acted on or answered with the other request's answer. */
export async function checkMismatch(ctx: CheckContext): Promise<CheckResult[]> {
  const title = 'same key + other body is refused'
  const { key, nonce } = ctx.fresh()
  const body = render(ctx.options.body, { key, nonce })
  const other = otherBody(ctx.options.body, { key, nonce })
  if (other === undefined) return [result('mismatch', title, 'guarantee', 'skipped', 'not checked: the body template has no {{nonce}} and is not a JSON object')]
  const before = await ctx.effects()
  const first = await send(ctx.options, { key, body })
  if (!ok2xx(first)) return [result('mismatch', title, 'guarantee', 'fails', `the first request did not succeed: ${describe(first)}`)]
  const reused = await send(ctx.options, { key, body: other })
  const effects = delta(before, await ctx.effects())
  if (reused.ok && reused.status >= 400 && reused.status < 500 && (effects === undefined || effects === 1)) {
    return [result('mismatch', title, 'guarantee', 'holds', `${reused.status}${reused.status === 422 ? ' (as the draft says)' : ` (the draft says 422)`}`)]
  }
  const why = same(first, reused) ? 'answered with the first request’s answer (a silent replay)' : ok2xx(reused) ? 'acted on it' : `answered ${describe(reused)}`
  return [result('mismatch', title, 'guarantee', 'fails', `${why}${effects === undefined ? '' : `; effects +${effects}`}`)]
}

/** A failed first attempt is not cached: the retry with the same key gets a fresh attempt. */
export async function checkFailureNotCached(ctx: CheckContext): Promise<CheckResult[]> {
  const title = 'a failed first attempt is not cached'
  if (!ctx.options.failHeader) return [result('failure-not-cached', title, 'guarantee', 'skipped', 'not checked: pass --fail-header "Name: value" that makes the endpoint fail (5xx) before acting')]
  const { key, nonce } = ctx.fresh()
  const body = render(ctx.options.body, { key, nonce })
  const failed = await send(ctx.options, { key, body, extraHeaders: [ctx.options.failHeader] })
  if (!failed.ok || failed.status < 500) return [result('failure-not-cached', title, 'guarantee', 'skipped', `the fail header did not make it fail: ${describe(failed)}`)]
  const retry = await send(ctx.options, { key, body })
  if (retry.ok && ok2xx(retry) && !retry.replayed) return [result('failure-not-cached', title, 'guarantee', 'holds', `first ${failed.status}, retry ${retry.status} afresh`)]
  const why = same(failed, retry) ? `the ${failed.status} was stored and replayed: this key can never succeed` : `retry got ${describe(retry)}`
  return [result('failure-not-cached', title, 'guarantee', 'fails', why)]
}

/** Whether the sf-string and the bare form name one key, and what a keyless request gets. */
export async function checkKeyForms(ctx: CheckContext): Promise<CheckResult[]> {
  const { key, nonce } = ctx.fresh()
  const body = render(ctx.options.body, { key, nonce })
  const quoted = await send({ ...ctx.options, keyFormat: 'sf-string' }, { key, body })
  const bare = await send(ctx.options, { key, body, bare: true })
  const keyless = await send(ctx.options, { key: null, body: render(ctx.options.body, ctx.fresh()) })
  const forms = !ok2xx(quoted)
    ? `sf-string refused: ${describe(quoted)}`
    : same(quoted, bare)
      ? 'yes: "k" and k are one key'
      : `no: "k" and k are different keys (bare answered ${describe(bare)})`
  const missing = !keyless.ok ? describe(keyless) : keyless.status === 400 ? '400' : ok2xx(keyless) ? `${keyless.status}: runs unguarded` : String(keyless.status)
  return [
    result('key-forms', 'sf-string and bare keys are the same key', 'info', 'info', forms),
    result('missing-key', 'request without a key', 'info', 'info', missing),
  ]
}

/** Every check, in table order. */
export const CHECKS = [checkReplay, checkConcurrent, checkSlow, checkMismatch, checkFailureNotCached, checkKeyForms]

/** The effect counter for a run, or none. */
export function effectCounter(options: VerifyOptions): () => Promise<number | undefined> {
  return async () => (options.effects ? readEffects(options.effects, options.timeout) : undefined)
}
