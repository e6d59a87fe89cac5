import {
  isIntentPendingError,
  isIntentRejectedError,
  isReplayed,
  type IntentRecord,
  type OncelyClient,
} from 'oncely'
import { cartTotal, checkoutIntent, currentCart, money, orderBody, startNewCart, type Cart } from './cart.js'
import type { Connection } from './connection.js'
import { byId, h, shortKey } from './dom.js'
import type { Timeline } from './timeline.js'

/** The 201 body of `POST /api/orders`, stored by oncely and replayed verbatim. */
interface Receipt {
  orderId: string
  key: string
  amount: number
  currency: string
  at: string
}

type Tone = 'info' | 'warn' | 'ok' | 'bad'

/**
 * The checkout flow, through oncely's public API only: Pay is `api.post` with the cart's intent;
 * a reload or Back finds the intent with `api.intents.get` and resumes it with its own key.
 */
export function createCheckout(deps: { api: OncelyClient; connection: Connection; timeline: Timeline; changed(): void }) {
  const { api, connection, timeline } = deps
  let cart = currentCart()
  let record: IntentRecord | undefined
  let flight: Promise<void> | undefined

  const pay = byId<HTMLButtonElement>('pay')
  const notice = byId('notice')
  const intent = () => checkoutIntent(cart)

  pay.addEventListener('click', () => void send('pay'))
  for (const button of document.querySelectorAll('[data-action="new-cart"]')) button.addEventListener('click', () => void newCart())
  window.addEventListener('popstate', () => void route())
  // Back/forward may restore this page from the bfcache: its view is then from before.
  window.addEventListener('pageshow', event => {
    if (event.persisted) void refresh().then(route)
  })
  // A payment left pending while offline goes out again by itself, with its key.
  connection.subscribe(online => {
    if (online && record?.state === 'pending' && !flight) void send('resume')
    showBusy()
  })

  async function boot(): Promise<void> {
    renderCart()
    await refresh()
    if (!record) {
      timeline.clear('No payment yet for this cart. Press Pay to start.')
    } else if (record.state === 'pending') {
      timeline.clear(`Page loaded at ${new Date().toLocaleTimeString('en-GB')}`)
      timeline.add({ tone: 'info', title: 'Found an unfinished payment on this device', detail: `Key ${shortKey(record.key)}, ${record.attempts} attempt(s) so far: resuming with the same key` })
      say('info', 'resumed', `Resuming your payment with the same key (${shortKey(record.key)}): you will not be charged twice.`)
      void send('resume')
      return
    } else if (record.state === 'confirmed') {
      timeline.clear(`Page loaded at ${new Date().toLocaleTimeString('en-GB')}`)
      timeline.add({ tone: 'ok', title: 'This cart is already paid', detail: `Order found on this device (key ${shortKey(record.key)}): no request sent` })
    } else {
      timeline.clear('The last payment for this cart was refused. Press Pay to try again.')
    }
    await route()
  }

  /** Pay (a new intent, or the same one again) or resume the stored one: one flight at a time. */
  function send(kind: 'pay' | 'resume'): Promise<void> {
    if (flight) return flight
    flight = (async () => {
      await Promise.resolve() // `flight` is set from here on, so the button shows it
      showBusy()
      if (kind === 'pay') timeline.add({ tone: 'info', title: 'Pay pressed', detail: `${money(cartTotal(cart))} for cart ${cart.id}` })
      try {
        const response = kind === 'pay' ? await api.post('orders', { json: orderBody(cart), intent: intent() }) : await api.intents.resume(intent())
        const receipt = (await response.json()) as Receipt
        await refresh()
        showConfirmation(receipt)
        if (isReplayed(response)) say('ok', 'already-paid', `Already paid: this is your order from before (${receipt.orderId}). No request was sent and nothing was charged again.`)
        else if (kind === 'resume') say('ok', 'resumed', `Resumed your payment with the same key (${shortKey(receipt.key)}) and confirmed it: charged once.`)
        else say('ok', 'paid', `Payment confirmed: charged once (key ${shortKey(receipt.key)}).`)
      } catch (error) {
        await refresh()
        if (isIntentPendingError(error)) {
          say('warn', 'pending', `We could not confirm your payment yet. You will not be charged twice: trying again uses the same key (${shortKey(error.record.key)}).`, {
            label: 'Try again',
            run: () => void send('resume'),
          })
        } else if (isIntentRejectedError(error)) {
          const detail = await problemDetail(error.response)
          say('bad', 'rejected', `Payment refused (HTTP ${error.response.status}${detail ? `: ${detail}` : ''}). You were not charged.`)
        } else {
          say('bad', 'error', `Something went wrong: ${error instanceof Error ? error.message : String(error)}`)
        }
      } finally {
        flight = undefined
        showBusy()
      }
    })()
    return flight
  }

  async function newCart(): Promise<void> {
    if (flight) return // forgetting a key while it is on the wire could charge the old cart twice
    await api.intents.forget(intent())
    cart = startNewCart()
    history.pushState(null, '', location.pathname)
    timeline.clear('New cart. Press Pay to start.')
    renderCart()
    await refresh()
    await route()
  }

  /** Re-reads the intent's record: the store, not this page's memory, is the truth. */
  async function refresh(): Promise<void> {
    record = await api.intents.get(intent())
    const state = byId('intent-state')
    state.textContent = record?.state ?? 'not started'
    state.dataset.state = record?.state ?? 'none'
    const key = byId('intent-key')
    key.textContent = record?.key ?? '—'
    key.dataset.key = record?.key ?? ''
    byId('intent-attempts').textContent = String(record?.attempts ?? 0)
    byId('intent-name').textContent = intent()
    deps.changed()
  }

  /** `?order=…` is the confirmation step; anything else is the checkout. */
  async function route(): Promise<void> {
    const wanted = new URLSearchParams(location.search).get('order')
    const receipt = record?.state === 'confirmed' ? storedReceipt(record) : undefined
    if (wanted && receipt) {
      showView('confirmation', receipt)
      return say('ok', 'already-paid', `This order is paid (key ${shortKey(receipt.key)}). Reloading or going back never charges again.`)
    }
    if (wanted) history.replaceState(null, '', location.pathname)
    showView('checkout')
    if (receipt) {
      say('ok', 'already-paid', `You already paid for this cart: order ${receipt.orderId}, ${money(receipt.amount)}. Pressing Pay again shows that order; it does not charge you again.`)
    } else if (record?.state !== 'pending') {
      say('info', 'idle', 'Your payment is protected: retries, reloads and the Back button can never charge you twice.')
    }
  }

  function showConfirmation(receipt: Receipt): void {
    // A step of its own in the history, so Back returns to the checkout form, as in any shop.
    if (new URLSearchParams(location.search).get('order') !== receipt.orderId) history.pushState(null, '', `?order=${receipt.orderId}`)
    showView('confirmation', receipt)
  }

  function showView(view: 'checkout' | 'confirmation', receipt?: Receipt): void {
    byId('checkout-view').hidden = view !== 'checkout'
    byId('confirmation-view').hidden = view !== 'confirmation'
    document.body.dataset.view = view
    for (const step of document.querySelectorAll<HTMLElement>('.steps li')) {
      step.classList.toggle('current', step.dataset.step === view)
      step.classList.toggle('done', step.dataset.step === 'cart' || (view === 'confirmation' && step.dataset.step === 'checkout'))
    }
    if (!receipt) return
    byId('order-id').textContent = receipt.orderId
    byId('order-items').textContent = cart.items.map(item => (item.qty > 1 ? `${item.qty} × ${item.name}` : item.name)).join(', ')
    byId('order-amount').textContent = money(receipt.amount)
    byId('order-time').textContent = new Date(receipt.at).toLocaleString('en-IN', { dateStyle: 'medium', timeStyle: 'short' })
    byId('order-key').textContent = receipt.key
  }

  function showBusy(): void {
    const busy = flight !== undefined
    const waiting = busy && !connection.isOnline()
    pay.disabled = busy
    pay.dataset.busy = String(busy)
    byId('pay-label').textContent = waiting ? 'Waiting for network…' : busy ? 'Processing payment…' : `Pay ${money(cartTotal(cart))}`
    if (waiting) say('warn', 'offline', 'You are offline. Your payment is saved on this device and goes out as soon as you are back.')
    else if (busy && notice.dataset.kind === 'offline') say('info', 'paying', 'Back online: sending your payment with the same key.')
    else if (busy && notice.dataset.kind !== 'resumed') say('info', 'paying', 'Processing your payment. If the network hiccups we retry with the same key: you can only be charged once.')
  }

  function say(tone: Tone, kind: string, text: string, action?: { label: string; run(): void }): void {
    notice.className = `notice ${tone}`
    notice.dataset.kind = kind
    notice.replaceChildren(text, action ? h('button', { type: 'button', class: 'inline', id: 'notice-action', onclick: action.run }, action.label) : '')
  }

  function renderCart(): void {
    const lines = byId('cart-lines')
    lines.replaceChildren(...cart.items.map(item =>
      h('li', { class: 'line' },
        h('div', { class: `art ${item.art}`, 'aria-hidden': 'true' }),
        h('div', { class: 'desc' }, h('p', { class: 'name' }, item.name), h('p', { class: 'sub' }, item.detail)),
        h('p', { class: 'qty' }, `× ${item.qty}`),
        h('p', { class: 'price' }, money(item.qty * item.price)))))
    const total = money(cartTotal(cart))
    byId('subtotal').textContent = total
    byId('total').textContent = total
    byId('cart-id').textContent = cart.id
    showBusy()
  }

  return { boot, intent, current: () => ({ key: record?.key, attempts: record?.attempts ?? 0 }), refresh }
}

function storedReceipt(record: IntentRecord): Receipt | undefined {
  const body = record.response?.body
  if (body?.encoding !== 'text') return undefined
  try {
    return JSON.parse(body.data) as Receipt
  } catch {
    return undefined
  }
}

async function problemDetail(response: Response): Promise<string | undefined> {
  try {
    const problem = (await response.clone().json()) as { detail?: string; title?: string }
    return problem.detail ?? problem.title
  } catch {
    return undefined
  }
}
