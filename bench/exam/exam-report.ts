/**
 * The exam run's arithmetic and text: per tenant, lane and phase what the
 * clients saw, the interactive tenant alone against during the flood, the
 * issue's three targets with the numbers that say why, and the markdown
 * table. Pure: outcomes in, records and text out.
 */
import type { Lane } from '../../services/shared/contracts/vocabulary.js'
import { summarize, type Summary } from '../stats.js'
import type { ClientOutcome } from './exam-client.js'
import type { ExamRecord, ExamTarget, GroupRecord, LatencyPoint } from './exam-record.js'
import type { Phase } from './exam-scenario.js'

/** One submission's client, its times in ms from the run's start. */
export interface ExamResult {
  tenant: string
  lane: Lane
  phase: Phase
  outcome: ClientOutcome
}

/** The interactive tenant's p95 during the flood may be at most this many times its p95 alone. */
export const INTERACTIVE_RATIO_TARGET = 1.5

/** Latency of an answered submission, in ms: from sending the accepted POST to the verdict. */
export function latencyMs (o: ClientOutcome): number | undefined {
  return o.acceptedAt !== undefined && o.answeredAt !== undefined ? o.answeredAt - o.acceptedAt : undefined
}

function triesBucket (tries: number): string {
  return tries >= 5 ? '5+' : String(tries)
}

/** The groups, in the order of `results`' first appearance of each (tenant, lane, phase). */
export function groupReports (results: readonly ExamResult[], phaseStartMs: Readonly<Record<Phase, number>>, slaMsByLane: Readonly<Record<string, number | null>>): GroupRecord[] {
  const byKey = new Map<string, ExamResult[]>()
  for (const r of results) {
    const key = `${r.tenant}\u0000${r.lane}\u0000${r.phase}`
    const list = byKey.get(key)
    if (list === undefined) byKey.set(key, [r]); else list.push(r)
  }
  return [...byKey.values()].map(list => {
    const { tenant, lane, phase } = list[0]!
    const slaMs = slaMsByLane[lane] ?? null
    const refused = list.filter(r => r.outcome.refusals > 0)
    const triesOfRefused: Record<string, number> = {}
    for (const r of refused) if (r.outcome.acceptedAt !== undefined) triesOfRefused[triesBucket(r.outcome.tries)] = (triesOfRefused[triesBucket(r.outcome.tries)] ?? 0) + 1
    const answered = list.filter(r => latencyMs(r.outcome) !== undefined)
    const latencies = answered.map(r => latencyMs(r.outcome)!)
    const problems = list.filter(r => r.outcome.error !== undefined || (r.outcome.status !== undefined && r.outcome.status !== 'pass'))
    const lastAnswer = Math.max(...answered.map(r => r.outcome.answeredAt!))
    return {
      tenant,
      lane,
      phase,
      submitted: list.length,
      accepted: list.filter(r => r.outcome.acceptedAt !== undefined).length,
      refused: refused.length,
      refusals: list.reduce((a, r) => a + r.outcome.refusals, 0),
      // accepted at the try after the first refusal: no second refusal, no 429 or 503 without Retry-After between
      acceptedAtNextTry: refused.filter(r => r.outcome.acceptedAt !== undefined && r.outcome.tries === 2).length,
      triesOfRefused,
      maxTries: Math.max(0, ...list.map(r => r.outcome.tries)),
      retryAfterS: summarize(list.flatMap(r => r.outcome.retryAfterS)),
      refusalsWithoutRetryAfter: list.reduce((a, r) => a + r.outcome.refusalsWithoutRetryAfter, 0),
      rateLimited: list.reduce((a, r) => a + r.outcome.rateLimited, 0),
      latency: summarize(latencies),
      warmShare: answered.length === 0 ? null : answered.filter(r => r.outcome.container === 'warm').length / answered.length,
      graderQueueMs: summarize(answered.flatMap(r => r.outcome.graderMs === undefined ? [] : [r.outcome.graderMs.queueMs])),
      graderGradingMs: summarize(answered.flatMap(r => r.outcome.graderMs === undefined ? [] : [r.outcome.graderMs.gradingMs])),
      slaMs,
      late: slaMs === null ? 0 : latencies.filter(ms => ms > slaMs).length,
      faults: list.filter(r => r.outcome.status !== undefined && r.outcome.status !== 'pass').length,
      errors: list.filter(r => r.outcome.status === undefined && r.outcome.error !== undefined && !r.outcome.unfinished).length,
      unfinished: list.filter(r => r.outcome.unfinished).length,
      errorSamples: [...new Set(problems.map(r => `${r.outcome.status ?? 'no verdict'}: ${r.outcome.error ?? ''}`.slice(0, 200)))].slice(0, 3),
      drainedS: answered.length === 0 ? null : (lastAnswer - phaseStartMs[phase]) / 1000,
    }
  })
}

/**
 * When the flood was over: the last verdict of the flood phase's other
 * tenants (all but `interactiveTenant`), or `endMs` when any of them was
 * still unfinished at the time bound.
 */
