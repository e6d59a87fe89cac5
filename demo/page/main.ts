// The demo is a user of oncely: it imports the package by name, exactly as an app would.
import { createClient } from 'oncely'
import { createChaosPanel } from './chaos.js'
import { createCheckout } from './checkout.js'
import { createConnection } from './connection.js'
import { createCountdown } from './countdown.js'
import { byId } from './dom.js'
import { createLedgerPanel } from './ledger.js'
import { paceOf, paceOptions } from './pace.js'
import { NAMESPACE } from './shopper.js'
import { createTimeline } from './timeline.js'
import { registerWorker, showFinisher } from './worker.js'

const apiBase = `${location.origin}/api`
const pace = paceOf(location.search)
const connection = createConnection()

const api = createClient({ prefixUrl: apiBase, namespace: NAMESPACE, online: connection, ...paceOptions(pace) })

const countdown = createCountdown()
const timeline = createTimeline(byId<HTMLOListElement>('timeline'), countdown)
let ledger: ReturnType<typeof createLedgerPanel> | undefined
const checkout = createCheckout({ api, connection, timeline, countdown, changed: () => void ledger?.refresh() })
ledger = createLedgerPanel(apiBase, checkout.current)
const chaos = createChaosPanel(apiBase, connection, pace)

// A fault armed for a count switches itself off once spent: the panel follows the server.
api.subscribe(() => void chaos.refresh())
ledger.start(1000)
void chaos.refresh()
setInterval(() => void chaos.refresh(), 1000)
// Another tab (or the service worker) changes the shared record without an event here when this
// tab was opened before the payment started: the page looks at the record every second.
setInterval(() => void checkout.refresh(), 1000)
void registerWorker().then(showFinisher)

await checkout.boot()
document.body.dataset.ready = 'true'
