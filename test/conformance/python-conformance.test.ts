// Conformance: the grader grades real public suites exactly as plain pytest does.
//
// Every exercise of the corpus (test/conformance/python, Exercism's Python track)
// is graded through the public API with its reference solution, its stub and
// (all but one exercise) a one-change mutant of the reference solution. Each
// verdict is compared with what plain pytest reported for the same files in the
// same image (expected.json, recorded by scripts/conformance/record-python.mjs):
// the overall status, the set of test ids and each test's outcome. All
// disagreements are collected and shown as one table before the test fails.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { startTestGrader, type TestGrader } from '../helpers/grader.js'
import { gradeAll, gradingOptions as optionsIn, summary, table, type Mismatch } from './compare.js'

const CORPUS = join(import.meta.dirname, 'python')
const VARIANTS = ['example', 'stub', 'mutant'] as const
type Variant = (typeof VARIANTS)[number]
/** Gradings in flight at once: enough to keep both of a small machine's cores busy. */
const CONCURRENCY = 4

type PytestOutcome = 'passed' | 'failed' | 'error' | 'skipped' | 'xfailed' | 'xpassed'
interface Recorded {
  exitCode: number
  counts: Record<PytestOutcome, number>
  collectErrors: string[]
  tests: Record<string, PytestOutcome>
}
interface Expected {
  pytest: string
  /** An exercise may lack a mutant (when no mutation fails a test every time). */
  exercises: Record<string, { solution: string, tests: string[], variants: Partial<Record<Variant, Recorded>> }>
}

/** The grader's word for each pytest outcome; xfail/xpass have none, and the corpus holds neither. */
const TEST_STATUS: Partial<Record<PytestOutcome, string>> = { passed: 'pass', failed: 'fail', error: 'error', skipped: 'skip' }

/** pytest's exit code as the grader's overall status (Exercism's meaning). */
function expectedStatus (r: Recorded): string {
  if (r.exitCode === 0) return 'pass'
  if (r.exitCode === 1) return 'fail'
  // 2: interrupted (a collection error); 5: no tests collected.
  return 'error'
}

/** The last non-empty line of a message (where Python puts the exception), at most 100 characters. */
function oneLine (message: string): string {
  const line = message.trim().split('\n').filter(l => l.trim() !== '').pop() ?? ''
  return line.length > 100 ? `${line.slice(0, 99)}…` : line
}

