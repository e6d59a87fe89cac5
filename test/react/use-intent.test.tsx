// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { setupServer } from 'msw/node'
import { StrictMode, useEffect } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createClient, memoryStore, type ClientOptions, type IntentStore, type OncelyClient, type RetryOptions, type OncelyEvent } from '../../src/index.js'
import { useIntent, type IntentHandle, type UseIntentOptions } from '../../src/react/index.js'
import { gate, paymentServer } from '../support/payments.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
const clients: OncelyClient[] = []
afterEach(() => {
  cleanup()
  for (const api of clients.splice(0)) api.close()
  server.resetHandlers()
})
afterAll(() => server.close())

function payments() {
  const pay = paymentServer()
  server.use(pay.handler)
  return pay
}

/** A client as the app makes it; `store` is shared between "page loads" to simulate a reload. */
function client(store: IntentStore, retry: RetryOptions = {}, options: Omit<ClientOptions, 'retry' | 'store'> = {}) {
  const api = createClient({ prefixUrl: 'http://api.test', store, retry: { delay: 1, ...retry }, ...options })
  clients.push(api)
  const events: OncelyEvent[] = []
  api.subscribe(event => events.push(event))
  return { api, events }
}

const cart = { id: 'c1', amount: 4200 }
type Order = { orderId: string; key: string }

/** The checkout button as an app writes it; every render's view is kept for the assertions. */
function Checkout({ api, seen, options }: { api: OncelyClient; seen: IntentHandle<Order>[]; options?: UseIntentOptions<Order> }) {
  const pay = useIntent<Order>(api, `checkout:${cart.id}`, options)
  seen.push(pay)
  return (
    <div>
      <p data-testid="state">{pay.state}</p>
      <p data-testid="retry">{pay.nextRetryAt ?? ''}</p>
      <p data-testid="order">{pay.data?.orderId ?? ''}</p>
      <button disabled={pay.busy} onClick={() => void pay.send('orders', { json: cart })}>Pay</button>
      <button onClick={() => void pay.resume()}>Resume</button>
      <button onClick={() => void pay.reset()}>Reset</button>
    </div>
  )
}

const state = () => screen.getByTestId('state').textContent

/** Leaves a pending intent in `store`, as a page closed mid-payment would. */
async function leavePending(store: IntentStore, pay: ReturnType<typeof paymentServer>, fault: 'drop-before' | 'drop-after-commit') {
  const { api } = client(store, { limit: 0 })
  pay.fail({ type: fault })
  await expect(api.post('orders', { json: cart, intent: `checkout:${cart.id}` })).rejects.toMatchObject({ name: 'IntentPendingError' })
  const record = (await api.intents.get(`checkout:${cart.id}`))!
  // The page is gone: its client tries nothing more.
  api.close()
  return record
}

