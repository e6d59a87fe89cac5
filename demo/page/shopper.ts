/**
 * The shopper's namespace: the page's client and the service worker's must use the same one, or
 * the worker would not see the page's pending payments. A real app uses the signed-in user's id.
 */
export const NAMESPACE = 'demo-shopper'