/** Every way one grading disagrees with pytest's recording. */
function compare (exercise: string, variant: Variant, want: Recorded, sub: Submission): Mismatch[] {
  const out: Mismatch[] = []
  const add = (test: string, expected: string, got: string) => out.push({ exercise, variant, test, expected, got })
  const result = sub.result
  if (!result) return [{ exercise, variant, test: '(result)', expected: 'a result', got: `state ${sub.state}` }]
  const status = expectedStatus(want)
  if (result.status !== status) {
    add('(status)', status, `${result.status}${result.reason ? `/${result.reason}` : ''}${result.message ? `: ${oneLine(result.message)}` : ''}`)
  }
  const ids = Object.keys(want.tests)
  if (result.tests.length === 0 && ids.length > 0) {
    // One row rather than one per test: the table stays readable when a whole suite is lost.
    const tally = Object.entries(want.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ')
    add(`(all ${ids.length} tests)`, tally, 'none reported')
    return out
  }
  const got = new Map<string, string>()
  const why = new Map<string, string>()
  for (const t of result.tests) {
    if (got.has(t.name)) add(t.name, 'listed once', 'listed twice')
    got.set(t.name, t.status)
    if (t.message) why.set(t.name, t.message)
  }
  for (const [id, outcome] of Object.entries(want.tests)) {
    const status = got.get(id)
    const wanted = TEST_STATUS[outcome] ?? `(${outcome})`
    if (status === undefined) add(id, wanted, 'missing')
    // The grader's message says why, which is what whoever reads the table needs first.
    else if (status !== wanted) add(id, wanted, why.has(id) ? `${status}: ${oneLine(why.get(id)!)}` : status)
  }
  for (const [id, status] of got) {
    if (!(id in want.tests)) add(id, 'absent', status)
  }
  const count = (s: string) => result.tests.filter(t => t.status === s).length
  for (const [outcome, status] of [['passed', 'pass'], ['failed', 'fail']] as const) {
    if (count(status) !== want.counts[outcome]) add(`(${outcome} count)`, String(want.counts[outcome]), String(count(status)))
  }
  return out
}

const expected = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8')) as Expected

/** `{ options }` from an exercise's grading.json, which must also say why; nothing for the rest. */
const gradingOptions = (slug: string) => optionsIn(CORPUS, slug)
const read = (...parts: string[]) => readFileSync(join(CORPUS, 'exercises', ...parts), 'utf8')

let grader: TestGrader
beforeAll(async () => { grader = await startTestGrader({ GRADER_HOST_CONCURRENCY: String(CONCURRENCY) }) })
afterAll(async () => { await grader?.close() })

describe('the Python conformance corpus', () => {
  it('is graded exactly as plain pytest reports it, for every exercise and variant', async () => {
    const slugs = readdirSync(join(CORPUS, 'exercises')).sort()
    // A folder without expectations (or the reverse) means expected.json is stale.
    expect(Object.keys(expected.exercises).sort()).toEqual(slugs)

    // CONFORMANCE_ONLY=clock,paasio grades just those exercises (when looking into a mismatch).
    const only = process.env.CONFORMANCE_ONLY?.split(',').filter(Boolean)
    const chosen = only ? slugs.filter(s => only.includes(s)) : slugs
    const jobs = chosen.flatMap(slug => VARIANTS.filter(v => expected.exercises[slug]!.variants[v]).map(variant => ({ slug, variant })))
    const { mismatches, agreeing, seconds } = await gradeAll(jobs, VARIANTS, CONCURRENCY, async ({ slug, variant }) => {
      const exercise = expected.exercises[slug]!
      const tests = Object.fromEntries(exercise.tests.map(name => [name, read(slug, 'tests', name)]))
      const sub = await grader.grade({
        language: 'python',
        files: { [exercise.solution]: read(slug, variant, exercise.solution) },
        tests,
        // An exercise whose suite cannot run across the process split says so, and why (grading.json).
        ...gradingOptions(slug),
        // Verdicts are what is compared, not speed: generous limits keep a busy
        // machine (several gradings at once) from turning a slow run into a timeout.
        // Plain pytest has no per-test limit either: one CPU-heavy test (sublist's large
        // lists) took over the default 5 s on a loaded 2-core machine.
        limits: { timeoutMs: 30_000, testTimeoutMs: 30_000 },
        metadata: { conformance: `${slug}/${variant}` },
      })
      const found = compare(slug, variant, exercise.variants[variant]!, sub)
      // The agreement is claimed for the default split mode, except where grading.json says otherwise.
      const isolation = gradingOptions(slug).options?.isolation ?? 'split'
      if (sub.result?.isolation !== isolation) {
        found.push({ exercise: slug, variant, test: '(isolation)', expected: String(isolation), got: String(sub.result?.isolation) })
      }
      return found
    })
    const byGrading = new Set(mismatches.map(m => `${m.exercise}/${m.variant}`))

    console.log(summary(
      `Python conformance (pytest ${expected.pytest}): ${chosen.length} exercises, ${jobs.length} gradings, ` +
        `${agreeing.length} agree with pytest, ${byGrading.size} disagree (${seconds} s)`,
      jobs, VARIANTS, agreeing,
    ))
    if (mismatches.length > 0) console.log(`${mismatches.length} mismatches:\n${table(mismatches)}`)

    expect(await grader.leftovers()).toEqual([])
    expect(mismatches.length, `${mismatches.length} mismatches in ${byGrading.size} gradings (table above)`).toBe(0)
  }, 60 * 60_000)
})
