import type { Scenario } from './metrics.js'
import { esc, svgDocument, text } from '../svg.js'

/** One curve: requests per second at the server, as multiples of steady. */
export interface Curve {
  name: string
  color: string
  values: number[]
  dashed?: boolean
  /** Drawn cut at the panel's scale (with its peak written above), so it does not flatten the others. */
  clip?: boolean
}

export interface Panel {
  title: string
  scenario: Scenario
  curves: Curve[]
  /** Seconds in which the driver's event loop stalled: marked, since the curves dip there. */
  stalls?: number[]
}

const niceStep = (top: number, ticks = 6) => [1, 2, 5, 10, 20, 30, 60, 120, 300, 600].find(step => top / step <= ticks) ?? 1200

export const laneColors: Record<string, string> = { oncely: '#1f7a4d', 'oncely-previous': '#8e44ad', 'oncely-ra1': '#7fbf9f', ky: '#c0392b', fixed: '#e67e22', aws: '#2c6fbb' }

/**
 * Stacked panels, drawn by hand like bench/chart.ts: requests per second at the server over
 * time, as multiples of the steady arrival rate, the outage shaded.
 */
export function populationChart(title: string, panels: Panel[], legend: Array<{ name: string; color: string; dashed?: boolean }>, footer: string[]): string {
  const width = 960
  const panelH = 160
  const gap = 62
  const legendRows = Math.ceil((legend.length + 1) / 2)
  const top = 44 + legendRows * 16
  const parts: string[] = [text(60, 24, title, 'font-weight="bold" font-size="14"')]
  legend.forEach((item, i) => {
    const x = 60 + (i % 2) * 440
    const y = 44 + Math.floor(i / 2) * 16
    parts.push(`<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${item.color}" stroke-width="2.5"${item.dashed ? ' stroke-dasharray="5 3"' : ''}/>`, text(x + 24, y, item.name))
  })
  {
    const i = legend.length
    const x = 60 + (i % 2) * 440
    const y = 44 + Math.floor(i / 2) * 16
    parts.push(`<rect x="${x + 4}" y="${y - 9}" width="3" height="10" fill="#d00"/>`, text(x + 24, y, 'a second in which the driver stalled (event loop blocked > 250 ms)'))
  }
  panels.forEach((panel, p) => {
    const box = { x: 60, y: top + p * (panelH + gap) + 24, w: width - 90, h: panelH }
    const seconds = Math.max(...panel.curves.map(c => c.values.length))
    const peak = Math.max(2, ...panel.curves.filter(c => !c.clip).flatMap(c => c.values)) * 1.1
    const xs = (s: number) => box.x + (s / seconds) * box.w
    const ys = (v: number) => box.y + box.h - (Math.min(v, peak) / peak) * box.h
    parts.push(text(box.x, box.y - 8, panel.title, 'font-weight="bold"'))
    const o = panel.scenario.outage
    if (o) parts.push(`<rect x="${xs(o.start / 1000).toFixed(1)}" y="${box.y}" width="${Math.max(1.5, xs(o.end / 1000) - xs(o.start / 1000)).toFixed(1)}" height="${box.h}" fill="#e3e3e3"/>`)
    const step = niceStep(peak)
    for (let v = 0; v <= peak; v += step) parts.push(`<line x1="${box.x}" x2="${box.x + box.w}" y1="${ys(v).toFixed(1)}" y2="${ys(v).toFixed(1)}" stroke="#eee"/>`, text(box.x - 6, ys(v) + 4, `${v}×`, 'text-anchor="end" fill="#666"'))
    parts.push(`<line x1="${box.x}" x2="${box.x + box.w}" y1="${ys(1).toFixed(1)}" y2="${ys(1).toFixed(1)}" stroke="#999" stroke-dasharray="2 3"/>`)
    const tick = niceStep(seconds, 12)
    for (let s = 0; s <= seconds; s += tick) parts.push(text(xs(s), box.y + box.h + 14, `${s} s`, 'text-anchor="middle" fill="#666"'))
    for (const s of panel.stalls ?? []) parts.push(`<rect x="${(xs(s) - 1).toFixed(1)}" y="${box.y + box.h - 10}" width="3" height="10" fill="#d00"/>`)
    for (const curve of panel.curves) {
      const points = curve.values.map((v, s) => `${xs(s + 0.5).toFixed(1)},${ys(v).toFixed(1)}`).join(' ')
      parts.push(`<polyline points="${points}" fill="none" stroke="${curve.color}" stroke-width="${curve.dashed ? 1.5 : 1.8}"${curve.dashed ? ' stroke-dasharray="5 3"' : ''} stroke-linejoin="round"><title>${esc(curve.name)}</title></polyline>`)
      const max = Math.max(...curve.values)
      if (curve.clip && max > peak) {
        // Written just past the stretch that is cut, where the panel's top is free.
        const last = curve.values.length - 1 - [...curve.values].reverse().findIndex(v => v > peak)
        parts.push(text(xs(last + 1) + 6, box.y + 12, `← ${curve.name}: up to ${max.toFixed(1)}× (cut)`, `fill="${curve.color}" font-weight="bold"`))
      }
    }
  })
  const height = top + panels.length * (panelH + gap) + footer.length * 16
  footer.forEach((line, i) => parts.push(text(60, height - (footer.length - 1 - i) * 16 - 6, line, 'fill="#666"')))
  return svgDocument(width, height + 6, parts)
}
