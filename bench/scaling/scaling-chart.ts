/**
 * The chart of docs/scaling.md: graded submissions per second for each configuration, one
 * bar each, the one-host reference drawn across as the line perfect scaling would keep (the
 * total share is the same in every configuration), and each bar labelled with its efficiency.
 * Plain SVG text, no library: it is a handful of rectangles.
 */
import type { ScalingRow } from './scaling-report.js'

export interface ChartContext {
  /** Cores of the total share, for the title. */
  shareCores: number
  /** The reference throughput (mean of the one-host runs), per second. */
  referencePerS: number
  /** e.g. `2 cores, Debian 12`: what the numbers were measured on. */
  machine: string
}

function escapeXml (text: string): string {
  return text.replace(/[<>&"']/g, c => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
}

export function scalingChartSvg (rows: ScalingRow[], ctx: ChartContext): string {
  const width = 560
  const height = 300
  const left = 56
  const right = 16
  const top = 44
  const bottom = 56
  const plotW = width - left - right
  const plotH = height - top - bottom
  const max = Math.max(ctx.referencePerS, ...rows.map(r => r.throughputPerS)) * 1.25
  const y = (v: number) => top + plotH - (v / max) * plotH
  const slot = plotW / rows.length
  const barW = Math.min(64, slot * 0.6)
  const ticks = Array.from({ length: 5 }, (_, i) => (max / 4) * i)
  const seen = new Map<number, number>()
  const parts: string[] = []
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`)
  parts.push(`<rect width="${width}" height="${height}" fill="#fff"/>`)
  parts.push(`<text x="${left}" y="18" font-size="14" font-weight="bold">${escapeXml(`Graded per second, ${ctx.shareCores} core${ctx.shareCores === 1 ? '' : 's'} of CPU share in all`)}</text>`)
  parts.push(`<text x="${left}" y="34" fill="#555">${escapeXml(`split over 1 or N hosts (dockerd engines); ${ctx.machine}`)}</text>`)
  for (const t of ticks) {
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#eee"/>`)
    parts.push(`<text x="${left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" fill="#555">${t.toFixed(2)}</text>`)
  }
  rows.forEach((r, i) => {
    const run = (seen.get(r.hosts) ?? 0) + 1
    seen.set(r.hosts, run)
    const cx = left + slot * i + slot / 2
    const label = `${r.hosts} host${r.hosts === 1 ? '' : 's'}${run > 1 ? ' (again)' : ''}`
    parts.push(`<rect x="${(cx - barW / 2).toFixed(1)}" y="${y(r.throughputPerS).toFixed(1)}" width="${barW.toFixed(1)}" height="${(top + plotH - y(r.throughputPerS)).toFixed(1)}" fill="${r.hosts === 1 ? '#888' : '#3b6ea5'}"/>`)
    parts.push(`<text x="${cx.toFixed(1)}" y="${(y(r.throughputPerS) - 6).toFixed(1)}" text-anchor="middle">${r.throughputPerS.toFixed(2)}/s · ${r.efficiency.toFixed(2)}</text>`)
    parts.push(`<text x="${cx.toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle">${escapeXml(label)}</text>`)
    parts.push(`<text x="${cx.toFixed(1)}" y="${top + plotH + 30}" text-anchor="middle" fill="#555">${r.coresPerHost.toFixed(3).replace(/0+$/, '').replace(/\.$/, '')} core each</text>`)
  })
  parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(ctx.referencePerS).toFixed(1)}" y2="${y(ctx.referencePerS).toFixed(1)}" stroke="#c0392b" stroke-dasharray="6 4"/>`)
  // The legend sits below the axis: a label on the line would run into the bars' own labels.
  parts.push(`<line x1="${left}" x2="${left + 24}" y1="${height - 12}" y2="${height - 12}" stroke="#c0392b" stroke-dasharray="6 4"/>`)
  parts.push(`<text x="${left + 30}" y="${height - 8}" fill="#555">perfect scaling (one-host mean); bars: graded/s · efficiency</text>`)
  parts.push('</svg>')
  return parts.join('\n') + '\n'
}
