/**
 * Hand-written SVG line charts for the bench (no chart library): linear or
 * log axes with round ticks, step or straight lines, reference lines and a
 * legend. Pure: a spec in, SVG text out.
 */

export interface Point { x: number, y: number }

export interface Series {
  name: string
  points: Point[]
  color: string
  /** Draw as a staircase (an empirical CDF) instead of straight segments. */
  step?: boolean
  dashed?: boolean
  /** Draw a dot at each point. */
  markers?: boolean
  /** Draw the dots only, no line between them (hollow dots). */
  dotsOnly?: boolean
}

export interface Axis {
  label: string
  scale: 'linear' | 'log'
  min: number
  max: number
}

export interface RefLine {
  /** Where the line is, on its axis's scale. */
  at: number
  label: string
  color: string
}

export interface ChartSpec {
  title: string
  x: Axis
  y: Axis
  series: Series[]
  /** Horizontal lines at y values. */
  hlines?: RefLine[]
  /** Vertical lines at x values. */
  vlines?: RefLine[]
  /** In px. @defaultValue 720 */
  width?: number
  /** In px. @defaultValue 420 */
  height?: number
}

const MARGIN = { left: 64, right: 24, top: 40, bottom: 52 }

export function escapeXml (s: string): string {
  return s.replace(/[<>&'"]/g, c => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' }[c]!))
}

/** Round tick values within [min, max]: 1-2-5 per decade on a log axis, a 1/2/5 × 10^k step on a linear one. */
export function ticks (axis: Pick<Axis, 'scale' | 'min' | 'max'>): number[] {
  const { min, max } = axis
  if (!(max > min)) return [min]
  if (axis.scale === 'log') {
    if (!(min > 0)) throw new RangeError('a log axis needs a positive minimum')
    const within = (mantissas: number[]) => {
      const out: number[] = []
      for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
        for (const m of mantissas) {
          const v = Number((m * 10 ** e).toPrecision(12))
          if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(v)
        }
      }
      return out
    }
    // A narrow range (less than a decade or so) gets finer steps, so it still has a scale to read.
    const coarse = within([1, 2, 5])
    return coarse.length >= 4 ? coarse : within([1, 1.5, 2, 3, 4, 5, 7])
  }
  const raw = (max - min) / 6
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map(m => m * mag).find(s => s >= raw)!
  const out: number[] = []
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)))
  return out
}

/** Maps a value onto [0, 1] along the axis (outside the range stays outside). */
export function position (axis: Pick<Axis, 'scale' | 'min' | 'max'>, v: number): number {
  if (axis.scale === 'log') return (Math.log10(v) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min))
  return (v - axis.min) / (axis.max - axis.min)
}

function formatTick (v: number): string {
  if (v >= 1000 && v % 1000 === 0) return `${v / 1000}k`
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)))
}

const r1 = (v: number): string => v.toFixed(1)

