// The React snippet of docs/react.md; test/package/package.test.ts typechecks it against the packed package.
import { createClient } from 'oncely'
import { useIntent } from 'oncely/react'

export const api = createClient({ prefixUrl: '/api' })

type Cart = { id: string; total: number }
type Order = { orderId: string }

export function PayButton({ cart }: { cart: Cart }) {
  // Mounting after a reload finds a pending payment and resumes it with its key.
  const pay = useIntent<Order>(api, `checkout:${cart.id}`)

  if (pay.state === 'confirmed') return <p>Paid: order {pay.data?.orderId}</p>
  if (pay.state === 'rejected') {
    return <p>Payment refused. <button onClick={() => pay.reset()}>Start over</button></p>
  }
  return (
    <button disabled={!pay.ready || pay.busy} onClick={() => pay.send('orders', { json: cart })}>
      {pay.offline ? 'Waiting for the network…'
        : pay.nextRetryAt ? `Retrying (attempt ${pay.attempt + 1})…`
        : pay.busy ? 'Paying…'
        : pay.state === 'pending' ? 'Finish payment' // the outcome is unknown: same key, no double charge
        : 'Pay'}
    </button>
  )
}
