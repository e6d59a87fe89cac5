/**
 * Fault injection for `POST /api/orders`, switched at runtime by the demo's
 * chaos panel and by tests. Each mode is one way the network lies to a client:
 *
 * - `drop-before`: the socket dies before the server acts (no charge).
 * - `drop-after-commit`: the charge commits, then the socket dies unanswered:
 *   the classic double-charge trap, survived only by retrying with the same key.
 * - `slow`: commit, then answer after `delayMs`, past the client's timeout.
 * - `503-burst` / `429`: answer that status with `Retry-After` without acting.
 * - `random`: each request independently, with `probability`, one of
 *   drop-before / drop-after-commit / 503; otherwise normal.
 *
 * `count` is how many requests a mode affects (for `random`: how many faults);
 * when it runs out the mode turns itself `off`. The defaults tell the demo's
 * story: one dropped response, then the client's retry gets through.
 */

/** Every chaos mode. */
export const CHAOS_MODES = ['off', 'drop-before', 'drop-after-commit', 'slow', '503-burst', '429', 'random'] as const

/** One chaos mode. */
export type ChaosMode = (typeof CHAOS_MODES)[number]

/**
 * Whether a mode may destroy sockets. While one is armed, the server answers
 * every request with `Connection: close`, so each order arrives on a fresh
 * connection: Chromium silently resends a request (POST included) whose
 * *reused* keep-alive connection died before any response header, which would
 * hide the drop from the page and the SDK behind one invisible browser retry.
 */
export function dropsConnections(mode: ChaosMode): boolean {
  return mode === 'drop-before' || mode === 'drop-after-commit' || mode === 'random'
}

/** The active configuration, as `GET /api/chaos` shows it. */
export interface ChaosConfig {
  mode: ChaosMode
  /** For `random`: the chance that a request is faulted. */
  probability: number
  /** Requests to affect when switched on; `null`: until switched off. */
  count: number | null
  /** Requests still to affect; `null`: unlimited. */
  remaining: number | null
  /** For `slow`: how long the answer waits after the commit. */
  delayMs: number
  /** Seconds sent in `Retry-After` on 503 and 429. */
  retryAfter: number
}

/** What to do to one request. */
export type ChaosAction =
  | { kind: 'none' }
  | { kind: 'drop-before' }
  | { kind: 'drop-after-commit' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'reject'; status: 503 | 429; retryAfter: number }

const DEFAULT_COUNT: Record<ChaosMode, number | null> = {
  off: null,
  'drop-before': 1,
  'drop-after-commit': 1,
  slow: 1,
  '503-burst': 3,
  '429': 3,
  random: null,
}

/** Chaos switched off. */
export const CHAOS_OFF: ChaosConfig = { mode: 'off', probability: 0.3, count: null, remaining: null, delayMs: 12_000, retryAfter: 1 }

/**
 * Validates `POST /api/chaos` input into a complete config. Pure.
 *
 * @example
 * parseChaosSettings({ mode: '503-burst', count: 2 }) // { ok: true, config: { mode: '503-burst', remaining: 2, … } }
 */
export function parseChaosSettings(input: unknown): { ok: true; config: ChaosConfig } | { ok: false; errors: string[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, errors: ['body must be a JSON object'] }
  const body = input as Record<string, unknown>
  const errors: string[] = []
  const mode = body.mode as ChaosMode
  if (!CHAOS_MODES.includes(mode)) errors.push(`mode must be one of ${CHAOS_MODES.join(', ')}`)
  const probability = body.probability ?? CHAOS_OFF.probability
  if (!(typeof probability === 'number' && probability >= 0 && probability <= 1)) errors.push('probability must be a number from 0 to 1')
  const count = body.count === undefined ? (DEFAULT_COUNT[mode] ?? null) : body.count
  if (!(count === null || (Number.isInteger(count) && (count as number) > 0))) errors.push('count must be a positive integer, or null for unlimited')
  const delayMs = body.delayMs ?? CHAOS_OFF.delayMs
  if (!(Number.isInteger(delayMs) && (delayMs as number) >= 0)) errors.push('delayMs must be an integer ≥ 0')
  const retryAfter = body.retryAfter ?? CHAOS_OFF.retryAfter
  if (!(Number.isInteger(retryAfter) && (retryAfter as number) >= 0)) errors.push('retryAfter must be a whole number of seconds ≥ 0')
  if (errors.length > 0) return { ok: false, errors }
  if (mode === 'off') return { ok: true, config: { ...CHAOS_OFF } }
  const limit = count as number | null
  return { ok: true, config: { mode, probability: probability as number, count: limit, remaining: limit, delayMs: delayMs as number, retryAfter: retryAfter as number } }
}

