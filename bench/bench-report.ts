/**
 * The run as text: one markdown table (printed, and written beside the
 * record for the README), the targets, the stages, and the two SVG charts.
 */
import type { BenchRecord, SeriesRecord } from './bench-record.js'
import { STAGES } from './grader-http.js'
import type { IsolationFigures } from './isolation.js'
import { cdfPoints } from './stats.js'
import { lineChart, logAxisFor, type Series } from './svg-chart.js'
import { describeJudged, type Judged } from './targets.js'

const ms = (v: number | null | undefined): string => v === null || v === undefined || !Number.isFinite(v) ? '—' : `${Math.round(v)} ms`
const fixed = (v: number | null | undefined, digits: number, unit: string): string => v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(digits)}${unit}`

export function markdownReport (r: BenchRecord): string {
  const { baseline, grader } = r
  const cold = grader.cold
  const warm = grader.warm
  const cell = (s: SeriesRecord | undefined, f: (s: SeriesRecord) => string) => s === undefined ? '—' : f(s)
  const rows: string[][] = [
    ['', 'plain `docker run --rm`', 'grader, cold (pool off)', 'grader, warm (pool on)'],
    ['p50, one after another', ms(baseline.sequential.p50), cell(cold, s => ms(s.sequential.p50)), cell(warm, s => ms(s.sequential.p50))],
    ['p95, one after another', ms(baseline.sequential.p95), cell(cold, s => ms(s.sequential.p95)), cell(warm, s => ms(s.sequential.p95))],
    ['p99, one after another', ms(baseline.sequential.p99), cell(cold, s => ms(s.sequential.p99)), cell(warm, s => ms(s.sequential.p99))],
    [`throughput: baseline best (${baseline.best.inFlight} in flight); grader highest sustained open-loop rate (p99 ≤ ${grader.load.slaMs} ms)`,
      fixed(baseline.best.throughputPerS, 2, ' /s'),
      grader.load.series === 'cold' ? fixed(grader.load.highestSustainedPerS, 1, ' /s') : '—',
      grader.load.series === 'warm' ? fixed(grader.load.highestSustainedPerS, 1, ' /s') : '—'],
    [`host CPU per grading (whole machine, ${baseline.cpu.gradings} gradings, ${baseline.cpu.inFlight} in flight)`,
      fixed(baseline.cpu.perGradingS * 1000, 0, ' ms'), cell(cold, s => fixed((s.cpu?.perGradingS ?? NaN) * 1000, 0, ' ms')), cell(warm, s => fixed((s.cpu?.perGradingS ?? NaN) * 1000, 0, ' ms'))],
  ]
  const table = rows.map((row, i) => `| ${row.join(' | ')} |` + (i === 0 ? `\n|${row.map(() => '---').join('|')}|` : '')).join('\n')
  const targets = r.targets.map(t => `- ${describeJudged({ ...t, ratio: t.ratio ?? NaN } as Judged)}`).join('\n')
  const stageRows = STAGES.map(s => `| ${s} | ${cell(cold, x => ms(x.stages[s]?.p50))} | ${cell(cold, x => ms(x.stages[s]?.p95))} | ${cell(warm, x => ms(x.stages[s]?.p50))} | ${cell(warm, x => ms(x.stages[s]?.p95))} |`).join('\n')
  const steps = grader.load.steps.map(s => `| ${s.ratePerS.toFixed(1)} | ${s.sent} | ${fixed(s.achievedPerS, 1, '')} | ${ms(s.latency.p50)} | ${ms(s.latency.p99)} | ${s.errors} | ${s.peakInFlight} | ${s.shortfalls.length === 0 ? 'sustained' : s.shortfalls.join(', ')} |`).join('\n')
  return [
    table,
    ...faultLines(r),
    ...(() => {
      const pool = poolCounts(warm?.hosts)
      return pool === undefined ? [] : ['', `Warm pool during the warm sequential run (GET /v1/hosts): hits ${pool.hits}, misses ${pool.misses}.`]
    })(),
    '',
    'Targets (ratios of this run):',
    targets,
    '',
    '| stage (result.timings) | cold p50 | cold p95 | warm p50 | warm p95 |',
    '|---|---|---|---|---|',
    stageRows,
    '',
    `Open-loop load (${grader.load.arrivals} arrivals, ${grader.load.series} grader, SLA ${grader.load.slaMs} ms):`,
    '',
    '| offered /s | sent | answered /s | p50 | p99 | errors | most in flight | |',
    '|---|---|---|---|---|---|---|---|',
    steps,
    ...isolationLines(r.isolation as IsolationFigures | undefined),
  ].join('\n') + '\n'
}

/** A line per grader series whose correct submission did not always pass: each is a fault, never a verdict. */
function faultLines (r: BenchRecord): string[] {
  const out: string[] = []
  for (const [name, s] of [['cold', r.grader.cold], ['warm', r.grader.warm]] as const) {
    if (s === undefined) continue
    const failed = s.errors + (s.cpu?.errors ?? 0)
    if (failed > 0) out.push(`- ${name}: ${failed} of ${s.sequential.n + s.errors + (s.cpu?.gradings ?? 0)} gradings of a correct submission did not pass, e.g. ${[...s.errorSamples, ...(s.cpu?.errorSamples ?? [])][0] ?? ''}`)
  }
  return out.length === 0 ? [] : ['', 'Faults:', ...out]
}

/** Pool hits and misses summed over the hosts of a `GET /v1/hosts` answer, when the grader reports a pool. */
export function poolCounts (hosts: unknown): { hits: number, misses: number } | undefined {
  const list = (hosts as { hosts?: Array<{ pool?: { hits?: unknown, misses?: unknown } }> } | null | undefined)?.hosts
  const pools = (Array.isArray(list) ? list : []).map(h => h.pool).filter(p => typeof p?.hits === 'number' && typeof p.misses === 'number')
  if (pools.length === 0) return undefined
  return { hits: pools.reduce((a, p) => a + (p!.hits as number), 0), misses: pools.reduce((a, p) => a + (p!.misses as number), 0) }
}

/** The optional last section (--isolation): split against in-process. */
function isolationLines (iso: IsolationFigures | undefined): string[] {
  if (iso === undefined || iso === null) return []
  return [
    '',
    `The student's code in a process of its own (split, the default) against in-process, ${iso.runs} runs each:`,
    `- run stage of a 20-test unittest suite (p50): split ${ms(iso.runStageMs.split.p50)}, in-process ${ms(iso.runStageMs['in-process'].p50)}`,
    `- one call of the student's code from a test (p50): split ${fixed(iso.perCallUs.split.p50, 1, ' µs')}, in-process ${fixed(iso.perCallUs['in-process'].p50, 2, ' µs')}; per-call overhead of the split ${fixed(iso.splitOverheadUs, 1, ' µs')}`,
  ]
}

