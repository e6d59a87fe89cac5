// @vitest-environment jsdom
/**
 * useIntent with the client's background resumer: two ways the demo found the view could lie or a
 * user's call could be short-changed, each fixed in src/ and kept here as a test.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createClient, memoryStore, type OncelyClient, type OnlineSource } from '../../src/index.js'
import { useIntent, type IntentHandle } from '../../src/react/index.js'
import { gate, paymentServer } from '../support/payments.js'

const server = setupServer()
const clients: OncelyClient[] = []
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  cleanup()
  for (const api of clients.splice(0)) api.close()
  server.resetHandlers()
})
afterAll(() => server.close())

const intent = 'checkout:c1'
const cart = { id: 'c1', amount: 4200 }

function Checkout({ api, seen }: { api: OncelyClient; seen: IntentHandle[] }) {
  const pay = useIntent(api, intent, { resumeOnMount: false })
  seen.push(pay)
  return (
    <div>
      <p data-testid="state">{pay.state}</p>
      <button onClick={() => void pay.send('orders', { json: cart })}>Pay</button>
      <button onClick={() => void pay.resume()}>Resume</button>
    </div>
  )
}

const offline: OnlineSource = { isOnline: () => false, subscribe: () => () => {} }

describe('useIntent and the background resumer', () => {
  // Offline, the resumer arms no timer (the try waits for `online`): the view must not show a
  // `nextRetryAt` at which nothing is sent, a countdown to a try that will not come.
  it('shows no next retry while offline, when no try is armed', async () => {
    const sent: string[] = []
    const api = createClient({
      prefixUrl: 'http://api.test', store: memoryStore(), online: offline, deadline: 100,
      fetch: async input => (sent.push(String(input)), new Response(null, { status: 201 })),
    })
    clients.push(api)
    const seen: IntentHandle[] = []
    render(<Checkout api={api} seen={seen} />)
    await waitFor(() => expect(seen.at(-1)!.ready).toBe(true))

    fireEvent.click(screen.getByText('Pay'))
    // The call gives up offline at its deadline; the view then says it waits for the network.
    await waitFor(() => expect(seen.at(-1)).toMatchObject({ state: 'pending', offline: true }))
    const said = seen.at(-1)!.nextRetryAt
    await new Promise(resolve => setTimeout(resolve, Math.max(0, (said ?? 0) - Date.now()) + 100))

    expect(sent).toEqual([]) // nothing went out at that time, rightly: the device is offline
    expect(said).toBeUndefined()
  })

  // A background try is a flight of one attempt. `resume()` (or `post`) pressed while the client's
  // own try is on the wire must not inherit that single attempt's outcome: it waits for it, then
  // continues with its own retries if that try ends pending.
  it('gives resume() its own retries when it meets a background try of the intent', async () => {
    const pay = paymentServer()
    server.use(pay.handler)
    const store = memoryStore()
    // A pending intent, one attempt spent, left by an earlier page.
    const earlier = createClient({ prefixUrl: 'http://api.test', store, retry: { limit: 0 }, background: false })
    pay.fail({ type: 'drop-before' })
    await expect(earlier.post('orders', { json: cart, intent })).rejects.toMatchObject({ name: 'IntentPendingError' })

    let stuck: ReturnType<typeof gate> | undefined
    const api = createClient({
      prefixUrl: 'http://api.test', store, retry: { limit: 3, delay: 1 },
      // Its own pick-up of the intent is half an hour away: the test drives the background try.
      random: () => 0.5,
      // The first request hangs until the test lets its connection die; the others reach the server.
      fetch: async (input, init) => {
        if (stuck) return fetch(input, init)
        stuck = gate()
        await stuck.promise
        throw new TypeError('Failed to fetch')
      },
    })
    clients.push(api)
    const seen: IntentHandle[] = []
    render(<Checkout api={api} seen={seen} />)
    await waitFor(() => expect(seen.at(-1)).toMatchObject({ ready: true, state: 'pending' }))

    // The client tries the intent once on its own (drain(), as a "retry all" button or a service
    // worker does; the resumer's timers take the same path), and that try is on the wire...
    const draining = api.intents.drain()
    await waitFor(() => expect(stuck).toBeDefined())
    // ...when the shopper presses Resume. The memory store answers in microtasks: a macrotask
    // later, resume() has reached the intent's flight.
    fireEvent.click(screen.getByText('Resume'))
    await new Promise(resolve => setTimeout(resolve, 10))
    stuck!.open()
    await draining

    await waitFor(() => expect(seen.at(-1)!.busy).toBe(false))
    expect(seen.at(-1)!.state).toBe('confirmed')
    expect(pay.charges).toHaveLength(1)
  })
})