describe('useIntent', () => {
  it('shows pending, the retries, then confirmed, with one charge', async () => {
    const pay = payments()
    pay.fail({ type: 'status', status: 503 }, { type: 'drop-before' })
    // Long enough between attempts for the scheduled retry to be seen on screen: no quick retries, 40 ms or more.
    const { api } = client(memoryStore(), { delay: 40, quick: 0 })
    const seen: IntentHandle<Order>[] = []
    render(<Checkout api={api} seen={seen} />)
    await waitFor(() => expect(seen.at(-1)!.ready).toBe(true))
    expect(state()).toBe('idle')

    fireEvent.click(screen.getByText('Pay'))
    await waitFor(() => expect(screen.getByTestId('retry').textContent).not.toBe(''))
    expect(seen.at(-1)).toMatchObject({ state: 'pending', busy: true, attempt: 1 })
    expect(seen.at(-1)!.nextRetryAt).toBeGreaterThan(Date.now() - 40)
    expect((screen.getByText('Pay') as HTMLButtonElement).disabled).toBe(true)

    await waitFor(() => expect(state()).toBe('confirmed'))
    const last = seen.at(-1)!
    expect(last).toMatchObject({ state: 'confirmed', attempt: 3, busy: false, nextRetryAt: undefined, error: undefined })
    expect(last.response?.status).toBe(201)
    expect(screen.getByTestId('order').textContent).toBe('ord_1')
    expect(pay.charges).toHaveLength(1)
    expect(pay.keys()).toEqual([last.key, last.key, last.key])
  })

  it('resumes a pending intent on mount after a reload, with the same key and no second charge', async () => {
    const pay = payments()
    const store = memoryStore()
    const before = await leavePending(store, pay, 'drop-before')
    const held = gate() // the server takes its time with the resumed request
    pay.fail({ type: 'hold', release: held.promise })

    const { api } = client(store) // the reloaded page
    const seen: IntentHandle<Order>[] = []
    render(<Checkout api={api} seen={seen} />)
    await waitFor(() => expect(seen.at(-1)).toMatchObject({ state: 'pending', busy: true, key: before.key, attempt: 2 }))
    held.open()
    await waitFor(() => expect(state()).toBe('confirmed'))

    expect(pay.keys()).toEqual([before.key, before.key])
    expect(pay.charges).toHaveLength(1)
    expect(screen.getByTestId('order').textContent).toBe('ord_1')
  })

  it('sends one request under StrictMode, whose effects run twice', async () => {
    const pay = payments()
    const store = memoryStore()
    const before = await leavePending(store, pay, 'drop-before')
    expect(pay.requests).toHaveLength(1)

    const { api } = client(store)
    // Counted at the API too: the core would also join a second resume to the first's flight.
    const resume = vi.spyOn(api.intents, 'resume')
    render(<StrictMode><Checkout api={api} seen={[]} /></StrictMode>)
    await waitFor(() => expect(state()).toBe('confirmed'))

    expect(resume).toHaveBeenCalledTimes(1)
    expect(pay.keys()).toEqual([before.key, before.key])
    expect(pay.charges).toHaveLength(1)
  })

  it('leaves a pending intent alone on mount when told not to, until resume()', async () => {
    const pay = payments()
    const store = memoryStore()
    await leavePending(store, pay, 'drop-before')
    const { api } = client(store)
    const seen: IntentHandle<Order>[] = []
    render(<Checkout api={api} seen={seen} options={{ resumeOnMount: false }} />)
    await waitFor(() => expect(seen.at(-1)!.ready).toBe(true))
    await act(() => new Promise(resolve => setTimeout(resolve, 5)))
    expect(state()).toBe('pending')
    expect(pay.requests).toHaveLength(1)

    fireEvent.click(screen.getByText('Resume'))
    await waitFor(() => expect(state()).toBe('confirmed'))
    expect(pay.charges).toHaveLength(1)
  })

  it('shows a confirmed intent from the store after a reload without a request', async () => {
    const pay = payments()
    const store = memoryStore()
    await client(store).api.post('orders', { json: cart, intent: `checkout:${cart.id}` })
    const { api } = client(store)
    const seen: IntentHandle<Order>[] = []
    render(<Checkout api={api} seen={seen} />)
    await waitFor(() => expect(state()).toBe('confirmed'))
    expect(screen.getByTestId('order').textContent).toBe('ord_1')
    expect(seen.at(-1)!.response?.status).toBe(201)
    expect(pay.requests).toHaveLength(1)
  })

  it('shows a refusal as rejected, with the response and the error', async () => {
    const pay = payments()
    pay.fail({ type: 'status', status: 402 })
    const { api } = client(memoryStore())
    const seen: IntentHandle<Order>[] = []
    render(<Checkout api={api} seen={seen} />)
    fireEvent.click(screen.getByText('Pay'))
    await waitFor(() => expect(state()).toBe('rejected'))
    await waitFor(() => expect(seen.at(-1)!.busy).toBe(false))
    expect(seen.at(-1)!.response?.status).toBe(402)
    expect(seen.at(-1)!.error).toMatchObject({ name: 'IntentRejectedError' })
    expect(pay.charges).toHaveLength(0)
  })

  it('shows a pending outcome with its error when retries run out, and resume() finishes it', async () => {
    const pay = payments()
    pay.fail({ type: 'drop-after-commit' }, { type: 'drop-before' })
    // No background tries here: the user's Resume is what finishes it.
    const { api } = client(memoryStore(), { limit: 1 }, { background: false })
    const seen: IntentHandle<Order>[] = []
    render(<Checkout api={api} seen={seen} />)
    fireEvent.click(screen.getByText('Pay'))
    await waitFor(() => expect(seen.at(-1)!.error).toMatchObject({ name: 'IntentPendingError' }))
    expect(seen.at(-1)).toMatchObject({ state: 'pending', busy: false, attempt: 2 })

    fireEvent.click(screen.getByText('Resume'))
    await waitFor(() => expect(state()).toBe('confirmed'))
    expect(seen.at(-1)).toMatchObject({ attempt: 3, error: undefined })
    expect(pay.charges).toHaveLength(1)
  })

  it('shows that the client keeps trying on its own, then the confirmation, with no click', async () => {
    const pay = payments()
    pay.fail({ type: 'drop-after-commit' })
    // Background tries at least 40 ms apart, so "resuming" is on screen between them.
    const { api } = client(memoryStore(), { limit: 0, delay: 40, quick: 0 })
    const seen: IntentHandle<Order>[] = []
    render(<Checkout api={api} seen={seen} />)
    fireEvent.click(screen.getByText('Pay'))

    await waitFor(() => expect(seen.at(-1)).toMatchObject({ state: 'pending', resuming: true, busy: false }))
    expect(seen.at(-1)!.nextRetryAt).toBeGreaterThan(Date.now() - 1000)
    await waitFor(() => expect(state()).toBe('confirmed'))

    expect(seen.at(-1)).toMatchObject({ resuming: false, nextRetryAt: undefined, data: { orderId: 'ord_1' } })
    expect(pay.charges).toHaveLength(1)
    expect(new Set(pay.keys()).size).toBe(1)
  })

  it('shows an intent another tab confirmed, with its order, without a request of its own', async () => {
    const pay = payments()
    const store = memoryStore()
    const { api } = client(store)
    const other = client(store)
    const seen: IntentHandle<Order>[] = []
    render(<Checkout api={api} seen={seen} />)
    await waitFor(() => expect(seen.at(-1)!.ready).toBe(true))

    await other.api.post('orders', { json: cart, intent: `checkout:${cart.id}` })
    await waitFor(() => expect(state()).toBe('confirmed'))

    expect(seen.at(-1)).toMatchObject({ busy: false, data: { orderId: 'ord_1' } })
    expect(pay.requests).toHaveLength(1)
  })

  it('reset() forgets a decided intent, so the next send is a new order with a new key', async () => {
    const pay = payments()
    const { api } = client(memoryStore())
    const seen: IntentHandle<Order>[] = []
    render(<Checkout api={api} seen={seen} />)
    fireEvent.click(screen.getByText('Pay'))
    await waitFor(() => expect(state()).toBe('confirmed'))
    const first = seen.at(-1)!.key

    fireEvent.click(screen.getByText('Reset'))
    await waitFor(() => expect(state()).toBe('idle'))
    expect(await api.intents.get(`checkout:${cart.id}`)).toBeUndefined()
    fireEvent.click(screen.getByText('Pay'))
    await waitFor(() => expect(state()).toBe('confirmed'))
    expect(seen.at(-1)!.key).not.toBe(first)
    expect(pay.charges).toHaveLength(2)
  })

  it('follows a call made elsewhere for the same intent', async () => {
    const pay = payments()
    const { api } = client(memoryStore())
    render(<Checkout api={api} seen={[]} />)
    await act(() => api.post('orders', { json: cart, intent: `checkout:${cart.id}` }))
    expect(state()).toBe('confirmed')
    expect(pay.charges).toHaveLength(1)
  })

  it('gives an unmounted component no updates, while its call still finishes', async () => {
    const pay = payments()
    const held = gate()
    pay.fail({ type: 'hold', release: held.promise })
    const { api, events } = client(memoryStore())
    const seen: IntentHandle<Order>[] = []
    const { unmount } = render(<Checkout api={api} seen={seen} />)
    fireEvent.click(screen.getByText('Pay'))
    await waitFor(() => expect(pay.requests).toHaveLength(1))
    const renders = seen.length
    unmount()

    held.open()
    await waitFor(() => expect(events.map(e => e.type)).toContain('confirmed'))
    await act(() => new Promise(resolve => setTimeout(resolve, 5)))
    expect(seen).toHaveLength(renders)
    expect(pay.charges).toHaveLength(1)
  })

  it('starts from scratch when the intent id changes', async () => {
    payments()
    const { api } = client(memoryStore())
    await api.post('orders', { json: cart, intent: 'checkout:a' })
    const views: string[] = []
    function Show({ id }: { id: string }) {
      const pay = useIntent(api, id)
      useEffect(() => void views.push(`${pay.intent}:${pay.state}`))
      return <p data-testid="state">{pay.state}</p>
    }
    const { rerender } = render(<Show id="checkout:a" />)
    await waitFor(() => expect(state()).toBe('confirmed'))
    rerender(<Show id="checkout:b" />)
    await waitFor(() => expect(views.at(-1)).toBe('checkout:b:idle'))
    expect(views).not.toContain('checkout:b:confirmed')
  })
})
