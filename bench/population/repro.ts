// Two client behaviours the population run found, on the real client (createClient, a fake fetch,
// real timers, ~20 s): `npx tsx bench/population/repro.ts`. Both are fixed; this prints what the
// client does now, next to what it did (docs/schedule.md, "What the runs found").
import { createClient, memoryStore } from '../../src/index.js'

const order = { cartId: 'c1', amount: 12 }
const ms = (t: number) => `${(t / 1000).toFixed(2)} s`

// 1. The call's deadline falls inside a wait. It used to drop the retry that was due (the resumer
//    drew a new, later wait from the older age); now the background try comes when it was due.
async function deadlineRedraw(): Promise<void> {
  const start = Date.now()
  const downUntil = start + 2500
  const log: string[] = []
  const api = createClient({
    prefixUrl: 'http://api.test',
    store: memoryStore(),
    deadline: 3000,
    retry: { quick: 0, delay: 100 },
    random: () => 0.9, // waits of 1.4 × the age: deterministic
    fetch: async () => {
      if (Date.now() < downUntil) throw new TypeError('fetch failed')
      return new Response('{}', { status: 201 })
    },
  })
  api.subscribe(event => {
    if (event.type === 'attempt') log.push(`${ms(Date.now() - start)} attempt ${event.attempt}`)
    if (event.type === 'retry-scheduled') log.push(`${ms(Date.now() - start)} next try in ${ms(event.delay)} (at ${ms(event.at - start)})${event.background ? ' [background]' : ''}`)
    if (event.type === 'pending') log.push(`${ms(Date.now() - start)} call ended pending`)
    if (event.type === 'confirmed') log.push(`${ms(Date.now() - start)} confirmed`)
  })
  await api.post('orders', { json: order, intent: 'a' }).catch(() => undefined)
  await new Promise(resolve => setTimeout(resolve, 9000))
  api.close()
  console.log('1. deadline 3 s, server down until 2.5 s, waits = 1.4 × age:')
  console.log(log.map(line => `   ${line}`).join('\n'))
}

// 2. A server that says 503 + Retry-After: 1 for as long as it is down. Told to wait spends no
//    attempt, so each pending intent used to ask again about once a second; now, past the quick
//    tells, each tell in a row doubles the least wait.
async function retryAfterOne(): Promise<void> {
  let attempts = 0
  const api = createClient({
    prefixUrl: 'http://api.test',
    store: memoryStore(),
    fetch: async () => {
      attempts++
      return new Response('', { status: 503, headers: { 'retry-after': '1' } })
    },
  })
  const call = api.post('orders', { json: order, intent: 'b' }).catch(() => undefined)
  await new Promise(resolve => setTimeout(resolve, 10_000))
  api.close()
  void call
  console.log(`2. a server down with 503 + Retry-After: 1: ${attempts} attempts from one intent in 10 s (obeyed as asked, it was 10)`)
}

await retryAfterOne()
await deadlineRedraw()
