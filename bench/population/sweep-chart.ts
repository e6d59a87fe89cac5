import { esc, svgDocument, text } from '../svg.js'

/** One schedule variant in the sweep's figure. */
export interface Point {
  /** p99 time from recovery to the backlog's charge, s: how long recovery takes to be noticed. */
  x: number
  /** Requests/s at the down server ÷ steady. */
  y: number
  /** Busiest second after recovery ÷ steady: the marker's colour. */
  peak: number
  quick: number
  label: string
  isDefault: boolean
  /** The previous defaults, `{ quick: 3, delay: 250 }`. */
  isPrevious: boolean
}

// Peak after recovery, from green (≤ 1.5×, the goal) through amber to red (≥ 8×).
const peakColor = (peak: number) => (peak <= 1.5 ? '#1f7a4d' : peak <= 2 ? '#7fbf5f' : peak <= 3 ? '#e0c040' : peak <= 5 ? '#e67e22' : peak <= 8 ? '#c0392b' : '#7b1f1f')
const shapes = ['circle', 'square', 'diamond', 'triangle']

function marker(shape: string, x: number, y: number, r: number, fill: string): string {
  if (shape === 'circle') return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" fill="${fill}" fill-opacity="0.85"/>`
  if (shape === 'square') return `<rect x="${(x - r).toFixed(1)}" y="${(y - r).toFixed(1)}" width="${2 * r}" height="${2 * r}" fill="${fill}" fill-opacity="0.85"/>`
  if (shape === 'diamond') return `<polygon points="${x},${y - r - 1} ${x + r + 1},${y} ${x},${y + r + 1} ${x - r - 1},${y}" fill="${fill}" fill-opacity="0.85"/>`
  return `<polygon points="${x},${y - r - 1} ${x + r + 1},${y + r} ${x - r - 1},${y + r}" fill="${fill}" fill-opacity="0.85"/>`
}

/**
 * Panels of load at the down server (y, log scale) against time to notice recovery (x, log
 * scale), each variant's peak after recovery as its colour and `quick` as its shape, the
 * defaults ringed, the goal box shaded.
 */
