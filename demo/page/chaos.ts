import type { Connection } from './connection.js'
import { byId, h } from './dom.js'
import type { Pace } from './pace.js'

/** The server's fault modes (`POST /api/chaos`), with settings that tell each story in a few seconds. */
const MODES = [
  { mode: 'off', label: 'Healthy network', hint: 'Every request answered at once' },
  { mode: 'drop-before', label: 'Drop before the server acts', hint: 'The next request dies on the way in: nothing charged', settings: { count: 1 } },
  // The long outage: Pay gives up, the payment stays pending, and it confirms by itself once healed.
  { mode: 'down', label: 'Payment server down', hint: 'Every request dies, until you pick Healthy network', settings: { mode: 'drop-before', count: null } },
  { mode: 'drop-after-commit', label: 'Drop after the charge', hint: 'Charged, then the answer is lost: the double-charge trap', settings: { count: 1 } },
  { mode: 'slow', label: 'Slow answer', hint: 'Charged, but the answer takes 6 s: past the 4 s timeout', settings: { count: 1, delayMs: 6000 } },
  { mode: '503-burst', label: '503 burst', hint: 'Three 503s with Retry-After: 2', settings: { count: 3, retryAfter: 2 } },
  { mode: '429', label: '429 rate limit', hint: 'Two 429s with Retry-After: 2', settings: { count: 2, retryAfter: 2 } },
  { mode: 'random', label: 'Random mix', hint: 'Each request fails with probability p', settings: { count: null } },
] as const

interface ChaosConfig {
  mode: string
  probability: number
  remaining: number | null
  delayMs: number
  retryAfter: number
}

/** The chaos panel: what the network does to the next requests, and the client-side offline switch. */
export function createChaosPanel(api: string, connection: Connection, pace: Pace) {
  const list = byId('chaos-modes')
  const probability = byId<HTMLInputElement>('chaos-p')
  const probabilityValue = byId('chaos-p-value')
  const state = byId('chaos-state')
  const offline = byId<HTMLInputElement>('go-offline')
  const radios = new Map<string, HTMLInputElement>()

  for (const entry of MODES) {
    const radio = h('input', { type: 'radio', name: 'chaos', value: entry.mode, id: `chaos-${entry.mode}`, checked: entry.mode === 'off' })
    radio.addEventListener('change', () => void apply(entry.mode))
    radios.set(entry.mode, radio)
    list.append(h('label', { class: 'mode', for: `chaos-${entry.mode}` }, radio,
      h('span', {}, h('strong', {}, entry.label), h('small', {}, entry.hint))))
  }

  probability.addEventListener('input', () => {
    probabilityValue.textContent = probability.value
    if (radios.get('random')?.checked) void apply('random')
  })

  offline.addEventListener('change', () => connection.setSimulatedOffline(offline.checked))
  if (pace === 'fast') byId('pace').textContent = 'Fast pace (?pace=fast): Pay gives up after about 2 s instead of 30 s. The tries that follow keep their usual pace.'

  async function apply(mode: string): Promise<void> {
    const entry = MODES.find(m => m.mode === mode)
    const settings = { mode, ...('settings' in entry! ? entry.settings : {}), ...(mode === 'random' ? { probability: Number(probability.value) } : {}) }
    const response = await fetch(`${api}/chaos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) })
    if (response.ok) show((await response.json()) as ChaosConfig)
  }

  function show(config: ChaosConfig): void {
    // "Payment server down" is drop-before with no count: the server knows it by that name.
    const radio = radios.get(config.mode === 'drop-before' && config.remaining === null ? 'down' : config.mode)
    if (radio && !radio.checked) radio.checked = true
    state.dataset.mode = config.mode
    state.textContent = config.mode === 'off' ? 'No faults' : `${armed(config)}${detail(config)}`
  }

  return {
    /** Follows the server: a mode with a count switches itself off once spent. */
    async refresh(): Promise<void> {
      try {
        const response = await fetch(`${api}/chaos`, { cache: 'no-store' })
        if (response.ok) show((await response.json()) as ChaosConfig)
      } catch {
        // The ledger panel already says the server is unreachable.
      }
    },
  }
}

const armed = (config: ChaosConfig): string =>
  config.remaining === null ? 'Armed until switched off' : `Armed for the next ${config.remaining} request${config.remaining === 1 ? '' : 's'}`

/** The server's actual settings, which a test or another tab may have set differently from the presets. */
function detail(config: ChaosConfig): string {
  if (config.mode === '503-burst' || config.mode === '429') return ` · Retry-After ${config.retryAfter} s`
  if (config.mode === 'slow') return ` · ${config.delayMs / 1000} s late`
  if (config.mode === 'random') return ` · p = ${config.probability}`
  return ''
}
