/**
 * The page's address: `?order=…` is the confirmation step; other parameters (`pace`) are the
 * page's settings and survive every step, Back and Forward included.
 */
export const orderInUrl = (): string | undefined => new URLSearchParams(location.search).get('order') ?? undefined

/** This address with `order` set, or removed when undefined. */
export function urlWithOrder(orderId: string | undefined): string {
  const url = new URL(location.href)
  if (orderId === undefined) url.searchParams.delete('order')
  else url.searchParams.set('order', orderId)
  return `${url.pathname}${url.search}`
}
