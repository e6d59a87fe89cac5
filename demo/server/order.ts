import { createHash } from 'node:crypto'

/** One line of the cart. */
export interface OrderItem {
  sku: string
  name: string
  qty: number
  price: number
}

/** The body of `POST /api/orders`. */
export interface Order {
  cartId: string
  items: OrderItem[]
  amount: number
  currency: string
}

/** Default currency when the body names none. */
export const DEFAULT_CURRENCY = 'EUR'

/** A body, validated. `errors` lists every problem at once, so a developer fixes them in one go. */
export type ParsedOrder = { ok: true; order: Order } | { ok: false; errors: string[] }

/**
 * Validates a parsed JSON body. Pure. The amount is not checked against the
 * items: the demo server trusts the page's arithmetic and only guards shapes.
 *
 * @example
 * parseOrder({ cartId: 'c1', items: [{ sku: 'A', name: 'Mug', qty: 1, price: 12 }], amount: 12 })
 */
export function parseOrder(body: unknown): ParsedOrder {
  if (!isObject(body)) return { ok: false, errors: ['body must be a JSON object'] }
  const errors: string[] = []
  if (!isNonEmptyString(body.cartId)) errors.push('cartId must be a non-empty string')
  if (!isPositive(body.amount)) errors.push('amount must be a positive number')
  if (body.currency !== undefined && !(typeof body.currency === 'string' && /^[A-Z]{3}$/.test(body.currency))) {
    errors.push('currency must be a three-letter ISO 4217 code such as "EUR"')
  }
  if (!Array.isArray(body.items) || body.items.length === 0) errors.push('items must be a non-empty array')
  else body.items.forEach((item, i) => errors.push(...itemErrors(item, `items[${i}]`)))
  if (errors.length > 0) return { ok: false, errors }

  const valid = body as { cartId: string; amount: number; currency?: string; items: OrderItem[] }
  return {
    ok: true,
    order: {
      cartId: valid.cartId,
      items: valid.items.map(({ sku, name, qty, price }) => ({ sku, name, qty, price })),
      amount: valid.amount,
      currency: valid.currency ?? DEFAULT_CURRENCY,
    },
  }
}

/**
 * The payload's identity for the 422 check: a SHA-256 over the request line and
 * the body in canonical JSON (sorted keys), so key order and whitespace do not
 * count as a different payload, but any changed value does.
 *
 * @example
 * fingerprint('POST', '/api/orders', { amount: 12, cartId: 'c1' }) === fingerprint('POST', '/api/orders', { cartId: 'c1', amount: 12 })
 */
export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`).digest('hex')
}

/** JSON with object keys sorted at every depth. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (isObject(value)) {
    const entries = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

function itemErrors(item: unknown, at: string): string[] {
  if (!isObject(item)) return [`${at} must be an object`]
  const errors: string[] = []
  if (!isNonEmptyString(item.sku)) errors.push(`${at}.sku must be a non-empty string`)
  if (typeof item.name !== 'string') errors.push(`${at}.name must be a string`)
  if (!(Number.isInteger(item.qty) && (item.qty as number) > 0)) errors.push(`${at}.qty must be a positive integer`)
  if (!(typeof item.price === 'number' && Number.isFinite(item.price) && item.price >= 0)) errors.push(`${at}.price must be a number ≥ 0`)
  return errors
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== ''
}

function isPositive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
}
