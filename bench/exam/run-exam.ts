/**
 * `npm run bench -- --scenario exam`: the lecture hall of issue 10 on this
 * machine, against one grader (started here with the warm pool on, or the
 * one at --url).
 *
 * 1. tenants `exam-hall`, `practice-flood` and `interactive`, each with a key
 *    limited to its lane, made with the bootstrap admin key;
 * 2. alone: the interactive tenant by itself (its reference p95);
 * 3. flood: 700 exam students within 60 s (20 % a CPU-heavy suite), 2,000
 *    practice submissions in bursts and the interactive tenant at its alone
 *    rate, all at once. Each client honours `Retry-After` when refused and
 *    holds its accepted POST until the verdict;
 * 4. `GET /v1/capacity` and the clients' states are sampled every second.
 *
 * Progress goes to stderr; the table and the targets to stdout; the record to
 * docs/bench/exam.json (and --out), the table to docs/bench/exam.md and the
 * chart to docs/images/bench-exam.svg. A benchmark: it prints, never asserts.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, release, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseSlaByLane } from '../../services/shared/config/sla-by-lane.js'
import { LANES, type Lane } from '../../services/shared/contracts/vocabulary.js'
import { seededRandom } from '../arrivals.js'
import { freePort, startGraderProcess, type GraderProcess } from '../grader-process.js'
import { checkedRecord } from '../bench-record.js'
import { measureCpu } from '../host-cpu.js'
import { capacityByLane, capacityRate, type CapacityLane } from './capacity-view.js'
import { challengeBody } from './exam-challenges.js'
import { submitUntilGraded, type ClientOutcome, type ClientState, type ClientTarget } from './exam-client.js'
import { examChart } from './exam-chart.js'
import { parseExamOptions, type ExamOptions } from './exam-options.js'
import { ExamRecordSchema, recordText, type ExamRecord, type TimelinePoint } from './exam-record.js'
import { floodEndMs, groupReports, interactiveComparison, judgeExam, latencyTimeline, markdownExamReport, type ExamResult } from './exam-report.js'
import { examSchedule, INTERACTIVE, TENANTS, type PlannedSubmission, type TenantRole } from './exam-scenario.js'
import { setUpTenants, type BenchTenants } from './exam-tenants.js'
import { slaMissesFromMetrics, type SlaMiss } from './sla-misses.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..')
/** Between the alone phase's last verdict and the flood: the pool refills, the alone phase's containers are removed. */
const PHASE_PAUSE_MS = 3000
/** Clients' state and `GET /v1/capacity`, sampled this often, in ms. */
const SAMPLE_EVERY_MS = 1000
/** Verdicts bucketed this long for the latency panel, in s. */
const LATENCY_BUCKET_S = 5
/** Past the time bound, the process exits whatever still hangs (stopping the grader included), in ms. */
const HARD_STOP_GRACE_MS = 60_000

const started = performance.now()
function progress (line: string): void {
  const s = Math.round((performance.now() - started) / 1000)
  process.stderr.write(`[exam ${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${line}\n`)
}
const sleep = async (ms: number) => { await new Promise(resolve => setTimeout(resolve, Math.max(0, ms))) }

function machine (backgroundBusyCores: number): ExamRecord['machine'] {
  const osRelease = (() => { try { return readFileSync('/etc/os-release', 'utf8') } catch { return '' } })()
  const docker = (() => { try { return execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).trim() } catch { return 'unknown' } })()
  return {
    cores: availableParallelism(),
    os: /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1] ?? process.platform,
    kernel: release(),
    docker,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30 * 10) / 10,
    backgroundBusyCores: Math.round(backgroundBusyCores * 100) / 100,
  }
}

/** `grader_sla_misses_total` from the metrics listener, or null when it does not answer. */
async function readSlaMisses (metricsUrl: string | undefined): Promise<SlaMiss[] | null> {
  if (metricsUrl === undefined) return null
  const res = await fetch(`${metricsUrl}/metrics`, { signal: AbortSignal.timeout(10_000) }).catch(() => null)
  return res?.status === 200 ? slaMissesFromMetrics(await res.text()) : null
}

/** How many clients of each lane are in each state, for the timeline. */
class ClientStates {
  private readonly held = new Map<Lane, number>()
  private readonly retrying = new Map<Lane, number>()
  private readonly state = new Map<number, ClientState>()
  answered = 0

