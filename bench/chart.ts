import type { ClientFigures } from './chaos.js'
import { esc, svgDocument, text } from './svg.js'

const colors: Record<string, string> = { oncely: '#1f7a4d', 'oncely-base1s': '#5dade2', 'oncely-decorrelated': '#48c9b0', 'oncely-equal': '#a9cce3', ky: '#c0392b', fixed: '#e67e22', 'p-retry': '#2c6fbb', 'axios-retry': '#8e44ad' }
const color = (client: string) => colors[client] ?? '#555'

/**
 * Two panels, drawn by hand: attempts per intent against the 1/(1-p) floor with the duplicate
 * charges over each bar, and requests per second around the outage (the thundering herd).
 */
export function chart(figures: ClientFigures[], outage: { start: number; end: number }, machine: string): string {
  const width = 960
  const clients = [...new Set(figures.map(f => f.client))]
  const ps = [...new Set(figures.map(f => f.p))]
  const parts: string[] = []

  // Panel A: bars.
  const a = { x: 60, y: 70, w: width - 90, h: 220 }
  const top = Math.max(...figures.map(f => f.attemptsOutsideOutage), ...figures.map(f => f.floor)) * 1.2
  const yA = (v: number) => a.y + a.h - (v / top) * a.h
  parts.push(text(a.x, 30, 'Chaos run: attempts per intent outside the outage (bars) vs the 1/(1-p) floor (dashed); duplicate charges above each bar', 'font-weight="bold"'))
  for (let v = 0; v <= top; v += 0.5) {
    parts.push(`<line x1="${a.x}" x2="${a.x + a.w}" y1="${yA(v)}" y2="${yA(v)}" stroke="#eee"/>`, text(a.x - 8, yA(v) + 4, v.toFixed(1), 'text-anchor="end" fill="#666"'))
  }
  const groupW = a.w / ps.length
  const barW = Math.min(48, (groupW - 40) / clients.length)
  ps.forEach((p, g) => {
    const gx = a.x + g * groupW + (groupW - barW * clients.length) / 2
    clients.forEach((client, i) => {
      const f = figures.find(x => x.p === p && x.client === client)
      if (!f) return
      const x = gx + i * barW
      const dup = f.resume?.duplicatesAfter ?? f.duplicates
      parts.push(`<rect x="${x + 2}" y="${yA(f.attemptsOutsideOutage)}" width="${barW - 4}" height="${a.y + a.h - yA(f.attemptsOutsideOutage)}" fill="${color(client)}"><title>${esc(`${client} p=${p}: ${f.attemptsOutsideOutage} attempts/intent, ${dup} duplicates`)}</title></rect>`)
      parts.push(text(x + barW / 2, yA(f.attemptsOutsideOutage) - 6, String(dup), `text-anchor="middle" font-weight="bold" fill="${dup === 0 ? '#1f7a4d' : '#c0392b'}"`))
    })
    const floor = 1 / (1 - p)
    parts.push(`<line x1="${gx - 6}" x2="${gx + barW * clients.length + 6}" y1="${yA(floor)}" y2="${yA(floor)}" stroke="#000" stroke-dasharray="5 4"/>`)
    parts.push(text(gx + (barW * clients.length) / 2, a.y + a.h + 20, `p = ${p} (floor ${floor.toFixed(2)})`, 'text-anchor="middle"'))
  })

  // Panel B: requests per second around the outage, for the middle p.
  const p = ps[Math.floor(ps.length / 2)]!
  const series = figures.filter(f => f.p === p)
  const b = { x: 60, y: 370, w: width - 90, h: 200 }
  const seconds = Math.max(...series.map(f => f.buckets.length))
  const peak = Math.max(1, ...series.flatMap(f => f.buckets)) * 1.1
  const xB = (s: number) => b.x + (s / seconds) * b.w
  const yB = (v: number) => b.y + b.h - (v / peak) * b.h
  parts.push(text(b.x, b.y - 24, `Requests per second at p = ${p}: the outage (grey) and the herd after it`, 'font-weight="bold"'))
  parts.push(`<rect x="${xB(outage.start / 1000)}" y="${b.y}" width="${xB(outage.end / 1000) - xB(outage.start / 1000)}" height="${b.h}" fill="#ddd"/>`)
  const step = peak > 400 ? 100 : peak > 100 ? 50 : 10
  for (let v = 0; v <= peak; v += step) {
    parts.push(`<line x1="${b.x}" x2="${b.x + b.w}" y1="${yB(v)}" y2="${yB(v)}" stroke="#eee"/>`, text(b.x - 8, yB(v) + 4, String(v), 'text-anchor="end" fill="#666"'))
  }
  for (let s = 0; s <= seconds; s += 5) parts.push(text(xB(s), b.y + b.h + 16, `${s} s`, 'text-anchor="middle" fill="#666"'))
  for (const f of series) {
    const points = f.buckets.map((v, s) => `${xB(s + 0.5).toFixed(1)},${yB(v).toFixed(1)}`).join(' ')
    parts.push(`<polyline points="${points}" fill="none" stroke="${color(f.client)}" stroke-width="2"/>`)
  }

  // Legend and provenance.
  clients.forEach((client, i) => {
    const x = 60 + i * 110
    parts.push(`<rect x="${x}" y="44" width="12" height="12" fill="${color(client)}"/>`, text(x + 18, 55, client))
  })
  parts.push(text(60, 612, `Measured side by side in one run on this machine: ${machine}.`, 'fill="#666"'))

  return svgDocument(width, 625, parts)
}
