/**
 * `npm run bench -- --scenario javascript`: JavaScript gradings (Jest, the split harness)
 * against plain `docker run` of the image's Jest on the same files (jest-baseline.ts), for two
 * exercises of the conformance corpus: a small one (two-fer) and one with many tests (clock).
 *
 * For each exercise, a cold grader (GRADER_POOL_SIZE=0: every run starts a container, and
 * Jest in it) and a warm one (the pool on: Jest and Babel are loaded in the waiting container
 * before the files arrive) grade it one at a time, BENCH_GAP_MS apart, with a baseline run
 * before every other grading: the two are measured side by side, so a machine that gets
 * busier or quieter moves both alike and the ratio holds.
 *
 * Progress to stderr, the table to stdout, the record to docs/bench/javascript.json and the
 * table to docs/bench/javascript.md (unless --no-docs). A benchmark: it never asserts a time.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Type, type Static } from 'typebox'
import { SummarySchema, checkedRecord } from '../bench-record.js'
import { gradeHeld, STAGES, untilIdle, type GraderTarget } from '../grader-http.js'
import { startGraderProcess, type GraderProcess } from '../grader-process.js'
import { summarize, type Summary } from '../stats.js'
import { unskip } from '../../scripts/conformance/exercism-unskip.mjs'
import { jestBaselineRun } from './jest-baseline.js'

const ROOT = new URL('../../', import.meta.url).pathname
const CORPUS = join(ROOT, 'test/conformance/javascript/exercises')
const EXERCISES = ['two-fer', 'clock']

const StagesSchema = Type.Record(Type.String(), Type.Number())
const SeriesSchema = Type.Object({
  latency: SummarySchema,
  /** p50 of each stage of result.timings, in ms. */
  stagesP50: StagesSchema,
  errors: Type.Integer(),
  errorSamples: Type.Array(Type.String()),
})
const ExerciseSchema = Type.Object({
  exercise: Type.String(),
  tests: Type.Integer(),
  baseline: SeriesSchema,
  cold: SeriesSchema,
  warm: SeriesSchema,
  /** cold p50 / baseline p50, warm p50 / baseline p50 (of the baseline runs taken beside each). */
  coldRatio: Type.Union([Type.Number(), Type.Null()]),
  warmRatio: Type.Union([Type.Number(), Type.Null()]),
})
export const JavaScriptBenchSchema = Type.Object({
  version: Type.Literal(1),
  startedAt: Type.String(),
  durationS: Type.Number(),
  cores: Type.Integer(),
  image: Type.String(),
  runs: Type.Integer(),
  gapMs: Type.Integer(),
  exercises: Type.Array(ExerciseSchema),
})
export type JavaScriptBench = Static<typeof JavaScriptBenchSchema>

const started = performance.now()
function progress (line: string): void {
  const s = Math.round((performance.now() - started) / 1000)
  process.stderr.write(`[bench ${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${line}\n`)
}
const sleep = async (ms: number) => { await new Promise(resolve => setTimeout(resolve, ms)) }
const fmt = (s: Summary) => `p50 ${Math.round(s.p50)} ms, p95 ${Math.round(s.p95)} ms`

