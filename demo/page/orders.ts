import type { IntentRecord, OncelyClient } from 'oncely'
import { checkoutIntent } from './cart.js'

/** The 201 body of `POST /api/orders`, stored by oncely with the record and replayed verbatim. */
export interface Receipt {
  orderId: string
  key: string
  amount: number
  currency: string
  at: string
}

/** The receipt kept in a confirmed record, if its body was stored. */
export function storedReceipt(record: IntentRecord | undefined): Receipt | undefined {
  const body = record?.state === 'confirmed' ? record.response?.body : undefined
  if (body?.encoding !== 'text') return undefined
  try {
    return JSON.parse(body.data) as Receipt
  } catch {
    return undefined
  }
}

const PAST_CARTS = 'oncely-demo:past-carts'
const SHOWN = 'oncely-demo:shown-orders'

const readList = (name: string, storage: Storage): string[] => {
  try {
    const list: unknown = JSON.parse(storage.getItem(name) ?? '[]')
    return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : []
  } catch {
    return []
  }
}
// The last few are enough for Back and Forward; older ones stop being looked up.
const addToList = (name: string, item: string, storage: Storage) =>
  storage.setItem(name, JSON.stringify([...readList(name, storage).filter(i => i !== item), item].slice(-20)))

/** Remembers a finished cart, so an old `?order=` address (Back, Back) still finds its order. */
export const rememberCart = (cartId: string, storage: Storage = localStorage): void => addToList(PAST_CARTS, cartId, storage)

/**
 * The order `orderId`, from the confirmed records of this device's earlier carts, newest first.
 * Each record keeps the server's receipt, so an earlier order shows as it was, with no request.
 */
export async function findOrder(api: OncelyClient, orderId: string, storage: Storage = localStorage): Promise<Receipt | undefined> {
  for (const cartId of readList(PAST_CARTS, storage).reverse()) {
    const receipt = storedReceipt(await api.intents.get(checkoutIntent({ id: cartId })))
    if (receipt?.orderId === orderId) return receipt
  }
  return undefined
}

/** Whether this device has shown the shopper this order: one paid while no page was open has not. */
export const wasShown = (orderId: string, storage: Storage = localStorage): boolean => readList(SHOWN, storage).includes(orderId)
export const markShown = (orderId: string, storage: Storage = localStorage): void => addToList(SHOWN, orderId, storage)