export function floodEndMs (results: readonly ExamResult[], interactiveTenant: string, endMs: number): number {
  const flood = results.filter(r => r.phase === 'flood' && r.tenant !== interactiveTenant)
  if (flood.some(r => r.outcome.unfinished)) return endMs
  const answers = flood.map(r => r.outcome.answeredAt).filter((t): t is number => t !== undefined)
  return answers.length === 0 ? endMs : Math.max(...answers)
}

/**
 * The interactive tenant's latency alone and during the flood. A flood-phase
 * submission accepted after the flood was over (a small run drains before the
 * interactive window ends) is left out of "during" and counted apart.
 */
export function interactiveComparison (results: readonly ExamResult[], interactiveTenant: string, floodOverMs: number): ExamRecord['interactive'] {
  const mine = results.filter(r => r.tenant === interactiveTenant)
  const lat = (rs: ExamResult[]) => rs.map(r => latencyMs(r.outcome)).filter((ms): ms is number => ms !== undefined)
  const floodPhase = mine.filter(r => r.phase === 'flood' && r.outcome.acceptedAt !== undefined)
  const alone = summarize(lat(mine.filter(r => r.phase === 'alone')))
  const during = summarize(lat(floodPhase.filter(r => r.outcome.acceptedAt! <= floodOverMs)))
  const ratio = during.p95 / alone.p95
  return { alone, during, afterFlood: floodPhase.filter(r => r.outcome.acceptedAt! > floodOverMs).length, ratio: Number.isFinite(ratio) ? ratio : null }
}

const msText = (v: number | null | undefined): string => v === null || v === undefined || !Number.isFinite(v) ? '—' : `${Math.round(v)} ms`
const sText = (v: number | null | undefined): string => v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(1)} s`

/** The issue's three targets, judged, each with the numbers behind it. A target with nothing measured is missed, never met. */
export function judgeExam (groups: readonly GroupRecord[], interactive: ExamRecord['interactive'], serverMisses: ExamRecord['serverSlaMisses'] = null): ExamTarget[] {
  const server = serverMisses === null ? '' : `; the grader counted ${serverMisses.reduce((a, m) => a + m.count, 0)} (grader_sla_misses_total${serverMisses.length > 0 ? `: ${serverMisses.map(m => `${m.lane}/${m.cause} ${m.count}`).join(', ')}` : ''})`
  const answered = groups.reduce((a, g) => a + g.latency.n, 0)
  const late = groups.reduce((a, g) => a + g.late, 0)
  const lateGroups = groups.filter(g => g.late > 0).map(g => `${g.tenant}/${g.lane} ${g.late} (max ${msText(g.latency.max)}, SLA ${msText(g.slaMs)})`)
  const refused = groups.reduce((a, g) => a + g.refused, 0)
  const atNext = groups.reduce((a, g) => a + g.acceptedAtNextTry, 0)
  const noHeader = groups.reduce((a, g) => a + g.refusalsWithoutRetryAfter, 0)
  const stillRefused = groups.reduce((a, g) => a + g.unfinished, 0)
  const maxTries = Math.max(0, ...groups.filter(g => g.refused > 0).map(g => g.maxTries))
  const share = refused === 0 ? null : atNext / refused
  const ratio = interactive.ratio
  return [
    {
      name: 'noLateAccepted',
      label: 'accepted submissions answered after their lane\'s SLA',
      value: answered === 0 ? null : late,
      target: '0',
      met: answered > 0 && late === 0,
      reason: answered === 0
        ? 'nothing was answered'
        : (late === 0 ? `all ${answered} answered within their lane's SLA` : `${late} of ${answered}: ${lateGroups.join('; ')}`) + server,
    },
    {
      name: 'interactiveP95Ratio',
      label: 'interactive p95 during the flood / alone',
      value: ratio,
      target: `≤ ${INTERACTIVE_RATIO_TARGET}×`,
      met: ratio !== null && ratio <= INTERACTIVE_RATIO_TARGET,
      reason: ratio === null
        ? `not measured (alone n = ${interactive.alone.n}, during n = ${interactive.during.n})`
        : `p95 ${msText(interactive.during.p95)} during (n = ${interactive.during.n}) against ${msText(interactive.alone.p95)} alone (n = ${interactive.alone.n})`,
    },
    {
      name: 'retryAfterHonoured',
      label: 'refused submissions accepted at the try after honouring Retry-After',
      value: share,
      target: '100 %, and every 503 carries Retry-After',
      met: refused > 0 ? atNext === refused && noHeader === 0 : noHeader === 0,
      reason: refused === 0
        ? `nothing was refused${noHeader > 0 ? `, but ${noHeader} 503 came without Retry-After` : ''}`
        : `${atNext} of ${refused} refused were accepted at the next try` +
          (atNext < refused ? `; the others needed up to ${maxTries} tries in all${stillRefused > 0 ? ` (${stillRefused} still unfinished at the time bound)` : ''}` : '') +
          (noHeader > 0 ? `; ${noHeader} 503 came without Retry-After` : ''),
    },
  ]
}