export function lineChart (spec: ChartSpec): string {
  const width = spec.width ?? 720
  const height = spec.height ?? 420
  const plotW = width - MARGIN.left - MARGIN.right
  const plotH = height - MARGIN.top - MARGIN.bottom
  const px = (x: number) => MARGIN.left + Math.min(1, Math.max(0, position(spec.x, x))) * plotW
  const py = (y: number) => MARGIN.top + (1 - Math.min(1, Math.max(0, position(spec.y, y)))) * plotH
  const usable = (p: Point) => Number.isFinite(p.x) && Number.isFinite(p.y) && (spec.x.scale === 'linear' || p.x > 0) && (spec.y.scale === 'linear' || p.y > 0)
  const out: string[] = []
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`)
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`)
  out.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(spec.title)}</text>`)
  // Grid and tick labels
  for (const t of ticks(spec.x)) {
    const x = r1(px(t))
    out.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotH}" stroke="#e5e5e5"/>`)
    out.push(`<text x="${x}" y="${MARGIN.top + plotH + 16}" text-anchor="middle" fill="#444">${formatTick(t)}</text>`)
  }
  for (const t of ticks(spec.y)) {
    const y = r1(py(t))
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`)
    out.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#444">${formatTick(t)}</text>`)
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`)
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(spec.x.label)}</text>`)
  out.push(`<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.y.label)}</text>`)
  for (const h of spec.hlines ?? []) {
    const y = r1(py(h.at))
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="${h.color}" stroke-dasharray="6 4"/>`)
    out.push(`<text x="${MARGIN.left + plotW - 4}" y="${Number(y) - 5}" text-anchor="end" fill="${h.color}">${escapeXml(h.label)}</text>`)
  }
  for (const v of spec.vlines ?? []) {
    const x = r1(px(v.at))
    out.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotH}" stroke="${v.color}" stroke-dasharray="6 4"/>`)
    out.push(`<text transform="translate(${Number(x) + 4} ${MARGIN.top + 6}) rotate(90)" fill="${v.color}">${escapeXml(v.label)}</text>`)
  }
  // Series; a value outside an axis is drawn at its edge
  for (const s of spec.series) {
    const pts = s.points.filter(usable)
    if (pts.length === 0) continue
    // A staircase rises from the bottom of the plot at its first x; a line starts at its first point.
    let d = `M${r1(px(pts[0]!.x))},${r1(py(s.step === true ? spec.y.min : pts[0]!.y))}`
    for (const p of pts.slice(s.step === true ? 0 : 1)) {
      d += s.step === true ? ` H${r1(px(p.x))} V${r1(py(p.y))}` : ` L${r1(px(p.x))},${r1(py(p.y))}`
    }
    if (s.dotsOnly === true) {
      for (const p of pts) out.push(`<circle cx="${r1(px(p.x))}" cy="${r1(py(p.y))}" r="3.5" fill="#ffffff" stroke="${s.color}" stroke-width="1.5"/>`)
      continue
    }
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed === true ? ' stroke-dasharray="5 3"' : ''}/>`)
    if (s.markers === true) for (const p of pts) out.push(`<circle cx="${r1(px(p.x))}" cy="${r1(py(p.y))}" r="3.5" fill="${s.color}"/>`)
  }
  // Legend, top left inside the plot, on a light backing so a curve under it stays readable
  const legendW = 40 + 7 * Math.max(0, ...spec.series.map(s => s.name.length))
  if (spec.series.length > 0) out.push(`<rect x="${MARGIN.left + 4}" y="${MARGIN.top + 5}" width="${legendW}" height="${spec.series.length * 18 + 4}" fill="#ffffff" fill-opacity="0.85"/>`)
  spec.series.forEach((s, i) => {
    const y = MARGIN.top + 16 + i * 18
    out.push(s.dotsOnly === true
      ? `<circle cx="${MARGIN.left + 22}" cy="${y}" r="3.5" fill="#ffffff" stroke="${s.color}" stroke-width="1.5"/>`
      : `<line x1="${MARGIN.left + 10}" y1="${y}" x2="${MARGIN.left + 34}" y2="${y}" stroke="${s.color}" stroke-width="2"${s.dashed === true ? ' stroke-dasharray="5 3"' : ''}/>`)
    out.push(`<text x="${MARGIN.left + 40}" y="${y}" dominant-baseline="middle">${escapeXml(s.name)}</text>`)
  })
  out.push('</svg>')
  return out.join('\n') + '\n'
}

/** A log axis that holds every value: from the 1-2-5 step below the smallest to the one above the largest. */
export function logAxisFor (label: string, values: number[]): Axis {
  const ok = values.filter(v => Number.isFinite(v) && v > 0)
  const lo = ok.length > 0 ? Math.min(...ok) : 1
  const hi = ok.length > 0 ? Math.max(...ok) : 10
  const down = (v: number) => { const e = 10 ** Math.floor(Math.log10(v)); return [5, 2, 1].map(m => m * e).find(s => s <= v)! }
  const up = (v: number) => { const e = 10 ** Math.floor(Math.log10(v)); return [1, 2, 5, 10].map(m => m * e).find(s => s >= v)! }
  const min = down(lo)
  const max = up(hi)
  return { label, scale: 'log', min, max: max > min ? max : min * 10 }
}