const COLORS = { baseline: '#7f7f7f', cold: '#1f77b4', warm: '#2ca02c', p50: '#2ca02c', p99: '#d62728', sla: '#d62728', ref: '#7f7f7f' }

/** The latency distribution, sequential: CDF of baseline, cold and warm on a log time axis. */
export function cdfChart (r: BenchRecord): string {
  const series: Series[] = [{ name: `plain docker run --rm (p50 ${ms(r.baseline.sequential.p50)})`, points: cdfPoints(r.baseline.samplesMs), color: COLORS.baseline, step: true }]
  if (r.grader.cold !== undefined) series.push({ name: `grader, cold (p50 ${ms(r.grader.cold.sequential.p50)})`, points: cdfPoints(r.grader.cold.samplesMs), color: COLORS.cold, step: true })
  if (r.grader.warm !== undefined) series.push({ name: `grader, warm (p50 ${ms(r.grader.warm.sequential.p50)})`, points: cdfPoints(r.grader.warm.samplesMs), color: COLORS.warm, step: true })
  const all = series.flatMap(s => s.points.map(p => p.x))
  return lineChart({
    title: 'End-to-end latency, one submission at a time (CDF)',
    x: logAxisFor('latency (ms, log scale)', all),
    y: { label: 'fraction of gradings', scale: 'linear', min: 0, max: 1 },
    series,
  })
}

/** p50 and p99 against the offered rate, with the SLA and the baseline's best throughput marked. */
export function rateChart (r: BenchRecord): string {
  const answered = r.grader.load.steps.filter(s => s.ok > 0)
  // The lines go through the last try at each rate; a try repeated after it fell short is a hollow dot.
  const last = answered.filter((s, i) => answered.slice(i + 1).every(t => t.ratePerS !== s.ratePerS))
  const earlier = answered.filter(s => !last.includes(s))
  const p50 = last.map(s => ({ x: s.ratePerS, y: s.latency.p50 ?? NaN }))
  const p99 = last.map(s => ({ x: s.ratePerS, y: s.latency.p99 ?? NaN }))
  const earlierP99 = earlier.map(s => ({ x: s.ratePerS, y: s.latency.p99 ?? NaN }))
  const steps = answered
  const best = r.baseline.best.throughputPerS
  const maxRate = Math.max(1.5 * best, ...steps.map(s => s.ratePerS)) * 1.05
  return lineChart({
    title: `Latency against offered rate (open loop, ${r.grader.load.series} grader)`,
    x: { label: 'offered rate (submissions per second)', scale: 'linear', min: 0, max: maxRate },
    y: logAxisFor('latency (ms, log scale)', [...p50, ...p99, ...earlierP99].map(p => p.y).concat([r.grader.load.slaMs])),
    series: [
      { name: 'grader p50', points: p50, color: COLORS.p50, markers: true },
      { name: 'grader p99', points: p99, color: COLORS.p99, markers: true },
      ...(earlierP99.length > 0 ? [{ name: 'p99 of an earlier try at that rate (fell short, repeated)', points: earlierP99, color: COLORS.p99, dotsOnly: true }] : []),
    ],
    hlines: [{ at: r.grader.load.slaMs, label: `SLA ${r.grader.load.slaMs} ms`, color: COLORS.sla }],
    vlines: [
      { at: best, label: `baseline best ${best.toFixed(1)}/s`, color: COLORS.ref },
      { at: 1.5 * best, label: `target 1.5× = ${(1.5 * best).toFixed(1)}/s`, color: COLORS.ref },
    ],
  })
}
