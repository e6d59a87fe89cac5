import { byId, h } from './dom.js'

/** `GET /api/ledger`, as the reference server answers it. */
interface Ledger {
  total: number
  charges: Array<{ key: string; orderId: string; amount: number; currency: string; at: string }>
}

/** `GET /api/requests`: what the server saw of each attempt. */
interface RequestLog {
  total: number
  requests: Array<{ seq: number; key: string | null; outcome: string; status: number | null; engine?: string; chaos?: string }>
}

const outcomes: Record<string, string> = {
  charged: 'charged',
  replayed: 'replayed its stored answer',
  'dropped-before': 'dropped before acting',
  'dropped-after-commit': 'charged, then the answer was lost',
  '409': 'busy (409)',
  '422': 'payload mismatch (422)',
  '429': 'refused with 429',
  '503': 'refused with 503',
  '500': 'failed (500)',
}

const describeRequest = (entry: RequestLog['requests'][number]): string => {
  if (entry.outcome === 'charged' && entry.chaos === 'slow') return 'charged, answered too late'
  if (entry.outcome === 'replayed' && entry.chaos === 'slow') return 'replayed, answered too late'
  return outcomes[entry.outcome] ?? entry.outcome
}

/**
 * The server's side of the story: charges for this key, charges in total, and what became of each
 * request. Polled, because the page must show the truth even when its own requests are failing.
 */
export function createLedgerPanel(api: string, current: () => { key: string | undefined; attempts: number }) {
  const forKey = byId('ledger-key')
  const forKeyLabel = byId('ledger-key-label')
  const totalLabel = byId('ledger-total-label')
  const resent = byId('browser-resent')
  const total = byId('ledger-total')
  const seen = byId<HTMLOListElement>('server-log')
  const status = byId('ledger-status')
  let running: Promise<void> | undefined

  async function refresh(): Promise<void> {
    const { key, attempts } = current()
    try {
      const [all, mine, log] = await Promise.all([
        getJson<Ledger>(`${api}/ledger`),
        key ? getJson<Ledger>(`${api}/ledger?key=${encodeURIComponent(key)}`) : undefined,
        key ? getJson<RequestLog>(`${api}/requests?key=${encodeURIComponent(key)}`) : undefined,
      ])
      total.textContent = String(all.total)
      totalLabel.textContent = `${charges(all.total)} in total`
      forKey.textContent = mine ? String(mine.total) : '0'
      forKeyLabel.textContent = `${charges(mine?.total ?? 0)} for this key`
      forKey.dataset.count = forKey.textContent
      forKey.closest('.figure')?.classList.toggle('alarm', (mine?.total ?? 0) > 1)
      seen.replaceChildren(...(log?.requests ?? []).map((entry, i) =>
        h('li', { 'data-outcome': entry.outcome }, h('span', { class: 'n' }, `#${i + 1}`), describeRequest(entry))))
      // Chromium re-sends a request by itself when a reused keep-alive connection dies before any
      // answer: more requests than oncely's attempts. The key makes that safe too.
      resent.hidden = !log || log.total <= attempts
      status.textContent = 'live'
      status.dataset.live = 'true'
    } catch {
      // The ledger is a view: while the server or the network is down it says so and keeps polling.
      status.textContent = 'server unreachable'
      status.dataset.live = 'false'
    }
  }

  return {
    /** Refreshes now; calls during a refresh share it. */
    refresh(): Promise<void> {
      running ??= refresh().finally(() => (running = undefined))
      return running
    },
    start(everyMs = 1000) {
      void this.refresh()
      setInterval(() => void this.refresh(), everyMs)
    },
  }
}

const charges = (n: number): string => (n === 1 ? 'charge' : 'charges')

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { cache: 'no-store' })
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
  return (await response.json()) as T
}