  change (seq: number, lane: Lane, next: ClientState): void {
    const prev = this.state.get(seq)
    if (prev === next) return
    const bump = (m: Map<Lane, number>, d: number) => m.set(lane, (m.get(lane) ?? 0) + d)
    if (prev === 'sent') bump(this.held, -1)
    if (prev === 'retrying') bump(this.retrying, -1)
    if (next === 'sent') bump(this.held, 1)
    if (next === 'retrying') bump(this.retrying, 1)
    if (next === 'ended') this.answered++
    this.state.set(seq, next)
  }

  snapshot (): Pick<TimelinePoint, 'held' | 'retrying'> {
    return { held: Object.fromEntries(this.held), retrying: Object.fromEntries(this.retrying) }
  }
}

interface RunContext {
  target: string
  tenants: BenchTenants
  deadline: number
  states: ClientStates
  random: () => number
}

/** Sends each planned submission at `phaseStart + atMs` (a late timer sends all that are due), returns their outcomes once all ended. */
async function runPhase (ctx: RunContext, plan: readonly PlannedSubmission[], phaseStart: number): Promise<Array<{ plan: PlannedSubmission, outcome: ClientOutcome }>> {
  const pending: Array<Promise<{ plan: PlannedSubmission, outcome: ClientOutcome }>> = []
  const fire = (p: PlannedSubmission): void => {
    const client: ClientTarget = { url: ctx.target, key: ctx.tenants.keys[p.tenant] }
    const body = { ...challengeBody(p.kind), priority: p.lane, student: `${TENANTS[p.tenant].name}-${p.student}` }
    pending.push(submitUntilGraded(client, body, {
      deadline: ctx.deadline,
      jitterMs: () => ctx.random() * 1000,
      onState: s => ctx.states.change(p.seq, p.lane, s),
    }).then(outcome => ({ plan: p, outcome })))
  }
  let i = 0
  while (i < plan.length && performance.now() < ctx.deadline) {
    await sleep(phaseStart + plan[i]!.atMs - performance.now())
    const now = performance.now()
    while (i < plan.length && phaseStart + plan[i]!.atMs <= now + 1) fire(plan[i++]!)
  }
  // Never sent before the time bound: counted as unfinished, with no try.
  const unsent = plan.slice(i).map(p => ({ plan: p, outcome: { tries: 0, refusals: 0, retryAfterS: [], refusalsWithoutRetryAfter: 0, rateLimited: 0, unfinished: true } satisfies ClientOutcome }))
  return [...await Promise.all(pending), ...unsent]
}

/** Samples the clients' states and each tenant's `GET /v1/capacity` every second until stopped. */
function startSampler (ctx: RunContext, t0: number): { stop: () => TimelinePoint[] } {
  const points: TimelinePoint[] = []
  let busy = false
  const roles = Object.keys(TENANTS) as TenantRole[]
  const timer = setInterval(() => {
    const tS = Math.round((performance.now() - t0) / 100) / 10
    const point: TimelinePoint = { tS, ...ctx.states.snapshot() }
    points.push(point)
    // A slow answer under load must not pile up requests: skip a second instead.
    if (busy) return
    busy = true
    void Promise.all(roles.map(async role => {
      const res = await fetch(`${ctx.target}/v1/capacity`, { headers: { authorization: `Bearer ${ctx.tenants.keys[role]}` }, signal: AbortSignal.timeout(SAMPLE_EVERY_MS * 3) }).catch(() => null)
      return res?.status === 200 ? await res.json().catch(() => null) as unknown : undefined
    })).then(views => {
      const merged: Record<string, CapacityLane> = {}
      // Each tenant's own lane from its own view: the estimate its students would be given.
      roles.forEach((role, k) => { const own = capacityByLane(views[k])?.[TENANTS[role].lane]; if (own !== undefined) merged[TENANTS[role].lane] = own })
      if (Object.keys(merged).length > 0) point.capacity = merged
      const rate = views.map(capacityRate).find(r => r !== undefined)
      if (rate !== undefined) point.rate = rate
    }).finally(() => { busy = false })
  }, SAMPLE_EVERY_MS)
  return { stop: () => { clearInterval(timer); return points } }
}

/** The SLA of each lane: what `GET /v1/capacity` reported, else the grader's GRADER_SLA_MS as the bench knows it. */
function slaByLane (timeline: readonly TimelinePoint[], graderEnv: string | undefined): Record<string, number | null> {
  const fromEnv = parseSlaByLane(graderEnv ?? '').value
  const out: Record<string, number | null> = { ...fromEnv }
  for (const p of timeline) for (const [lane, c] of Object.entries(p.capacity ?? {})) if (c.slaMs !== undefined) out[lane] = c.slaMs
  return out
}

