/**
 * `npm run bench`: the grader against a baseline measured in the same run.
 *
 * 1. baseline: the same image, suite and limits with plain `docker run --rm`,
 *    closed-loop at 1, 2, 4, 8 in flight (best throughput, and host CPU per
 *    grading at that concurrency);
 * 2. a cold grader (GRADER_POOL_SIZE=0): sequential latency (BENCH_GAP_MS
 *    apart, a baseline grading before every other one) and stages, host CPU;
 * 3. a warm grader (the pool on): the same, then an open-loop load at rising
 *    rates until p99 passes the SLA;
 * 4. optional (--isolation): split against in-process.
 *
 * Progress goes to stderr, one line per step; the table and the targets to
 * stdout; the record to docs/bench/latest.json (and --out), the table to
 * docs/bench/latest.md and the charts to docs/images/bench-*.svg.
 * A benchmark, not a test: it prints, it never asserts a time.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, release, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ADD_CORRECT, ADD_TESTS } from '../test/fixtures/python/add.js'
import { seededRandom } from './arrivals.js'
import { baselineRun } from './baseline.js'
import { BenchRecordSchema, checkedRecord, type BenchRecord, type CpuRecord, type LoadStepRecord, type SeriesRecord } from './bench-record.js'
import { cdfChart, markdownReport, poolCounts, rateChart } from './bench-report.js'
import { parseBenchOptions, splitScenario, type BenchOptions } from './bench-options.js'
import { closedLoop } from './closed-loop.js'
import { gradeHeld, gradeStreamed, hostsView, STAGES, untilIdle, type GraderTarget } from './grader-http.js'
import { startGraderProcess, type GraderProcess } from './grader-process.js'
import { measureCpu } from './host-cpu.js'
import { isolationFigures } from './isolation.js'
import { loadStep } from './load.js'
import { rateSteps, shortfalls, sweepAction, type Shortfall, type SweepAction } from './rate-sweep.js'
import { summarize, type Summary } from './stats.js'
import { judge } from './targets.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SWEEP_IN_FLIGHT = [1, 2, 4, 8]
/** After a batch, the machine still removes its last containers (the grader does it after the verdict): counted too. */
const CPU_TAIL_MS = 2000
/** Between load steps: the last answers' containers are removed and a pool refills before the next rate. */
const STEP_PAUSE_MS = 2000

const started = performance.now()
function progress (line: string): void {
  const s = Math.round((performance.now() - started) / 1000)
  process.stderr.write(`[bench ${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${line}\n`)
}
const sleep = async (ms: number) => { await new Promise(resolve => setTimeout(resolve, ms)) }
const round1 = (xs: number[]) => xs.map(x => Math.round(x * 10) / 10)
const fmt = (s: Summary) => `p50 ${Math.round(s.p50)} ms, p95 ${Math.round(s.p95)} ms, p99 ${Math.round(s.p99)} ms`

const SUBMISSION = { language: 'python', files: { 'solution.py': ADD_CORRECT }, tests: { 'test_solution.py': ADD_TESTS } }

