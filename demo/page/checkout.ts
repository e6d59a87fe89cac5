import { isReplayed, type OncelyClient, type OncelyEvent } from 'oncely'
import { cartTotal, checkoutIntent, currentCart, money, orderBody, startNewCart } from './cart.js'
import type { Connection } from './connection.js'
import type { Countdown } from './countdown.js'
import { byId, clock, h } from './dom.js'
import { keyTail, shortKey } from './key.js'
import { createNoticeView } from './notice.js'
import { findOrder, markShown, rememberCart, storedReceipt, wasShown, type Receipt } from './orders.js'
import { failedOutcome, outcomes } from './outcomes.js'
import { driving, initialPayment, reduce, type Action, type CallKind, type Outcome, type Payment } from './payment.js'
import { statusOf } from './status.js'
import { describe, type Timeline } from './timeline.js'
import { orderInUrl, urlWithOrder } from './url.js'
import { createViews } from './views.js'

interface Deps {
  api: OncelyClient
  connection: Connection
  timeline: Timeline
  countdown: Countdown
  /** The record was read again: the ledger panel follows its key. */
  changed(): void
}

/**
 * The checkout flow, through oncely's public API only. Pay is `api.post` with the cart's intent;
 * after a call gives up the client keeps trying on its own, and this page follows along from its
 * events; "Check payment status" is `api.intents.resume`, with the same key.
 */
