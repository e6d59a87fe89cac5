/**
 * The clients oncely is compared with, as their users set them up. The loopback driver runs them
 * (ky itself for ky; these rules for the two fetch loops) and the model follows the same rules.
 */
export type ClientKind = 'oncely' | 'ky' | 'fixed' | 'aws'

export interface BaselineRule {
  /** Attempts in all, the first included; then the call gives up and the intent is abandoned. */
  attempts: number
  /** One key per intent (the server deduplicates its retries), or none / a fresh one per attempt (each retry a new payment). */
  keyed: boolean
  /** The wait before retry number `retry` (1-based), ms; `retryAfter` (ms) when the server sent one. */
  delay(retry: number, retryAfter: number | undefined, random: number): number
  setup: string
}

export const baselines: Record<Exclude<ClientKind, 'oncely'>, BaselineRule> = {
  // ky 1.14: every failure (network error or a listed status) counts against `limit`; the wait is
  // 0.3 s × 2^(n-1) with no jitter, or a 503's Retry-After to the millisecond.
  ky: {
    attempts: 6,
    keyed: false,
    delay: (retry, retryAfter) => retryAfter ?? 0.3 * 2 ** (retry - 1) * 1000,
    setup: "ky.post(url, { json, retry: { limit: 5, methods: ['post'], retryOnTimeout: true } }): no key; waits 0.3 s × 2^n, no jitter; Retry-After honoured exactly",
  },
  fixed: {
    attempts: 10,
    keyed: false,
    delay: () => 1000,
    setup: 'fetch, a fresh key per attempt (a naive app), 10 attempts 1 s apart; Retry-After ignored',
  },
  // The AWS SDK's standard mode: full jitter over min(20 s, base × 2^n), base 100 ms, 3 attempts,
  // a server's Retry-After as a floor (@smithy/util-retry). Its retry quota is per client and never
  // runs dry with one or two intents, so it is left out.
  aws: {
    attempts: 3,
    keyed: true,
    delay: (retry, retryAfter, random) => Math.max(retryAfter ?? 0, random * Math.min(20_000, 100 * 2 ** (retry - 1))),
    setup: 'fetch, one key per intent kept in memory, 3 attempts, full jitter random × min(20 s, 100 ms × 2^n), Retry-After as a floor',
  },
}
