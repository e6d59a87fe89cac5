import { describe, expect, it } from 'vitest'
import { canonicalJson, fingerprint, parseOrder } from '../../demo/server/order.js'

const valid = { cartId: 'c1', items: [{ sku: 'A', name: 'Mug', qty: 2, price: 12.5 }], amount: 25 }

describe('validating an order', () => {
  it('accepts a valid order and fills in the default currency', () => {
    expect(parseOrder(valid)).toEqual({ ok: true, order: { ...valid, currency: 'EUR' } })
  })

  it('keeps only the known fields of items', () => {
    const parsed = parseOrder({ ...valid, items: [{ ...valid.items[0], colour: 'blue' }] })

    expect(parsed.ok && parsed.order.items[0]).toEqual(valid.items[0])
  })

  it.each([
    { title: 'not an object', body: [], error: /JSON object/ },
    { title: 'no cartId', body: { ...valid, cartId: '' }, error: /cartId/ },
    { title: 'amount zero', body: { ...valid, amount: 0 }, error: /amount/ },
    { title: 'amount as a string', body: { ...valid, amount: '25' }, error: /amount/ },
    { title: 'a bad currency', body: { ...valid, currency: 'euro' }, error: /currency/ },
    { title: 'no items', body: { ...valid, items: [] }, error: /items must be a non-empty array/ },
    { title: 'an item without sku', body: { ...valid, items: [{ name: 'x', qty: 1, price: 1 }] }, error: /items\[0\]\.sku/ },
    { title: 'a zero quantity', body: { ...valid, items: [{ sku: 'A', name: 'x', qty: 0, price: 1 }] }, error: /items\[0\]\.qty/ },
    { title: 'a negative price', body: { ...valid, items: [{ sku: 'A', name: 'x', qty: 1, price: -1 }] }, error: /items\[0\]\.price/ },
  ])('refuses $title', ({ body, error }) => {
    const parsed = parseOrder(body)

    expect(parsed.ok).toBe(false)
    expect(!parsed.ok && parsed.errors.join('; ')).toMatch(error)
  })

  it('lists every error at once', () => {
    const parsed = parseOrder({ items: 'none' })

    expect(!parsed.ok && parsed.errors).toHaveLength(3)
  })
})

describe('the payload fingerprint', () => {
  it('ignores key order and whitespace', () => {
    expect(fingerprint('POST', '/api/orders', JSON.parse('{ "b": [1, {"y":2,"x":1}], "a": 1 }'))).toBe(
      fingerprint('POST', '/api/orders', { a: 1, b: [1, { x: 1, y: 2 }] }),
    )
  })

  it.each([
    { title: 'a changed value', other: { ...valid, amount: 26 } },
    { title: 'an added field', other: { ...valid, note: 'gift' } },
    { title: 'reordered items', other: { ...valid, items: [...valid.items, { sku: 'B', name: 'b', qty: 1, price: 1 }].reverse() } },
  ])('changes with $title', ({ other }) => {
    expect(fingerprint('POST', '/api/orders', other)).not.toBe(fingerprint('POST', '/api/orders', valid))
  })

  it('writes canonical JSON with sorted keys at every depth', () => {
    expect(canonicalJson({ b: { d: 1, c: [true, null] }, a: 'x', skip: undefined })).toBe('{"a":"x","b":{"c":[true,null],"d":1}}')
  })
})
