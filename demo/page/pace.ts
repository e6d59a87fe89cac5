import type { ClientOptions } from 'oncely'

/**
 * How long a call tries before it gives up and leaves the payment pending. `human` (the default)
 * lets a person watch each retry and reload mid-spinner; `fast` (`?pace=fast`, for the end-to-end
 * tests) gives up after about 2 s, so "an outage longer than the call's budget" takes seconds.
 * What comes after giving up, the client's own tries, is the same at both paces.
 */
export type Pace = 'human' | 'fast'

export const paceOf = (search: string): Pace => (new URLSearchParams(search).get('pace') === 'fast' ? 'fast' : 'human')

// The library spaces tries up to 5 minutes apart: it is tuned for a population of browsers coming
// back from one outage together. This page has one shopper watching it, so a healed server is
// noticed within 8 s ("next try in 8 s") instead of minutes: `backoffLimit` caps every wait.
const budgets: Record<Pace, Pick<ClientOptions, 'retry' | 'deadline'>> = {
  // No quick retries: the first retry after a lost answer comes 2-3 s later, so a person can watch
  // it coming and reload mid-spinner. The call gives up after 30 s, not the library's 60 s, so a
  // person trying "Payment server down" sees the pending state soon.
  human: { retry: { limit: 8, delay: 2000, quick: 0, backoffLimit: 8000 }, deadline: 30_000 },
  // Three quick retries (under 0.3, 0.6, 1.2 s): the call's budget runs out in about 2 s.
  fast: { retry: { limit: 3, delay: 300, backoffLimit: 8000 }, deadline: 5000 },
}

/** The client options that depend on the pace. */
export function paceOptions(pace: Pace): ClientOptions {
  return {
    ...budgets[pace],
    // Short enough that the "slow answer" fault shows a timeout and a retry with the same key.
    timeout: 4000,
  }
}