/**
 * Decides the fate of one request and the config after it. Pure: randomness is
 * passed in, so a seeded generator makes a test exact.
 *
 * @example
 * decideChaos({ ...CHAOS_OFF, mode: 'drop-before', remaining: 1 }, Math.random) // { action: { kind: 'drop-before' }, next: CHAOS_OFF }
 */
export function decideChaos(config: ChaosConfig, random: () => number): { action: ChaosAction; next: ChaosConfig } {
  const action = pickAction(config, random)
  if (action.kind === 'none' || config.remaining === null) return { action, next: config }
  const remaining = config.remaining - 1
  return { action, next: remaining > 0 ? { ...config, remaining } : { ...CHAOS_OFF } }
}

function pickAction(config: ChaosConfig, random: () => number): ChaosAction {
  switch (config.mode) {
    case 'off':
      return { kind: 'none' }
    case 'drop-before':
    case 'drop-after-commit':
      return { kind: config.mode }
    case 'slow':
      return { kind: 'slow', delayMs: config.delayMs }
    case '503-burst':
      return { kind: 'reject', status: 503, retryAfter: config.retryAfter }
    case '429':
      return { kind: 'reject', status: 429, retryAfter: config.retryAfter }
    case 'random': {
      if (random() >= config.probability) return { kind: 'none' }
      const faults: ChaosAction[] = [{ kind: 'drop-before' }, { kind: 'drop-after-commit' }, { kind: 'reject', status: 503, retryAfter: config.retryAfter }]
      return faults[Math.min(faults.length - 1, Math.floor(random() * faults.length))]!
    }
  }
}

/** The live chaos switch of one server. */
export interface Chaos {
  get(): ChaosConfig
  /** Replaces the config; throws {@link ChaosSettingsError} on invalid input. */
  set(settings: unknown): ChaosConfig
  /** Consumes one request's worth of chaos. */
  next(): ChaosAction
  reset(): void
}

/** `POST /api/chaos` got settings it cannot use. */
export class ChaosSettingsError extends Error {
  override readonly name = 'ChaosSettingsError'
  constructor(readonly errors: string[]) {
    super(`Invalid chaos settings: ${errors.join('; ')}`)
  }
}

/**
 * Creates the switch. `random` defaults to `Math.random`, looked up per call;
 * `onChange` hears every `set` (the server closes idle sockets on it).
 *
 * @example
 * const chaos = createChaos({ random: seeded(42) })
 * chaos.set({ mode: 'random', probability: 0.2 })
 */
export function createChaos(options: { random?: () => number; onChange?: (config: ChaosConfig) => void } = {}): Chaos {
  let config: ChaosConfig = { ...CHAOS_OFF }
  const random = () => (options.random ?? Math.random)()
  return {
    get: () => ({ ...config }),
    set(settings) {
      const parsed = parseChaosSettings(settings)
      if (!parsed.ok) throw new ChaosSettingsError(parsed.errors)
      config = parsed.config
      options.onChange?.({ ...config })
      return { ...config }
    },
    next() {
      const { action, next } = decideChaos(config, random)
      config = next
      return action
    },
    reset() {
      config = { ...CHAOS_OFF }
    },
  }
}