/** An exercise of the corpus as the grader gets it (runSkipped, as Exercism's runner grades) and as the baseline's folder holds it. */
function exercise (slug: string): { body: unknown, files: Record<string, string>, tests: number } {
  const dir = join(CORPUS, slug)
  const read = (sub: string) => Object.fromEntries(readdirSync(join(dir, sub)).map(name => [name, readFileSync(join(dir, sub, name), 'utf8')]))
  const solution = read('example')
  const specs = read('tests')
  // Exercism's runner un-skips by text; the grader does the same with options.runSkipped.
  const unskipped = Object.fromEntries(Object.entries(specs).map(([n, t]) => [n, unskip(t)]))
  const tests = Object.values(unskipped).reduce((n, t) => n + (t.match(/^\s*(test|it)\(/gm)?.length ?? 0), 0)
  return { body: { language: 'javascript', files: solution, tests: specs, options: { runSkipped: true } }, files: { ...solution, ...unskipped }, tests }
}

interface Collected { ms: number[], stages: Record<string, number[]>, errors: number, errorSamples: string[] }
const collected = (): Collected => ({ ms: [], stages: {}, errors: 0, errorSamples: [] })
const failed = (c: Collected, what: string) => { c.errors++; if (c.errorSamples.length < 3) c.errorSamples.push(what.slice(0, 300)) }
const series = (c: Collected): Static<typeof SeriesSchema> => ({
  latency: summarize(c.ms),
  stagesP50: Object.fromEntries(Object.entries(c.stages).map(([k, v]) => [k, Math.round(summarize(v).p50)])),
  errors: c.errors,
  errorSamples: c.errorSamples,
})

/** `runs` gradings by one grader, a baseline run before every other one (pushed to `baseline`). */
async function graderRuns (target: GraderTarget, body: unknown, runs: number, gapMs: number, baseline: () => Promise<number>, base: Collected): Promise<Collected> {
  const out = collected()
  // Warm-up: the first connection, the first fill of a pool.
  await gradeHeld(target, body).catch(() => {})
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      await untilIdle(target, 20_000)
      await sleep(gapMs)
      await baseline().then(ms => base.ms.push(ms), (err: unknown) => failed(base, String(err)))
    }
    await sleep(gapMs)
    const g = await gradeHeld(target, body).catch((err: unknown) => ({ status: String(err), message: undefined, ms: NaN, timings: {} }))
    if (g.status !== 'pass') { failed(out, `${g.status}${g.message !== undefined ? `: ${g.message}` : ''}`); continue }
    out.ms.push(g.ms)
    for (const [k, v] of Object.entries(g.timings)) (out.stages[k] ??= []).push(v)
  }
  return out
}