export function tradeoffChart(panels: Array<{ title: string; points: Point[]; goal?: { x: number; y: number }; xLabel: string }>, footer: string): string {
  const width = 1000
  const panelW = 320
  const panelH = 360
  const top = 90
  const parts: string[] = [text(40, 26, 'The schedule\'s trade-off, one point per variant (quick, spread, delay, backoffLimit)', 'font-weight="bold" font-size="14"')]
  const legendPeak: Array<[string, number]> = [['≤ 1.5×', 1.5], ['≤ 2×', 2], ['≤ 3×', 3], ['≤ 5×', 5], ['≤ 8×', 8], ['> 8×', 9]]
  parts.push(text(40, 48, 'colour: peak after recovery ÷ steady'))
  legendPeak.forEach(([name, v], i) => parts.push(`<rect x="${270 + i * 70}" y="38" width="12" height="12" fill="${peakColor(v)}"/>`, text(286 + i * 70, 48, name)))
  parts.push(text(40, 68, 'shape: quick ='))
  shapes.forEach((shape, q) => parts.push(marker(shape, 140 + q * 45, 64, 5, '#555'), text(150 + q * 45, 68, String(q))))
  parts.push(`<circle cx="350" cy="64" r="9" fill="none" stroke="#000" stroke-width="2"/>`, text(364, 68, 'the defaults'), `<rect x="445" y="55" width="18" height="18" fill="none" stroke="#8e44ad" stroke-width="2"/>`, text(469, 68, 'before: { quick: 3, delay: 250 }', 'fill="#8e44ad"'), `<rect x="680" y="57" width="14" height="14" fill="#1f7a4d" fill-opacity="0.12" stroke="#1f7a4d" stroke-dasharray="3 2"/>`, text(700, 68, 'goal: ≤ 2× while down, ≤ 180 s / ≤ 3 s'))
  panels.forEach((panel, p) => {
    const box = { x: 70 + p * panelW, y: top + 20, w: panelW - 75, h: panelH }
    const xs = panel.points.map(pt => pt.x).filter(Number.isFinite)
    const ys = panel.points.map(pt => pt.y)
    const [x0, x1] = [Math.max(0.5, Math.min(...xs, panel.goal?.x ?? Infinity) * 0.8), Math.max(...xs, panel.goal?.x ?? 0) * 1.25]
    const [y0, y1] = [Math.max(0.5, Math.min(...ys, panel.goal?.y ?? 99) * 0.8), Math.max(...ys) * 1.15]
    const sx = (v: number) => box.x + ((Math.log(v) - Math.log(x0)) / (Math.log(x1) - Math.log(x0))) * box.w
    const sy = (v: number) => box.y + box.h - ((Math.log(v) - Math.log(y0)) / (Math.log(y1) - Math.log(y0))) * box.h
    parts.push(text(box.x, box.y - 8, panel.title, 'font-weight="bold"'))
    parts.push(`<rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" fill="none" stroke="#ccc"/>`)
    if (panel.goal) parts.push(`<rect x="${box.x}" y="${sy(panel.goal.y).toFixed(1)}" width="${(sx(panel.goal.x) - box.x).toFixed(1)}" height="${(box.y + box.h - sy(panel.goal.y)).toFixed(1)}" fill="#1f7a4d" fill-opacity="0.12" stroke="#1f7a4d" stroke-dasharray="3 2"/>`)
    for (const v of [1, 2, 3, 5, 10, 20, 50]) if (v >= y0 && v <= y1) parts.push(`<line x1="${box.x}" x2="${box.x + box.w}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="#eee"/>`, text(box.x - 6, sy(v) + 4, `${v}×`, 'text-anchor="end" fill="#666"'))
    for (const v of [1, 2, 3, 5, 10, 20, 30, 60, 120, 180, 300, 600, 1200]) if (v >= x0 && v <= x1) parts.push(`<line x1="${sx(v).toFixed(1)}" x2="${sx(v).toFixed(1)}" y1="${box.y}" y2="${box.y + box.h}" stroke="#eee"/>`, text(sx(v), box.y + box.h + 14, `${v} s`, 'text-anchor="middle" fill="#666"'))
    parts.push(text(box.x + box.w / 2, box.y + box.h + 32, `${panel.xLabel} (s, log)`, 'text-anchor="middle"'))
    if (p === 0) parts.push(text(box.x - 44, box.y + box.h / 2, 'requests/s while down ÷ steady (log)', `text-anchor="middle" transform="rotate(-90 ${box.x - 44} ${box.y + box.h / 2})"`))
    for (const pt of panel.points) {
      if (!Number.isFinite(pt.x)) continue
      parts.push(`<g><title>${esc(`${pt.label}: ${pt.y.toFixed(2)}× while down, peak ${pt.peak.toFixed(2)}×, p99 ${pt.x.toFixed(0)} s`)}</title>${marker(shapes[pt.quick] ?? 'circle', sx(pt.x), sy(pt.y), 4.5, peakColor(pt.peak))}</g>`)
      if (!pt.isDefault && !pt.isPrevious) continue
      // The label goes on the side with room; the defaults' above their point, the previous defaults' below.
      const right = sx(pt.x) < box.x + box.w / 2
      const dy = pt.isDefault ? -10 : 22
      const color = pt.isDefault ? '#000' : '#8e44ad'
      parts.push(pt.isDefault
        ? `<circle cx="${sx(pt.x).toFixed(1)}" cy="${sy(pt.y).toFixed(1)}" r="9" fill="none" stroke="#000" stroke-width="2"/>`
        : `<rect x="${(sx(pt.x) - 9).toFixed(1)}" y="${(sy(pt.y) - 9).toFixed(1)}" width="18" height="18" fill="none" stroke="${color}" stroke-width="2"/>`)
      parts.push(text(sx(pt.x) + (right ? 12 : -12), sy(pt.y) + dy, pt.isDefault ? 'defaults' : 'before', `font-weight="bold" fill="${color}" text-anchor="${right ? 'start' : 'end'}"`))
    }
  })
  const height = top + panelH + 80
  parts.push(text(40, height - 10, footer, 'fill="#666"'))
  return svgDocument(width, height, parts)
}