function machine (backgroundBusyCores: number): BenchRecord['machine'] {
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

/** A fixed batch at `inFlight` gradings at once, with the machine's CPU over it (and its tail). */
async function cpuBatch (gradings: number, inFlight: number, gradeOnce: () => Promise<number>): Promise<{ batch: Awaited<ReturnType<typeof closedLoop>>, cpu: CpuRecord }> {
  const { value: batch, cost } = await measureCpu(async () => {
    const b = await closedLoop(gradings, inFlight, gradeOnce)
    await sleep(CPU_TAIL_MS)
    return b
  })
  if (batch.errors > 0) progress(`  ${batch.errors} of ${gradings} failed, e.g. ${batch.errorSamples[0]}`)
  return { batch, cpu: { gradings, inFlight, busyS: cost.busyS, wallS: cost.wallS, perGradingS: cost.busyS / gradings, errors: batch.errors, errorSamples: batch.errorSamples } }
}

/**
 * Sequential latency and stages, then the CPU batch, of one grader. Before
 * every other grading, one baseline grading (`baseline`, its time pushed to
 * `baselineMs`): the two are measured side by side, so a machine that gets
 * busier or quieter during the run moves both alike and the ratio holds.
 */
async function graderSeries (name: string, target: GraderTarget, env: Record<string, string>, o: BenchOptions, inFlight: number,
  baseline: () => Promise<number>, baselineMs: number[]): Promise<SeriesRecord> {
  // Warm-up (image cache, first connections); a fault here shows again in the series.
  for (let i = 0; i < 2; i++) await gradeHeld(target, SUBMISSION).catch(() => {})
  const samples: number[] = []
  const stages: Record<string, number[]> = {}
  const errorSamples: string[] = []
  let errors = 0
  for (let i = 0; i < o.BENCH_RUNS; i++) {
    if (i % 2 === 0) {
      // The grader's pool refill and removals after its last verdict are its own cost, not the baseline's.
      await untilIdle(target)
      await sleep(o.BENCH_GAP_MS)
      baselineMs.push(await baseline())
    }
    await sleep(o.BENCH_GAP_MS)
    // A fault is counted and reported, not the end of the run: the rest of the numbers still stand.
    const g = await gradeHeld(target, SUBMISSION).catch((err: unknown) => ({ status: err instanceof Error ? err.message : String(err), message: undefined, ms: NaN, timings: {} }))
    if (g.status !== 'pass') {
      errors++
      if (errorSamples.length < 3) errorSamples.push(`${g.status}${g.message !== undefined ? `: ${g.message}` : ''}`)
      continue
    }
    samples.push(g.ms)
    for (const [k, v] of Object.entries(g.timings)) (stages[k] ??= []).push(v)
  }
  const sequential = summarize(samples)
  progress(`${name}: ${o.BENCH_RUNS} sequential: ${fmt(sequential)}${errors > 0 ? `; ${errors} failed, e.g. ${errorSamples[0]}` : ''}`)
  const hosts = await hostsView(target)
  const pool = poolCounts(hosts)
  if (pool !== undefined) progress(`${name}: pool ${pool.hits} hits, ${pool.misses} misses so far`)
  await sleep(STEP_PAUSE_MS)
  const { cpu } = await cpuBatch(o.BENCH_BATCH, inFlight, async () => {
    const g = await gradeHeld(target, SUBMISSION)
    if (g.status !== 'pass') throw new Error(`${name} grader said ${g.status}${g.message !== undefined ? `: ${g.message}` : ''}`)
    return g.ms
  })
  progress(`${name}: host CPU ${Math.round(cpu.perGradingS * 1000)} ms per grading (${cpu.gradings} gradings, ${inFlight} in flight)`)
  return {
    env,
    sequential,
    errors,
    errorSamples,
    samplesMs: round1(samples),
    stages: Object.fromEntries(STAGES.filter(s => stages[s] !== undefined).map(s => [s, summarize(stages[s]!)])),
    cpu,
    hosts: hosts ?? undefined,
  }
}

/** The open-loop sweep: rising rates until one falls short (after BENCH_STEP_REPEATS more tries at it). */
async function loadSweep (target: GraderTarget, o: BenchOptions, baselineBestPerS: number): Promise<LoadStepRecord[]> {
  const start = o.BENCH_START_RATE > 0 ? o.BENCH_START_RATE : Math.max(0.5, Math.round(baselineBestPerS * 0.5 * 10) / 10)
  const random = seededRandom(o.BENCH_SEED)
  const out: LoadStepRecord[] = []
  for (const ratePerS of rateSteps(start, o.BENCH_RATE_FACTOR, o.BENCH_MAX_RATE)) {
    const tries: Shortfall[][] = []
    let action: SweepAction
    do {
      const step = await loadStep({ ratePerS, windowMs: o.BENCH_STEP_S * 1000, random, arrivals: o.BENCH_ARRIVALS },
        async dueAt => await gradeStreamed(target, SUBMISSION, dueAt))
      const short = shortfalls(step, o.GRADER_SLA_MS)
      tries.push(short)
      out.push({
        ratePerS, windowMs: step.windowMs, sent: step.sent, ok: step.ok, errors: step.errors, errorSamples: step.errorSamples,
        latency: step.latency, achievedPerS: step.achievedPerS, drainMs: step.drainMs,
        peakInFlight: Math.max(0, ...step.backlog.map(b => b.inFlight)), shortfalls: short,
      })
      action = sweepAction(tries, o.BENCH_STEP_REPEATS)
      progress(`load ${ratePerS.toFixed(1)}/s: ${step.sent} sent, ${fmt(step.latency)}, ${step.errors} errors, ` +
        `answered ${step.achievedPerS.toFixed(1)}/s${short.length === 0 ? ', sustained' : `: not sustained (${short.join(', ')})${step.errorSamples.length > 0 ? ` e.g. ${step.errorSamples[0]}` : ''}`}` +
        (action === 'repeat' ? '; once more at this rate' : ''))
      if (action !== 'stop') await sleep(STEP_PAUSE_MS)
    } while (action === 'repeat')
    if (action === 'stop') break
  }
  return out
}

async function main (): Promise<void> {
  const { scenario, rest } = splitScenario(process.argv.slice(2))
  if (scenario === 'exam') {
    // Loaded only when asked for: the default bench does not import the exam's modules.
    const { runExam } = await import('./exam/run-exam.js')
    await runExam(rest)
    return
  }
  if (scenario === 'javascript') {
    const { runJavaScript } = await import('./javascript/run-javascript.js')
    await runJavaScript(rest)
    return
  }
  const o = parseBenchOptions(rest, process.env)
  if (o.redraw !== undefined) {
    writeOutputs(checked(JSON.parse(readFileSync(o.redraw, 'utf8'))), o)
    return
  }
  const image = o.BENCH_IMAGE ?? (JSON.parse(readFileSync(join(ROOT, 'images/python/image.json'), 'utf8')) as { tag: string }).tag
  const startedAt = new Date().toISOString()
  const { cost: background } = await measureCpu(async () => { await sleep(3000) })
  progress(`machine: ${availableParallelism()} cores, ${background.busyCores.toFixed(2)} cores busy before the bench; image ${image}`)

  // 1. Baseline
  const input = { image, solution: ADD_CORRECT, tests: ADD_TESTS }
  await baselineRun(input)
  // Sequential baseline gradings are taken between the grader's (see graderSeries).
  const baseSamples: number[] = []
  const baseline = async () => await baselineRun(input)
  const sweep: BenchRecord['baseline']['sweep'] = []
  for (const inFlight of SWEEP_IN_FLIGHT) {
    const { batch, cpu } = await cpuBatch(o.BENCH_BATCH, inFlight, async () => await baselineRun(input))
    sweep.push({ inFlight, throughputPerS: batch.throughputPerS, latency: summarize(batch.ms), cpu })
    progress(`baseline: ${inFlight} in flight: ${batch.throughputPerS.toFixed(2)}/s, host CPU ${Math.round(cpu.perGradingS * 1000)} ms per grading`)
  }
  const best = sweep.reduce((a, b) => b.throughputPerS > a.throughputPerS ? b : a)
  progress(`baseline: best ${best.throughputPerS.toFixed(2)}/s at ${best.inFlight} in flight`)

  // 2-3. The grader: two started (pool off, pool on), or the one at --url
  const shared = { GRADER_HOST_CONCURRENCY: String(o.GRADER_HOST_CONCURRENCY), GRADER_SLA_MS: String(o.GRADER_SLA_MS) }
  let cold: SeriesRecord | undefined
  let warm: SeriesRecord | undefined
  let steps: LoadStepRecord[]
  let isolation: unknown
  if (o.url !== undefined && o.key !== undefined) {
    const target = { url: o.url, key: o.key }
    const name = o.urlPool === 'on' ? 'warm' : 'cold'
    const series = await graderSeries(`target (${name})`, target, { target: o.url }, o, best.inFlight, baseline, baseSamples)
    if (name === 'warm') warm = series; else cold = series
    steps = await loadSweep(target, o, best.throughputPerS)
    if (o.isolation) isolation = await isolationFigures(target, o.BENCH_ISOLATION_RUNS)
  } else {
    const run = async <T>(env: Record<string, string>, f: (g: GraderProcess) => Promise<T>): Promise<T> => {
      const g = await startGraderProcess(ROOT, env)
      try { return await f(g) } finally { await g.stop() }
    }
    progress('cold: starting a grader with GRADER_POOL_SIZE=0')
    cold = await run({ ...shared, GRADER_POOL_SIZE: '0' }, async g => await graderSeries('cold', g, g.env, o, best.inFlight, baseline, baseSamples))
    const poolEnv: Record<string, string> = o.GRADER_POOL_SIZE !== undefined ? { GRADER_POOL_SIZE: String(o.GRADER_POOL_SIZE) } : {}
    progress(`warm: starting a grader with the pool on (GRADER_POOL_SIZE ${poolEnv.GRADER_POOL_SIZE ?? "the grader's default"})`)
    ;({ warm, steps, isolation } = await run({ ...shared, ...poolEnv }, async g => {
      await sleep(STEP_PAUSE_MS) // the pool fills after start
      const w = await graderSeries('warm', g, g.env, o, best.inFlight, baseline, baseSamples)
      await sleep(STEP_PAUSE_MS)
      const s = await loadSweep(g, o, best.throughputPerS)
      const iso = o.isolation ? await isolationFigures(g, o.BENCH_ISOLATION_RUNS) : undefined
      return { warm: w, steps: s, isolation: iso }
    }))
  }

  const loaded = warm ?? cold!
  const baseSeq = summarize(baseSamples)
  progress(`baseline: ${baseSamples.length} sequential docker run --rm, between the grader's: ${fmt(baseSeq)}`)
  // A rate is sustained when a try at it was (a repeat after a burst counts).
  const sustainedPerS = Math.max(0, ...steps.filter(s => s.shortfalls.length === 0).map(s => s.ratePerS))
  const record: BenchRecord = {
    version: 1,
    startedAt,
    durationS: Math.round((performance.now() - started) / 1000),
    machine: machine(background.busyCores),
    options: { ...o, key: o.key === undefined ? undefined : '(hidden)' },
    image,
    baseline: { sequential: baseSeq, samplesMs: round1(baseSamples), sweep, best: { inFlight: best.inFlight, throughputPerS: best.throughputPerS }, cpu: best.cpu },
    grader: {
      mode: o.url === undefined ? 'started' : 'target',
      cold,
      warm,
      load: { slaMs: o.GRADER_SLA_MS, arrivals: o.BENCH_ARRIVALS, series: warm !== undefined ? 'warm' : 'cold', steps, highestSustainedPerS: sustainedPerS },
    },
    targets: [
      judge('warmP50', (warm?.sequential.p50 ?? NaN) / baseSeq.p50),
      judge('coldP50', (cold?.sequential.p50 ?? NaN) / baseSeq.p50),
      judge('sustainedRate', sustainedPerS / best.throughputPerS),
      judge('cpuPerGrading', (loaded.cpu?.perGradingS ?? NaN) / best.cpu.perGradingS),
    ],
    isolation,
  }
  if (isolation !== undefined) progress('isolation figures measured (see the record)')

  // Through JSON and back, then checked: NaN becomes null, as a reader of the file will see it.
  const json = checked(JSON.parse(JSON.stringify(record)))
  writeOutputs(json, o)
  progress(`done in ${json.durationS} s${o.noDocs ? '' : ': docs/bench/latest.json, docs/bench/latest.md, docs/images/bench-*.svg'}${o.out !== undefined ? `, ${o.out}` : ''}`)
}

const checked = (json: unknown): BenchRecord => checkedRecord(BenchRecordSchema, json, 'bench record')

/** The record, the table and the charts into docs/ (unless --no-docs), the record to --out, the table to stdout. */
function writeOutputs (json: BenchRecord, o: BenchOptions): void {
  const report = markdownReport(json)
  if (!o.noDocs) {
    mkdirSync(join(ROOT, 'docs/bench'), { recursive: true })
    mkdirSync(join(ROOT, 'docs/images'), { recursive: true })
    if (o.redraw === undefined) writeFileSync(join(ROOT, 'docs/bench/latest.json'), JSON.stringify(json, null, 2) + '\n')
    writeFileSync(join(ROOT, 'docs/bench/latest.md'), `Bench run of ${json.startedAt} (${json.durationS} s) on ${json.machine.cores} cores, ${json.machine.os}, Docker ${json.machine.docker}.\n\n${report}`)
    writeFileSync(join(ROOT, 'docs/images/bench-latency-cdf.svg'), cdfChart(json))
    writeFileSync(join(ROOT, 'docs/images/bench-latency-vs-rate.svg'), rateChart(json))
  }
  if (o.out !== undefined) writeFileSync(o.out, JSON.stringify(json, null, 2) + '\n')
  process.stdout.write(report)
}

// Exit explicitly: keep-alive sockets of fetch would hold the process a while longer.
main().then(() => process.exit(0), (err: unknown) => { console.error(err instanceof Error ? err.message : err); process.exit(1) })
