/** One line of the cart, as the order endpoint expects it (prices in whole rupees). */
export interface CartItem {
  sku: string
  name: string
  detail: string
  qty: number
  price: number
  /** Which illustration the page draws for it. */
  art: 'laptop' | 'headphones' | 'gift'
}

export interface Cart {
  id: string
  items: CartItem[]
  currency: 'INR'
}

/** The festival-sale cart of the story: a laptop, headphones and gifts, ₹60,000 in all. */
export const ITEMS: readonly CartItem[] = [
  { sku: 'LAP-AERO14', name: 'Aero 14 laptop', detail: '14″ · 16 GB RAM · 512 GB SSD · Silver', qty: 1, price: 48_000, art: 'laptop' },
  { sku: 'AUD-PULSE', name: 'Pulse ANC headphones', detail: 'Wireless · noise cancelling · Midnight', qty: 1, price: 7_500, art: 'headphones' },
  { sku: 'GFT-DIYA', name: 'Festive gift box', detail: 'Dry fruits, sweets and a brass diya', qty: 3, price: 1_500, art: 'gift' },
]

const CART_ID = 'oncely-demo:cart-id'

/**
 * The cart of this browser. Its id lives in localStorage so a reload (or a second tab) finds the
 * same cart, and therefore the same intent and the same key.
 */
export function currentCart(storage: Storage = localStorage): Cart {
  let id = storage.getItem(CART_ID)
  if (!id) {
    id = newCartId()
    storage.setItem(CART_ID, id)
  }
  return { id, items: ITEMS.map(item => ({ ...item })), currency: 'INR' }
}

/** Starts over with a fresh cart id: the next Pay is a new intent with a new key. */
export function startNewCart(storage: Storage = localStorage): Cart {
  storage.setItem(CART_ID, newCartId())
  return currentCart(storage)
}

const newCartId = (): string => `cart_${crypto.randomUUID().slice(0, 8)}`

export const cartTotal = (cart: Cart): number => cart.items.reduce((sum, item) => sum + item.qty * item.price, 0)

/** The app's name for "pay for this cart": stable across reloads because the cart id is. */
export const checkoutIntent = (cart: Pick<Cart, 'id'>): string => `checkout:${cart.id}`

/** The body of `POST /api/orders`. */
export function orderBody(cart: Cart) {
  return {
    cartId: cart.id,
    items: cart.items.map(({ sku, name, qty, price }) => ({ sku, name, qty, price })),
    amount: cartTotal(cart),
    currency: cart.currency,
  }
}

const rupees = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', maximumFractionDigits: 0 })
export const money = (amount: number): string => rupees.format(amount)