async function measure (o: ExamOptions): Promise<ExamRecord> {
  const startedAt = new Date().toISOString()
  const { cost: background } = await measureCpu(async () => { await sleep(3000) })
  progress(`machine: ${availableParallelism()} cores, ${background.busyCores.toFixed(2)} cores busy before the run; scale ${o.scale}, time bound ${o.timeLimitS} s`)
  const deadline = started + o.timeLimitS * 1000
  // The last resort of "a run cannot hang": whatever still waits past the bound and its grace.
  setTimeout(() => { progress('hard stop: the time bound passed and something still hangs'); process.exit(2) }, o.timeLimitS * 1000 + HARD_STOP_GRACE_MS).unref()

  let grader: GraderProcess | undefined
  const graderEnv: Record<string, string> = {
    GRADER_HOST_CONCURRENCY: process.env.GRADER_HOST_CONCURRENCY ?? String(availableParallelism()),
    // inherited anyway; named here so the record shows it
    ...(process.env.GRADER_SLA_MS !== undefined ? { GRADER_SLA_MS: process.env.GRADER_SLA_MS } : {}),
  }
  let metricsUrl: string | undefined
  if (o.url === undefined) {
    // A port of its own: the default one may be held by another grader on this machine.
    const metricsPort = await freePort()
    graderEnv.GRADER_METRICS_HOST = '127.0.0.1'
    graderEnv.GRADER_METRICS_PORT = String(metricsPort)
    metricsUrl = `http://127.0.0.1:${metricsPort}`
    progress('starting a grader (warm pool on)')
    grader = await startGraderProcess(ROOT, graderEnv)
  }
  const admin: ClientTarget = grader ?? { url: o.url!, key: o.key! }
  try {
    const tenants = await setUpTenants(admin)
    progress(tenants.tenancy === 'tenants'
      ? `tenants: ${(Object.keys(TENANTS) as TenantRole[]).map(r => `${tenants.names[r]} (weight ${TENANTS[r].weight}, lane ${TENANTS[r].lane})`).join(', ')}`
      : 'tenants: the grader has no POST /v1/tenants (404): every client uses the bootstrap key, tenants are labels only')
    // Warm-up: the image cache and the first connections, not counted.
    for (let k = 0; k < 2; k++) {
      const w = await submitUntilGraded(admin, challengeBody('fast'), { deadline, jitterMs: () => 0 })
      if (w.status !== 'pass') throw new Error(`the warm-up grading did not pass: ${w.status ?? 'no verdict'}: ${w.error ?? ''}`)
    }

    const plan = examSchedule(o.scale, o.seed)
    const ctx: RunContext = { target: admin.url, tenants, deadline, states: new ClientStates(), random: seededRandom(o.seed + 1) }
    const t0 = performance.now()
    const sampler = startSampler(ctx, t0)
    const ticker = setInterval(() => {
      const s = ctx.states.snapshot()
      const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0)
      progress(`${ctx.states.answered} ended, ${sum(s.held)} accepted and waiting, ${sum(s.retrying)} refused and waiting to retry`)
    }, 15_000)

    const alonePlan = plan.filter(p => p.phase === 'alone')
    progress(`alone: ${alonePlan.length} interactive submissions over ${INTERACTIVE.aloneMs / 1000} s`)
    const alone = await runPhase(ctx, alonePlan, t0)
    await sleep(t0 + INTERACTIVE.aloneMs - performance.now())
    await sleep(PHASE_PAUSE_MS)
    const floodStart = performance.now()
    const floodPlan = plan.filter(p => p.phase === 'flood')
    const count = (t: TenantRole) => floodPlan.filter(p => p.tenant === t).length
    progress(`flood: ${count('exam')} exam (${floodPlan.filter(p => p.kind === 'heavy').length} heavy), ${count('practice')} practice, ${count('interactive')} interactive`)
    const { value: flood, cost: floodCost } = await measureCpu(async () => await runPhase(ctx, floodPlan, floodStart))
    const end = performance.now()
    clearInterval(ticker)
    const timeline = sampler.stop()
    const serverSlaMisses = await readSlaMisses(metricsUrl)

    // Times from the run's start, in ms.
    const rel = (t: number | undefined) => t === undefined ? undefined : t - t0
    const results: ExamResult[] = [...alone, ...flood].map(({ plan: p, outcome }) => ({
      tenant: tenants.names[p.tenant],
      lane: p.lane,
      phase: p.phase,
      outcome: { ...outcome, acceptedAt: rel(outcome.acceptedAt), answeredAt: rel(outcome.answeredAt) },
    }))
    const floodStartMs = floodStart - t0
    const sla = slaByLane(timeline, o.url === undefined ? process.env.GRADER_SLA_MS : undefined)
    // The SLA is the grader's, once in the record: not in each second's point.
    for (const p of timeline) for (const c of Object.values(p.capacity ?? {})) delete c.slaMs
    const groups = groupReports(results, { alone: 0, flood: floodStartMs }, sla)
    const floodOver = floodEndMs(results, tenants.names.interactive, end - t0)
    const interactive = interactiveComparison(results, tenants.names.interactive, floodOver)
    const examGroup = groups.find(g => g.tenant === tenants.names.exam)
    const problems = groups.filter(g => g.faults + g.errors + g.unfinished > 0)
      .map(g => `${g.tenant}/${g.lane} (${g.phase}): ${g.faults} faults, ${g.errors} errors, ${g.unfinished} unfinished${g.errorSamples.length > 0 ? `; e.g. ${g.errorSamples.join(' | ')}` : ''}`)
    return {
      version: 1,
      scenario: 'exam',
      startedAt,
      durationS: Math.round((performance.now() - started) / 1000),
      scale: o.scale,
      seed: o.seed,
      timeLimitS: o.timeLimitS,
      timedOut: results.some(r => r.outcome.unfinished),
      machine: machine(background.busyCores),
      grader: {
        mode: grader === undefined ? 'target' : 'started',
        env: grader?.env ?? { target: admin.url },
        tenancy: tenants.tenancy,
        slaMsByLane: Object.fromEntries(LANES.map(l => [l, sla[l] ?? null])),
      },
      tenants: (Object.keys(TENANTS) as TenantRole[]).map(r => ({ name: tenants.names[r], lane: TENANTS[r].lane, weight: TENANTS[r].weight, ...(tenants.ids[r] !== undefined ? { id: tenants.ids[r] } : {}) })),
      floodStartS: floodStartMs / 1000,
      floodEndS: floodOver / 1000,
      examDrainedS: examGroup?.drainedS ?? null,
      groups,
      interactive,
      load: { floodBusyCores: Math.round(floodCost.busyCores * 100) / 100, benchCpuS: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1e4) / 100 },
      serverSlaMisses,
      problems,
      targets: judgeExam(groups, interactive, serverSlaMisses),
      timeline,
      latencyTimeline: latencyTimeline(results, LATENCY_BUCKET_S),
      latencyBucketS: LATENCY_BUCKET_S,
    }
  } finally {
    await grader?.stop()
  }
}

