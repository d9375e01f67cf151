// Conformance: the grader grades real public suites exactly as real Jest does.
//
// Every exercise of the corpus (test/conformance/javascript, Exercism's JavaScript
// track) is graded through the public API with its reference solution, its stub and
// a one-change mutant of the reference solution, with `options.runSkipped: true`
// (Exercism's runner un-skips `xtest` the same way). Each verdict is compared with
// what real Jest reported for the same files (expected.json, recorded by
// scripts/conformance/record-javascript.mjs): the overall status, every test's Jest
// full name and status in file order, and the counts. All disagreements are
// collected and shown as one table before the test fails.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { startTestGrader, type TestGrader } from '../helpers/grader.js'
import { gradeAll, gradingOptions, summary, table, type Mismatch } from './compare.js'

const CORPUS = join(import.meta.dirname, 'javascript')
const VARIANTS = ['example', 'stub', 'mutant'] as const
type Variant = (typeof VARIANTS)[number]
/** Gradings in flight at once: enough to keep both of a small machine's cores busy. */
const CONCURRENCY = 4

/** Jest's words for a test's status (its --json report). */
type JestStatus = 'passed' | 'failed' | 'pending' | 'skipped' | 'todo' | 'disabled' | 'focused'
interface Recorded {
  exitCode: number
  /** Jest's "Test suite failed to run": the spec or the solution threw while tests were collected. */
  suiteFailed: boolean
  counts: { passed: number, failed: number, pending: number, todo: number }
  /** Every test in the order Jest ran it (file order), by Jest's full name. */
  tests: Array<{ name: string, status: JestStatus }>
}
interface Expected {
  jest: string
  node: string
  recordedIn: string
  exercises: Record<string, { solution: string, tests: string[], variants: Partial<Record<Variant, Recorded>> }>
}

/** The grader's word for each Jest status. */
const TEST_STATUS: Record<JestStatus, string> = {
  passed: 'pass', failed: 'fail', pending: 'skip', skipped: 'skip', todo: 'skip', disabled: 'skip', focused: '(focused)',
}

/** Jest's outcome as the grader's overall status. */
function expectedStatus (r: Recorded): string {
  if (r.suiteFailed) return 'error'
  if (r.exitCode === 0) return 'pass'
  if (r.exitCode === 1) return 'fail'
  return 'error'
}

/** The first non-empty line of a message (where Jest puts the assertion or the error), at most 100 characters. */
function oneLine (message: string): string {
  const line = message.trim().split('\n').find(l => l.trim() !== '')?.trim() ?? ''
  return line.length > 100 ? `${line.slice(0, 99)}…` : line
}

