/**
 * docs/images/bench-exam.svg: two panels over the run's time, one above the
 * other: the queue per lane (and the refused clients waiting to retry), and
 * the latency of the verdicts per lane. Pure: a record in, SVG text out.
 */
import { LANES, type Lane } from '../../services/shared/contracts/vocabulary.js'
import { lineChart, logAxisFor, type RefLine, type Series } from '../svg-chart.js'
import type { ExamRecord } from './exam-record.js'

export const LANE_COLORS: Record<Lane, string> = { exam: '#d62728', interactive: '#1f77b4', practice: '#2ca02c', regrade: '#7f7f7f' }
const PANEL_H = 400
const WIDTH = 760
/** Share of the plot's height the legend covers, about. */
const LEGEND_SHARE = 0.4

/** Lanes the run used, in the order of LANES. */
function lanesOf (r: ExamRecord): Lane[] {
  const used = new Set(r.groups.map(g => g.lane))
  return LANES.filter(l => used.has(l))
}

function markers (r: ExamRecord): RefLine[] {
  const out: RefLine[] = [{ at: r.floodStartS, label: 'flood starts', color: '#555' }]
  if (r.examDrainedS !== null) out.push({ at: r.floodStartS + r.examDrainedS, label: 'exam drained', color: LANE_COLORS.exam })
  return out
}

/**
 * The queue panel: per lane, the accepted submissions still waiting for their
 * verdict (the clients' view: queued or running), and dashed the refused
 * ones waiting out `Retry-After`; in grey what `GET /v1/capacity` counted
 * waiting in all (pending in the fair queue plus handed to the workers), when
 * it answered.
 */
export function queueChart (r: ExamRecord, endS: number): string {
  const lanes = lanesOf(r)
  const series: Series[] = lanes.map(lane => ({
    name: `${lane}: awaiting verdict`,
    color: LANE_COLORS[lane],
    points: r.timeline.map(p => ({ x: p.tS, y: p.held[lane] ?? 0 })),
  }))
  for (const lane of lanes) {
    if (!r.timeline.some(p => (p.retrying[lane] ?? 0) > 0)) continue
    series.push({ name: `${lane}: refused, retrying`, color: LANE_COLORS[lane], dashed: true, points: r.timeline.map(p => ({ x: p.tS, y: p.retrying[lane] ?? 0 })) })
  }
  const waiting = r.timeline
    .filter(p => p.rate !== undefined && p.capacity !== undefined)
    .map(p => ({ x: p.tS, y: p.rate!.queued + Object.values(p.capacity!).reduce((a, c) => a + (c.queued ?? 0), 0) }))
  if (waiting.length > 0) series.push({ name: 'capacity: waiting, all lanes', color: '#888', points: waiting })
  const top = Math.max(1, ...series.flatMap(s => s.points.map(p => p.y)).filter(Number.isFinite))
  return lineChart({
    title: `Exam peak (scale ${r.scale}): queue per lane`,
    x: { label: `s since the run started (the flood at ${Math.round(r.floodStartS)} s)`, scale: 'linear', min: 0, max: endS },
    // headroom above the data: the legend sits in the plot's top left
    y: { label: 'submissions', scale: 'linear', min: 0, max: Math.ceil(top * (1 + LEGEND_SHARE * 2)) },
    series,
    vlines: markers(r),
    width: WIDTH,
    height: PANEL_H,
  })
}

/**
 * The latency panel: p95 of the verdicts of each bucket per lane (dots
 * joined); dashed, the wait `GET /v1/capacity` estimated for the lane's own
 * tenant at each second; each lane's SLA as a line.
 */
export function latencyChart (r: ExamRecord, endS: number): string {
  const lanes = lanesOf(r)
  const series: Series[] = lanes.map(lane => ({
    name: `${lane}: p95 per ${r.latencyBucketS} s`,
    color: LANE_COLORS[lane],
    markers: true,
    points: r.latencyTimeline.filter(p => p.lane === lane && p.p95 !== null).map(p => ({ x: p.tS + r.latencyBucketS / 2, y: p.p95! })),
  }))
  for (const lane of lanes) {
    const points = r.timeline.filter(p => typeof p.capacity?.[lane]?.estimatedWaitMs === 'number').map(p => ({ x: p.tS, y: p.capacity![lane]!.estimatedWaitMs! }))
    if (points.length > 0) series.push({ name: `${lane}: estimated wait`, color: LANE_COLORS[lane], dashed: true, points })
  }
  const slas = new Map<number, Lane[]>()
  for (const lane of lanes) {
    const sla = r.grader.slaMsByLane[lane]
    if (typeof sla === 'number') slas.set(sla, [...(slas.get(sla) ?? []), lane])
  }
  const values = [...series.flatMap(s => s.points.map(p => p.y)), ...slas.keys()].filter(v => Number.isFinite(v) && v > 0)
  const hlines: RefLine[] = [...slas].map(([ms, ls]) => ({ at: ms, label: `SLA ${ms / 1000} s (${ls.join(', ')})`, color: ls.length === 1 ? LANE_COLORS[ls[0]!] : '#555' }))
  return lineChart({
    title: 'Latency of the accepted submissions, accepted POST to verdict',
    x: { label: `s since the run started (the flood at ${Math.round(r.floodStartS)} s)`, scale: 'linear', min: 0, max: endS },
    // a decade of headroom above the data, for the legend
    y: logAxisFor('ms (log)', [...values, Math.max(...values) * 10]),
    series,
    hlines,
    vlines: markers(r),
    width: WIDTH,
    height: PANEL_H,
  })
}

/** Both panels in one SVG, the queue above the latency. */
export function examChart (r: ExamRecord): string {
  const endS = Math.max(r.floodStartS + 10, ...r.timeline.map(p => p.tS), ...r.latencyTimeline.map(p => p.tS + r.latencyBucketS))
  const place = (svg: string, y: number) => svg.replace('<svg ', `<svg x="0" y="${y}" `)
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${2 * PANEL_H}" viewBox="0 0 ${WIDTH} ${2 * PANEL_H}">`,
    place(queueChart(r, endS), 0).trimEnd(),
    place(latencyChart(r, endS), PANEL_H).trimEnd(),
    '</svg>',
    '',
  ].join('\n')
}