export async function runJavaScript (argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { quick: { type: 'boolean', default: false }, 'no-docs': { type: 'boolean', default: false }, out: { type: 'string' } }, strict: true })
  const runs = Number(process.env.BENCH_RUNS ?? (values.quick === true ? 6 : 16))
  const gapMs = Number(process.env.BENCH_GAP_MS ?? 250)
  if (!Number.isInteger(runs) || runs < 2 || !Number.isInteger(gapMs) || gapMs < 0) throw new Error('BENCH_RUNS is an integer of 2 or more and BENCH_GAP_MS one of 0 or more')
  const image = (JSON.parse(readFileSync(join(ROOT, 'images/javascript/image.json'), 'utf8')) as { tag: string }).tag
  const startedAt = new Date().toISOString()
  progress(`javascript: ${EXERCISES.join(', ')}, ${runs} gradings per series, image ${image}`)

  const run = async <T>(env: Record<string, string>, f: (g: GraderProcess) => Promise<T>): Promise<T> => {
    const g = await startGraderProcess(ROOT, { GRADER_HOST_CONCURRENCY: String(availableParallelism()), ...env })
    try { return await f(g) } finally { await g.stop() }
  }
  const results: Array<Static<typeof ExerciseSchema>> = []
  for (const slug of EXERCISES) {
    const { body, files, tests } = exercise(slug)
    const baseline = async () => await jestBaselineRun({ image, files })
    await baseline() // the image's first start, the page cache
    const baseCold = collected()
    const baseWarm = collected()
    const cold = await run({ GRADER_POOL_SIZE: '0' }, async g => await graderRuns(g, body, runs, gapMs, baseline, baseCold))
    progress(`${slug}: cold ${fmt(summarize(cold.ms))}; docker run beside it ${fmt(summarize(baseCold.ms))}${cold.errors > 0 ? `; ${cold.errors} failed, e.g. ${cold.errorSamples[0]}` : ''}`)
    const warm = await run({}, async g => { await sleep(3000); return await graderRuns(g, body, runs, gapMs, baseline, baseWarm) })
    progress(`${slug}: warm ${fmt(summarize(warm.ms))}; docker run beside it ${fmt(summarize(baseWarm.ms))}${warm.errors > 0 ? `; ${warm.errors} failed, e.g. ${warm.errorSamples[0]}` : ''}`)
    const base = collected()
    base.ms = [...baseCold.ms, ...baseWarm.ms]
    base.errors = baseCold.errors + baseWarm.errors
    base.errorSamples = [...baseCold.errorSamples, ...baseWarm.errorSamples].slice(0, 3)
    const ratio = (a: number[], b: number[]) => {
      const r = summarize(a).p50 / summarize(b).p50
      return Number.isFinite(r) ? Math.round(r * 100) / 100 : null
    }
    results.push({ exercise: slug, tests, baseline: series(base), cold: series(cold), warm: series(warm), coldRatio: ratio(cold.ms, baseCold.ms), warmRatio: ratio(warm.ms, baseWarm.ms) })
  }
  const record = checkedRecord(JavaScriptBenchSchema, JSON.parse(JSON.stringify({
    version: 1, startedAt, durationS: Math.round((performance.now() - started) / 1000), cores: availableParallelism(), image, runs, gapMs, exercises: results,
  })), 'JavaScript bench record')
  const table = markdown(record)
  if (values['no-docs'] !== true) {
    mkdirSync(join(ROOT, 'docs/bench'), { recursive: true })
    writeFileSync(join(ROOT, 'docs/bench/javascript.json'), JSON.stringify(record, null, 2) + '\n')
    writeFileSync(join(ROOT, 'docs/bench/javascript.md'), `JavaScript bench run of ${record.startedAt} (${record.durationS} s) on ${record.cores} cores.\n\n${table}`)
  }
  if (values.out !== undefined) writeFileSync(values.out, JSON.stringify(record, null, 2) + '\n')
  process.stdout.write(table)
}

/** The table: per exercise, docker run of Jest against the cold and warm grader, p50 and p95, and where the grader's time went. */
export function markdown (record: JavaScriptBench): string {
  const ms = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${Math.round(v)} ms`)
  const x = (v: number | null) => (v === null ? '–' : `${v.toFixed(2)}×`)
  const rows = record.exercises.flatMap(e => [
    `| ${e.exercise} (${e.tests} tests) | docker run of Jest | ${ms(e.baseline.latency.p50)} | ${ms(e.baseline.latency.p95)} | 1 | |`,
    `| | grader, cold | ${ms(e.cold.latency.p50)} | ${ms(e.cold.latency.p95)} | ${x(e.coldRatio)} | ${stages(e.cold.stagesP50)} |`,
    `| | grader, warm | ${ms(e.warm.latency.p50)} | ${ms(e.warm.latency.p95)} | ${x(e.warmRatio)} | ${stages(e.warm.stagesP50)} |`,
  ])
  const errors = record.exercises.flatMap(e => (['baseline', 'cold', 'warm'] as const).filter(k => e[k].errors > 0).map(k => `- ${e.exercise} ${k}: ${e[k].errors} failed, e.g. ${e[k].errorSamples[0] ?? ''}`))
  return [
    `| exercise | run by | p50 | p95 | p50 ÷ docker run | grader's stages (p50) |`,
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `${record.runs} gradings per series, one at a time, ${record.gapMs} ms apart; the ratio is against the docker run p50 measured beside that series.`,
    ...(errors.length > 0 ? ['', ...errors] : []),
    '',
  ].join('\n')
}

function stages (p50: Record<string, number>): string {
  return STAGES.filter(s => p50[s] !== undefined).map(s => `${s.replace(/Ms$/, '')} ${p50[s]}`).join(', ')
}