export function createCheckout({ api, connection, timeline, countdown, changed }: Deps) {
  let cart = currentCart()
  let payment: Payment = initialPayment(connection.isOnline())
  let flight: Promise<void> | undefined
  // Counts events: a store read that started before one must not overwrite what it said.
  let news = 0
  const views = createViews()
  const notice = createNoticeView(byId('notice'), byId('announce'), countdown)
  const pay = byId<HTMLButtonElement>('pay')
  const intent = () => checkoutIntent(cart)

  pay.addEventListener('click', () => void send(pay.dataset.action === 'check' ? 'check' : 'pay'))
  for (const button of document.querySelectorAll('[data-action="new-cart"]')) button.addEventListener('click', () => void newCart())
  window.addEventListener('popstate', () => void route())
  // Back/forward may restore this page from the bfcache: its view is then from before.
  window.addEventListener('pageshow', event => {
    if (event.persisted) void refresh().then(route)
  })
  // Another tab may have paid, or started paying, while this one was in the background.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void refresh()
  })
  connection.subscribe(online => {
    // Offline, a due try waits for the network: its countdown would promise what will not happen.
    if (!online) timeline.settle()
    dispatch({ type: 'online', online })
  })
  api.subscribe(hear)

  function dispatch(action: Action): void {
    payment = reduce(payment, action)
    render()
  }

  function hear(event: OncelyEvent): void {
    if (event.intent !== intent()) return
    news++
    const seen = { driving: driving(payment), online: connection.isOnline() }
    const entry = describe(event, seen)
    if (entry) timeline.add(entry)
    const before = payment
    dispatch({ type: 'event', event, online: seen.online })
    announceDecision(before)
    void refresh() // the attempt count, and whatever else the event does not carry
  }

  async function boot(): Promise<void> {
    // Cleared before the first await: the client may report picking the payment up meanwhile.
    timeline.clear('Reading this cart\'s payment from the device…')
    renderCart()
    const record = await api.intents.get(intent())
    dispatch({ type: 'read', record })
    changed()
    if (!record) {
      timeline.clear('No payment yet for this cart. Press Pay to start.')
    } else if (record.state === 'pending') {
      timeline.add({ tone: 'info', title: 'Found an unfinished payment on this device', detail: `Key ${shortKey(record.key)}, ${record.attempts} attempt${record.attempts === 1 ? '' : 's'} so far: oncely picks it up with the same key` }, 'first')
    } else if (record.state === 'confirmed') {
      const receipt = storedReceipt(record)
      timeline.clear(`Page loaded at ${clock(Date.now())}`)
      if (receipt && !wasShown(receipt.orderId) && !orderInUrl()) {
        // Paid while no page was open (the service worker, or a tab since closed): say so first.
        timeline.add({ tone: 'ok', title: 'Paid while this page was closed', detail: `Key ${shortKey(record.key)}: the answer was already on this device, no request sent` })
        dispatch({ type: 'outcome', outcome: outcomes.whileAway(receipt) })
        return showConfirmation(receipt)
      }
      timeline.add({ tone: 'ok', title: 'This cart is already paid', detail: `Order found on this device (key ${shortKey(record.key)}): no request sent` })
    } else {
      timeline.clear('The last payment for this cart was refused. Press Pay to try again.')
    }
    await route()
  }

  /** Pay, or check a pending payment (a resume with its key): one flight at a time. */
  function send(kind: CallKind): Promise<void> {
    flight ??= (async () => {
      await Promise.resolve() // `flight` is set from here on
      dispatch({ type: 'call', kind })
      if (kind === 'pay') timeline.add({ tone: 'info', title: 'Pay pressed', detail: `${money(cartTotal(cart))} for cart ${cart.id}` })
      else timeline.add({ tone: 'info', title: 'Check payment status pressed', detail: `Resuming now with the same key ${payment.record ? shortKey(payment.record.key) : ''}` })
      let outcome: Outcome | undefined
      try {
        const response = kind === 'pay' ? await api.post('orders', { json: orderBody(cart), intent: intent() }) : await api.intents.resume(intent())
        const receipt = (await response.json()) as Receipt
        outcome = isReplayed(response) ? outcomes.alreadyPaid(receipt) : kind === 'check' ? outcomes.checked(receipt) : outcomes.paid(receipt)
        showConfirmation(receipt)
      } catch (error) {
        outcome = await failedOutcome(error)
      } finally {
        flight = undefined
        dispatch({ type: 'settled', outcome })
      }
      await refresh()
    })()
    return flight
  }

  /** A decision this page's own call did not make: the client's background try, another tab, or the worker. */
  function announceDecision(before: Payment): void {
    const { record, call } = payment
    if (call || !record || (before.record?.key === record.key && before.record.state === record.state)) return
    if (record.state === 'confirmed') {
      const receipt = storedReceipt(record)
      if (!receipt) return
      timeline.settle()
      dispatch({ type: 'outcome', outcome: payment.decidedBy === 'background' ? outcomes.byItself(receipt) : outcomes.elsewhere(receipt) })
      showConfirmation(receipt)
    } else if (record.state === 'rejected') {
      timeline.settle()
      dispatch({ type: 'outcome', outcome: outcomes.refusedElsewhere(record.response?.status ?? 400) })
    }
  }

  async function newCart(): Promise<void> {
    if (flight || payment.doing === 'sending') return // never forget a key while it is on the wire
    const { record } = payment
    // A key the server may have acted on is never dropped: a pending payment is still finished
    // (its order then shows under its own address). Nothing is lost by forgetting the others.
    if (record?.state === 'confirmed' || record?.state === 'pending') rememberCart(cart.id)
    else await api.intents.forget(intent())
    cart = startNewCart()
    history.pushState(null, '', urlWithOrder(undefined))
    timeline.clear('New cart. Press Pay to start.')
    news++
    dispatch({ type: 'reset', record: await api.intents.get(intent()) })
    renderCart()
    views.show('checkout')
    changed()
  }

  /** Re-reads the intent's record: the store, which every tab and the worker share, is the truth. */
  async function refresh(): Promise<void> {
    const asked = news
    const name = intent()
    let record
    try {
      record = await api.intents.get(name)
    } catch {
      return // a failed read changes nothing on screen; the client reports storage trouble as an event
    }
    if (asked !== news || name !== intent()) return
    const before = payment
    dispatch({ type: 'read', record })
    announceDecision(before)
    changed()
  }

  /** `?order=…` is the confirmation step of that order; anything else is the checkout. */
  async function route(): Promise<void> {
    const wanted = orderInUrl()
    if (wanted) {
      const current = storedReceipt(payment.record)
      const receipt = current?.orderId === wanted ? current : await findOrder(api, wanted)
      if (receipt) {
        views.show('confirmation', receipt, cart.items)
        markShown(receipt.orderId)
        return dispatch({ type: 'outcome', outcome: receipt === current ? outcomes.thisOrder(receipt) : outcomes.earlierOrder(receipt) })
      }
      history.replaceState(null, '', urlWithOrder(undefined))
    }
    views.show('checkout')
    dispatch({ type: 'outcome', outcome: undefined })
  }

  function showConfirmation(receipt: Receipt): void {
    // A step of its own in the history, so Back returns to the checkout form, as in any shop.
    if (orderInUrl() !== receipt.orderId) history.pushState(null, '', urlWithOrder(receipt.orderId))
    views.show('confirmation', receipt, cart.items)
    markShown(receipt.orderId)
  }

  function render(): void {
    const status = statusOf(payment, money(cartTotal(cart)))
    notice.show(status.notice)
    pay.disabled = status.button.disabled
    pay.dataset.busy = String(status.button.busy)
    pay.dataset.action = status.button.action
    byId('pay-label').textContent = status.button.label
    const pill = byId('intent-state')
    pill.textContent = status.pill.text
    pill.dataset.state = status.pill.state
    const key = payment.record?.key
    const shown = byId('intent-key')
    shown.dataset.key = key ?? ''
    // The random tail stands out: the head of a UUIDv7 is a timestamp, alike for every key.
    shown.replaceChildren(...(key ? [h('span', { class: 'key-head' }, key.slice(0, -8)), h('strong', {}, keyTail(key))] : ['—']))
    byId('intent-attempts').textContent = String(payment.record?.attempts ?? 0)
    byId('intent-name').textContent = intent()
  }

  function renderCart(): void {
    byId('cart-lines').replaceChildren(...cart.items.map(item =>
      h('li', { class: 'line' },
        h('div', { class: `art ${item.art}`, 'aria-hidden': 'true' }),
        h('div', { class: 'desc' }, h('p', { class: 'name' }, item.name), h('p', { class: 'sub' }, item.detail)),
        h('p', { class: 'qty' }, `× ${item.qty}`),
        h('p', { class: 'price' }, money(item.qty * item.price)))))
    const total = money(cartTotal(cart))
    byId('subtotal').textContent = total
    byId('total').textContent = total
    byId('cart-id').textContent = cart.id
    render()
  }

  return { boot, intent, refresh, current: () => ({ key: payment.record?.key, attempts: payment.record?.attempts ?? 0 }) }
}