/** Every way one grading disagrees with Jest's recording. */
function compare (exercise: string, variant: Variant, want: Recorded, sub: Submission): Mismatch[] {
  const out: Mismatch[] = []
  const add = (test: string, expected: string, got: string) => out.push({ exercise, variant, test, expected, got })
  const result = sub.result
  if (!result) return [{ exercise, variant, test: '(result)', expected: 'a result', got: `state ${sub.state}` }]
  const status = expectedStatus(want)
  if (result.status !== status) {
    add('(status)', status, `${result.status}${result.reason ? `/${result.reason}` : ''}${result.message ? `: ${oneLine(result.message)}` : ''}`)
  }
  if (result.tests.length === 0 && want.tests.length > 0) {
    // One row rather than one per test: the table stays readable when a whole suite is lost.
    const tally = Object.entries(want.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ')
    add(`(all ${want.tests.length} tests)`, tally, 'none reported')
    return out
  }
  const got = new Map<string, string>()
  const why = new Map<string, string>()
  for (const t of result.tests) {
    if (got.has(t.name)) add(t.name, 'listed once', 'listed twice')
    got.set(t.name, t.status)
    if (t.message) why.set(t.name, t.message)
  }
  const wantNames = new Set(want.tests.map(t => t.name))
  for (const { name, status: jest } of want.tests) {
    const status = got.get(name)
    const wanted = TEST_STATUS[jest]
    if (status === undefined) add(name, wanted, 'missing')
    // The grader's message says why, which is what whoever reads the table needs first.
    else if (status !== wanted) add(name, wanted, why.has(name) ? `${status}: ${oneLine(why.get(name)!)}` : status)
  }
  for (const [name, status] of got) {
    if (!wantNames.has(name)) add(name, 'absent', status)
  }
  // Per-test results come in file order, as Jest runs them.
  const common = (names: string[], other: Set<string>) => names.filter(n => other.has(n))
  const wantOrder = common(want.tests.map(t => t.name), new Set(got.keys()))
  const gotOrder = common(result.tests.map(t => t.name), wantNames)
  const at = wantOrder.findIndex((n, i) => gotOrder[i] !== n)
  if (at >= 0) add('(order)', `#${at + 1} ${wantOrder[at]}`, `#${at + 1} ${gotOrder[at] ?? '(none)'}`)
  const count = (s: string) => result.tests.filter(t => t.status === s).length
  const skipped = want.counts.pending + want.counts.todo
  for (const [what, wanted, status] of [['passed', want.counts.passed, 'pass'], ['failed', want.counts.failed, 'fail'], ['skipped', skipped, 'skip']] as const) {
    if (count(status) !== wanted) add(`(${what} count)`, String(wanted), String(count(status)))
  }
  return out
}

const expected = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8')) as Expected

const read = (...parts: string[]) => readFileSync(join(CORPUS, 'exercises', ...parts), 'utf8')

let grader: TestGrader
/** Gradings known to disagree with Jest, each with why (the file says more). */
const KNOWN = JSON.parse(readFileSync(join(CORPUS, 'known-differences.json'), 'utf8')) as { differences: Record<string, string> }
for (const [k, why] of Object.entries(KNOWN.differences)) {
  if (why.length < 40) throw new Error(`known-differences.json: ${k} must say why`)
}

beforeAll(async () => { grader = await startTestGrader({ GRADER_HOST_CONCURRENCY: String(CONCURRENCY) }) })
afterAll(async () => { await grader?.close() })

describe('the JavaScript conformance corpus', () => {
  it('is graded exactly as real Jest reports it, for every exercise and variant', async () => {
    const slugs = readdirSync(join(CORPUS, 'exercises')).sort()
    // A folder without expectations (or the reverse) means expected.json is stale.
    expect(Object.keys(expected.exercises).sort()).toEqual(slugs)

    // CONFORMANCE_ONLY=clock,promises grades just those exercises (when looking into a mismatch).
    const only = process.env.CONFORMANCE_ONLY?.split(',').filter(Boolean)
    const chosen = only ? slugs.filter(s => only.includes(s)) : slugs
    const jobs = chosen.flatMap(slug => VARIANTS.filter(v => expected.exercises[slug]!.variants[v]).map(variant => ({ slug, variant })))
    const { mismatches, agreeing, seconds } = await gradeAll(jobs, VARIANTS, CONCURRENCY, async ({ slug, variant }) => {
      const exercise = expected.exercises[slug]!
      // The spec as Exercism ships it, xtest and all: runSkipped un-skips it in the grader.
      const tests = Object.fromEntries(exercise.tests.map(name => [name, read(slug, 'tests', name)]))
      const extra = gradingOptions(CORPUS, slug)
      const sub = await grader.grade({
        language: 'javascript',
        files: { [exercise.solution]: read(slug, variant, exercise.solution) },
        tests,
        options: { runSkipped: true, ...extra.options },
        // Verdicts are what is compared, not speed: generous limits keep a busy
        // machine (several gradings at once) from turning a slow run into a timeout.
        // Real Jest ran with no limits but its own 5 s per test. Memory is raised as
        // well: Jest with Babel takes about 200 MiB before a test runs.
        limits: { timeoutMs: 60_000, testTimeoutMs: 30_000, memoryMb: 1024 },
        metadata: { conformance: `${slug}/${variant}` },
      })
      const found = compare(slug, variant, exercise.variants[variant]!, sub)
      // The agreement is claimed for the default split mode, except where grading.json says otherwise.
      const isolation = extra.options?.isolation ?? 'split'
      if (sub.result?.isolation !== isolation) {
        found.push({ exercise: slug, variant, test: '(isolation)', expected: String(isolation), got: String(sub.result?.isolation) })
      }
      return found
    })
    const byGrading = new Set(mismatches.map(m => `${m.exercise}/${m.variant}`))

    console.log(summary(
      `JavaScript conformance (Jest ${expected.jest}, Node ${expected.node}): ${chosen.length} exercises, ${jobs.length} gradings, ` +
        `${agreeing.length} agree with Jest, ${byGrading.size} disagree (${seconds} s)`,
      jobs, VARIANTS, agreeing,
    ))
    if (mismatches.length > 0) console.log(`${mismatches.length} mismatches:\n${table(mismatches, 'test (Jest full name)')}`)

    expect(await grader.leftovers()).toEqual([])
    // the known ones (known-differences.json, each with why) and no other; a known one that
    // agrees again must leave the list
    const graded = new Set(jobs.map(j => `${j.slug}/${j.variant}`))
    const known = Object.keys(KNOWN.differences).filter(k => graded.has(k))
    expect([...byGrading].filter(k => !known.includes(k)), `mismatches in ${byGrading.size} gradings (table above)`).toEqual([])
    expect(known.filter(k => !byGrading.has(k)), 'known differences that now agree with Jest').toEqual([])
  }, 60 * 60_000)
})
