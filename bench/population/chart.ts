import type { Scenario } from './metrics.js'

/** One curve: requests per second at the server, as multiples of steady. */
export interface Curve {
  name: string
  color: string
  values: number[]
  dashed?: boolean
}

export interface Panel {
  title: string
  scenario: Scenario
  curves: Curve[]
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const text = (x: number, y: number, body: string, attrs = '') => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(body)}</text>`
const niceStep = (top: number) => [1, 2, 5, 10, 20, 50, 100].find(step => top / step <= 6) ?? 200

export const laneColors: Record<string, string> = { oncely: '#1f7a4d', 'oncely-proposed': '#8e44ad', 'oncely-ra1': '#7fbf9f', ky: '#c0392b', fixed: '#e67e22', aws: '#2c6fbb' }

/**
 * Stacked panels, drawn by hand like bench/chart.ts: requests per second at the server over
 * time, as multiples of the steady arrival rate, the outage shaded.
 */
export function populationChart(title: string, panels: Panel[], legend: Array<{ name: string; color: string; dashed?: boolean }>, footer: string): string {
  const width = 960
  const panelH = 170
  const gap = 70
  const top = 80
  const parts: string[] = [text(60, 28, title, 'font-weight="bold" font-size="14"')]
  legend.forEach((item, i) => {
    const x = 60 + (i % 4) * 220
    const y = 48 + Math.floor(i / 4) * 16
    parts.push(`<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${item.color}" stroke-width="2.5"${item.dashed ? ' stroke-dasharray="5 3"' : ''}/>`, text(x + 24, y, item.name))
  })
  panels.forEach((panel, p) => {
    const box = { x: 60, y: top + p * (panelH + gap) + 20, w: width - 90, h: panelH }
    const seconds = Math.max(...panel.curves.map(c => c.values.length))
    const peak = Math.max(2, ...panel.curves.flatMap(c => c.values)) * 1.08
    const xs = (s: number) => box.x + (s / seconds) * box.w
    const ys = (v: number) => box.y + box.h - (Math.min(v, peak) / peak) * box.h
    parts.push(text(box.x, box.y - 8, panel.title, 'font-weight="bold"'))
    const o = panel.scenario.outage
    if (o) parts.push(`<rect x="${xs(o.start / 1000).toFixed(1)}" y="${box.y}" width="${Math.max(1.5, xs(o.end / 1000) - xs(o.start / 1000)).toFixed(1)}" height="${box.h}" fill="#e3e3e3"/>`)
    const step = niceStep(peak)
    for (let v = 0; v <= peak; v += step) parts.push(`<line x1="${box.x}" x2="${box.x + box.w}" y1="${ys(v).toFixed(1)}" y2="${ys(v).toFixed(1)}" stroke="#eee"/>`, text(box.x - 6, ys(v) + 4, `${v}×`, 'text-anchor="end" fill="#666"'))
    parts.push(`<line x1="${box.x}" x2="${box.x + box.w}" y1="${ys(1).toFixed(1)}" y2="${ys(1).toFixed(1)}" stroke="#999" stroke-dasharray="2 3"/>`)
    const tick = niceStep(seconds / 2) * 10
    for (let s = 0; s <= seconds; s += tick) parts.push(text(xs(s), box.y + box.h + 14, `${s} s`, 'text-anchor="middle" fill="#666"'))
    for (const curve of panel.curves) {
      const points = curve.values.map((v, s) => `${xs(s + 0.5).toFixed(1)},${ys(v).toFixed(1)}`).join(' ')
      parts.push(`<polyline points="${points}" fill="none" stroke="${curve.color}" stroke-width="${curve.dashed ? 1.5 : 1.8}"${curve.dashed ? ' stroke-dasharray="5 3"' : ''} stroke-linejoin="round"><title>${esc(curve.name)}</title></polyline>`)
    }
  })
  const height = top + panels.length * (panelH + gap) + 10
  parts.push(text(60, height - 10, footer, 'fill="#666"'))
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 10}" viewBox="0 0 ${width} ${height + 10}" font-family="system-ui, sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="#fff"/>',
    ...parts,
    '</svg>',
    '',
  ].join('\n')
}
