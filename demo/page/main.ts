// The demo is a user of oncely: it imports the package by name, exactly as an app would.
import { createClient } from 'oncely'
import { createChaosPanel } from './chaos.js'
import { createCheckout } from './checkout.js'
import { createConnection } from './connection.js'
import { byId } from './dom.js'
import { createLedgerPanel } from './ledger.js'
import { createTimeline, describe } from './timeline.js'

const apiBase = `${location.origin}/api`
const connection = createConnection()

const api = createClient({
  prefixUrl: apiBase,
  namespace: 'demo-shopper',
  // Short enough that the "slow answer" fault shows a timeout and a retry with the same key.
  timeout: 4000,
  // Slower than the library's quick retries so a person can watch a retry coming, and reload
  // mid-spinner: no quick retries, so the first retry after a lost answer comes 2-3 s later.
  retry: { limit: 8, delay: 2000, quick: 0 },
  online: connection,
})

const timeline = createTimeline(byId<HTMLOListElement>('timeline'))
let ledger: ReturnType<typeof createLedgerPanel> | undefined
const checkout = createCheckout({ api, connection, timeline, changed: () => void ledger?.refresh() })
ledger = createLedgerPanel(apiBase, checkout.current)
const chaos = createChaosPanel(apiBase, connection)

api.subscribe(event => {
  if (event.intent !== undefined && event.intent !== checkout.intent()) return
  const entry = describe(event)
  if (entry) timeline.add(entry)
  void checkout.refresh()
  void chaos.refresh()
})

ledger.start(1000)
void chaos.refresh()
setInterval(() => void chaos.refresh(), 1000)
await checkout.boot()
document.body.dataset.ready = 'true'
