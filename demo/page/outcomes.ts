import { isIntentPendingError, isIntentRejectedError } from 'oncely'
import { money } from './cart.js'
import { shortKey } from './key.js'
import type { Receipt } from './orders.js'
import type { Outcome } from './payment.js'

/** The words for how a payment ended, by who ended it. */
export const outcomes = {
  paid: (r: Receipt): Outcome => ({ tone: 'ok', kind: 'paid', text: `Payment confirmed: charged once (key ${shortKey(r.key)}).` }),
  alreadyPaid: (r: Receipt): Outcome => ({ tone: 'ok', kind: 'already-paid', text: `Already paid: this is your order from before (${r.orderId}). No request was sent and nothing was charged again.` }),
  checked: (r: Receipt): Outcome => ({ tone: 'ok', kind: 'resumed', text: `Resumed your payment with the same key (${shortKey(r.key)}) and confirmed it: charged once.` }),
  byItself: (r: Receipt): Outcome => ({ tone: 'ok', kind: 'confirmed-background', text: `Payment confirmed: we kept trying with the same key (${shortKey(r.key)}) and it went through. You were charged once.` }),
  elsewhere: (r: Receipt): Outcome => ({ tone: 'ok', kind: 'confirmed-elsewhere', text: `Payment confirmed in another tab or by the service worker, with the same key (${shortKey(r.key)}). This tab sent nothing; you were charged once.` }),
  whileAway: (r: Receipt): Outcome => ({ tone: 'ok', kind: 'confirmed-away', text: `Your payment went through while this page was closed, with the same key (${shortKey(r.key)}): you were charged once.` }),
  thisOrder: (r: Receipt): Outcome => ({ tone: 'ok', kind: 'already-paid', text: `This order is paid (key ${shortKey(r.key)}). Reloading or going back never charges again.` }),
  earlierOrder: (r: Receipt): Outcome => ({ tone: 'ok', kind: 'earlier-order', text: `This is an earlier order of yours (${money(r.amount)}, key ${shortKey(r.key)}). Viewing it never charges again; Forward returns to your current cart.` }),
  refusedElsewhere: (status: number): Outcome => ({ tone: 'bad', kind: 'rejected', text: `Payment refused (HTTP ${status}), as another tab heard. You were not charged.` }),
}

/** The words for a call that did not confirm; undefined when the payment is simply still pending. */
export async function failedOutcome(error: unknown): Promise<Outcome | undefined> {
  if (isIntentPendingError(error)) return undefined // the pending state says it, with the next try
  if (isIntentRejectedError(error)) {
    const detail = await problemDetail(error.response)
    return { tone: 'bad', kind: 'rejected', text: `Payment refused (HTTP ${error.response.status}${detail ? `: ${detail}` : ''}). You were not charged.` }
  }
  if (error instanceof Error && error.name === 'IntentExpiredError') {
    return { tone: 'bad', kind: 'expired', text: 'This payment has been pending for over a day, longer than the server keeps keys, so it is not sent again. Check your orders before paying again.' }
  }
  return { tone: 'bad', kind: 'error', text: `Something went wrong: ${error instanceof Error ? error.message : String(error)}` }
}

async function problemDetail(response: Response): Promise<string | undefined> {
  try {
    const problem = (await response.clone().json()) as { detail?: string; title?: string }
    return problem.detail ?? problem.title
  } catch {
    return undefined // not a problem+json body: the status alone says it
  }
}