const checked = (json: unknown): ExamRecord => checkedRecord(ExamRecordSchema, json, 'exam record')

/** The record, the table and the chart into docs/ (unless --no-docs), the record to --out, the table to stdout. */
function writeOutputs (r: ExamRecord, o: ExamOptions): void {
  const report = markdownExamReport(r)
  if (!o.noDocs) {
    mkdirSync(join(ROOT, 'docs/bench'), { recursive: true })
    mkdirSync(join(ROOT, 'docs/images'), { recursive: true })
    if (o.redraw === undefined) writeFileSync(join(ROOT, 'docs/bench/exam.json'), recordText(r))
    writeFileSync(join(ROOT, 'docs/bench/exam.md'), `Exam bench run of ${r.startedAt} (${r.durationS} s, scale ${r.scale}) on ${r.machine.cores} cores, ${r.machine.os}, Docker ${r.machine.docker}; tenancy: ${r.grader.tenancy}.\n\n${report}`)
    writeFileSync(join(ROOT, 'docs/images/bench-exam.svg'), examChart(r))
  }
  if (o.out !== undefined) writeFileSync(o.out, recordText(r))
  process.stdout.write(report)
}

/** The entry of `--scenario exam` (bench/run-bench.ts dispatches here with the other arguments). */
export async function runExam (argv: string[]): Promise<void> {
  const o = parseExamOptions(argv)
  if (o.redraw !== undefined) {
    writeOutputs(checked(JSON.parse(readFileSync(o.redraw, 'utf8'))), o)
    return
  }
  const record = await measure(o)
  // Through JSON and back, then checked: NaN becomes null, as a reader of the file will see it.
  const json = checked(JSON.parse(JSON.stringify(record)))
  writeOutputs(json, o)
  progress(`done in ${json.durationS} s${o.noDocs ? '' : ': docs/bench/exam.json, docs/bench/exam.md, docs/images/bench-exam.svg'}${o.out !== undefined ? `, ${o.out}` : ''}`)
}
