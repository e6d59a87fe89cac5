// `npx tsx bench/pending.ts [--root <checkout>] [--records 100000]`: how long `intents.pending()`
// takes in Chromium when IndexedDB holds many records of other namespaces (other users of the
// same browser profile). `--root` measures another checkout's built dist/ the same way.
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { inChromium, median } from './page.js'

export interface PendingFigures {
  foreign: number
  own: number
  /** Milliseconds per `pending()` call, each run on a fresh client (a page load). */
  runsMs: number[]
  medianMs: number
}

declare global {
  // eslint-disable-next-line no-var
  var measurePending: (foreign: number, runs: number) => Promise<{ runsMs: number[]; own: number }>
}

const pageScript = `
import { createClient } from './dist/index.js'
globalThis.measurePending = async (foreign, runs) => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('oncely')
    open.onupgradeneeded = () => open.result.createObjectStore('intents')
    open.onsuccess = () => resolve(open.result)
    open.onerror = () => reject(open.error)
  })
  const record = (ns, i) => ({
    v: 1, namespace: ns, intent: 'checkout:' + i, key: '019ab1c2-0000-7000-8000-' + String(i).padStart(12, '0'), state: i % 3 ? 'confirmed' : 'pending',
    wire: '"019ab1c2-0000-7000-8000-' + String(i).padStart(12, '0') + '"', declined: 0,
    fingerprint: 'POST https://shop.test/api/orders 180:1234567', attempts: 1, createdAt: Date.now(), updatedAt: Date.now(),
    request: { method: 'POST', url: 'https://shop.test/api/orders', headers: [['content-type', 'application/json']], body: { encoding: 'text', data: 'x'.repeat(180) } },
    response: { status: 201, statusText: 'Created', headers: [['content-type', 'application/json']], body: { encoding: 'text', data: 'y'.repeat(120) } },
  })
  // Other users of this profile, written straight to the database: the page under test never saw them.
  await new Promise((resolve, reject) => {
    const tx = db.transaction('intents', 'readwrite')
    const store = tx.objectStore('intents')
    for (let i = 0; i < foreign; i++) store.put(record('user-' + (i % 50), i), 'user-' + (i % 50) + '/checkout:' + i)
    // This user's own three, all pending (i % 3 === 0).
    for (let i = 0; i < 3; i++) store.put(record('me', i * 3), 'me/checkout:' + i * 3)
    tx.oncomplete = resolve
    tx.onerror = () => reject(tx.error)
  })
  db.close()
  const runsMs = []
  let own = 0
  for (let r = 0; r < runs; r++) {
    const api = createClient({ namespace: 'me', prefixUrl: location.origin })
    const started = performance.now()
    own = (await api.intents.pending()).length
    runsMs.push(performance.now() - started)
  }
  return { runsMs, own }
}
`

export async function measurePending(root: string, foreign: number, runs = 5): Promise<PendingFigures> {
  return inChromium(root, pageScript, async page => {
    await page.waitForFunction(() => 'measurePending' in globalThis)
    const { runsMs, own } = await page.evaluate(([n, r]) => globalThis.measurePending(n, r), [foreign, runs] as const)
    return { foreign, own, runsMs, medianMs: median(runsMs) }
  })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { root: { type: 'string' }, records: { type: 'string', default: '100000' } } })
  const root = values.root ?? fileURLToPath(new URL('..', import.meta.url))
  const figures = await measurePending(root, Number(values.records))
  console.log(`pending() with ${figures.foreign} foreign records (${figures.own} own), ${root}: median ${figures.medianMs.toFixed(1)} ms, runs ${figures.runsMs.map(ms => ms.toFixed(1)).join(', ')}`)
}
