import type { CartItem } from './cart.js'
import { money } from './cart.js'
import { byId } from './dom.js'
import type { Receipt } from './orders.js'

export type View = 'checkout' | 'confirmation'

/**
 * Switches between the checkout form and the "Thank you" step. When an order appears, focus moves
 * to its heading, so a screen reader announces it and the keyboard starts from there.
 */
export function createViews() {
  let shownOrder: string | undefined
  return {
    show(view: View, receipt?: Receipt, items?: readonly CartItem[]): void {
      byId('checkout-view').hidden = view !== 'checkout'
      byId('confirmation-view').hidden = view !== 'confirmation'
      document.body.dataset.view = view
      for (const step of document.querySelectorAll<HTMLElement>('.steps li')) {
        step.classList.toggle('current', step.dataset.step === view)
        step.classList.toggle('done', step.dataset.step === 'cart' || (view === 'confirmation' && step.dataset.step === 'checkout'))
      }
      if (view !== 'confirmation' || !receipt) {
        shownOrder = undefined
        return
      }
      byId('order-id').textContent = receipt.orderId
      byId('order-items').textContent = (items ?? []).map(item => (item.qty > 1 ? `${item.qty} × ${item.name}` : item.name)).join(', ')
      byId('order-amount').textContent = money(receipt.amount)
      byId('order-time').textContent = new Date(receipt.at).toLocaleString('en-IN', { dateStyle: 'medium', timeStyle: 'short' })
      byId('order-key').textContent = receipt.key
      if (shownOrder !== receipt.orderId) byId('thanks').focus()
      shownOrder = receipt.orderId
    },
    get current(): View {
      return document.body.dataset.view === 'confirmation' ? 'confirmation' : 'checkout'
    },
  }
}