/** p50/p95/max of the verdicts arriving in each `bucketS` of the run, per lane (empty buckets left out). */
export function latencyTimeline (results: readonly ExamResult[], bucketS: number): LatencyPoint[] {
  const buckets = new Map<string, { tS: number, lane: Lane, ms: number[] }>()
  for (const r of results) {
    const ms = latencyMs(r.outcome)
    if (ms === undefined) continue
    const tS = Math.floor(r.outcome.answeredAt! / 1000 / bucketS) * bucketS
    const key = `${r.lane}\u0000${tS}`
    const b = buckets.get(key) ?? { tS, lane: r.lane, ms: [] }
    b.ms.push(ms)
    buckets.set(key, b)
  }
  return [...buckets.values()]
    .sort((a, b) => a.tS - b.tS || a.lane.localeCompare(b.lane))
    .map(b => { const s = summarize(b.ms); return { tS: b.tS, lane: b.lane, n: s.n, p50: s.p50, p95: s.p95, max: s.max } })
}

/** One line per target for the terminal and the README: met or missed, and why. */
export function describeExamTarget (t: ExamTarget): string {
  const value = t.value === null ? 'not measured'
    : t.name === 'interactiveP95Ratio' ? `${t.value.toFixed(2)}×`
      : t.name === 'retryAfterHonoured' ? `${Math.round(t.value * 100)} %` : String(t.value)
  return `${t.label}: ${value} (target ${t.target}: ${t.met ? 'met' : 'missed'}): ${t.reason}`
}

const TRIES_ORDER = ['2', '3', '4', '5+']

/** The run as markdown: the per-group table, the interactive comparison, the exam's drain time, the targets and any faults. */
export function markdownExamReport (r: ExamRecord): string {
  const header = ['tenant / lane (phase)', 'sent', 'accepted', 'refused (503 + Retry-After)', 'tries of the refused', 'Retry-After given', 'p50', 'p95', 'p99', 'SLA', 'late', 'faults / errors / unfinished', 'last verdict']
  const rows = r.groups.map(g => [
    `${g.tenant} / ${g.lane} (${g.phase})`,
    String(g.submitted),
    String(g.accepted),
    g.refused === 0 ? '0' : `${g.refused} (${g.refusals} refusals)`,
    g.refused === 0 ? '—' : TRIES_ORDER.filter(k => (g.triesOfRefused[k] ?? 0) > 0).map(k => `${k}: ${g.triesOfRefused[k]}`).join(', ') || 'none accepted',
    g.retryAfterS.n === 0 ? '—' : `${g.retryAfterS.min}–${g.retryAfterS.max} s (p50 ${g.retryAfterS.p50} s)`,
    msText(g.latency.p50), msText(g.latency.p95), msText(g.latency.p99),
    g.slaMs === null ? 'none' : msText(g.slaMs),
    String(g.late),
    `${g.faults} / ${g.errors} / ${g.unfinished}`,
    sText(g.drainedS),
  ])
  const table = [header, ...rows].map((row, i) => `| ${row.join(' | ')} |` + (i === 0 ? `\n|${row.map(() => '---').join('|')}|` : '')).join('\n')
  const i = r.interactive
  const rateLimited = r.groups.reduce((a, g) => a + g.rateLimited, 0)
  return [
    table,
    '',
    `"last verdict" counts from its phase's start; the flood started ${sText(r.floodStartS)} into the run. ` +
      `The exam hall's queue drained ${sText(r.examDrainedS)} after the flood started; the flood (exam hall and practice) was over ${sText(r.floodEndS === null ? null : r.floodEndS - r.floodStartS)} after it started.`,
    `Interactive p95: ${msText(i.alone.p95)} alone (n = ${i.alone.n}), ${msText(i.during.p95)} during the flood (n = ${i.during.n}${i.afterFlood > 0 ? `; ${i.afterFlood} more accepted after the flood was over, left out` : ''}), ratio ${i.ratio === null ? '—' : `${i.ratio.toFixed(2)}×`}.`,
    `Where the time went, by the grader's own timings (p50 queued / p50 graded, share of warm containers): ${r.groups.map(g =>
      `${g.tenant}/${g.lane} (${g.phase}) ${msText(g.graderQueueMs?.p50 ?? null)} / ${msText(g.graderGradingMs?.p50 ?? null)}, ${g.warmShare === undefined || g.warmShare === null ? '—' : `${Math.round(g.warmShare * 100)} % warm`}`).join('; ')}.`,
    `The machine was ${r.load.floodBusyCores.toFixed(2)} cores busy on average over the flood (of ${r.machine.cores}; ${r.machine.backgroundBusyCores.toFixed(2)} before the run); the bench's own clients used ${r.load.benchCpuS.toFixed(0)} core-s.`,
    ...(rateLimited > 0 ? [`${rateLimited} answers were 429 (a rate limit): the bench meant to measure capacity, not the limiter.`] : []),
    ...(r.timedOut ? [`The time bound (${r.timeLimitS} s) came before every client was done: unfinished ones are counted, not dropped.`] : []),
    '',
    'Targets:',
    ...r.targets.map(t => `- ${describeExamTarget(t)}`),
    ...(r.problems.length > 0 ? ['', 'Faults and errors:', ...r.problems.map(p => `- ${p}`)] : []),
    '',
  ].join('\n')
}
