import { createHash } from 'node:crypto'
import type { ChallengeRequest, GradingPolicy, TestPolicy, Visibility } from '../shared/contracts/challenge-schema.js'
import type { Result, TestResult } from '../shared/contracts/submission-schema.js'

/**
 * Pure functions of a challenge's grading policy: its version hash, the
 * points of each test, the score, and the student view of a result. No I/O;
 * the clock is passed in.
 */

/** Points of a test the policy does not name. */
export const DEFAULT_POINTS = 1

/** JSON with object keys sorted at every level, `undefined` members dropped. */
export function canonicalJson (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** A version: the first 16 hex digits of the SHA-256 of the canonical JSON of what grading depends on. */
export function challengeVersion (body: ChallengeRequest): string {
  const { language, tests, starter, limits, policy } = body
  return createHash('sha256').update(canonicalJson({ language, tests, starter, limits, policy }), 'utf8').digest('hex').slice(0, 16)
}

/** Whether `name` matches `glob`, where `*` stands for any run of characters (none included). */
export function globMatches (glob: string, name: string): boolean {
  const parts = glob.split('*')
  if (parts.length === 1) return glob === name
  const first = parts[0] as string
  const last = parts[parts.length - 1] as string
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last)) return false
  // middle parts in order, greedy from the left: enough for `*` alone
  let at = first.length
  const end = name.length - last.length
  for (const part of parts.slice(1, -1)) {
    const found = name.indexOf(part, at)
    if (found < 0 || found + part.length > end) return false
    at = found + part.length
  }
  return true
}

/** The policy entry of a test: its exact id first, else the first glob (in key order) matching it. */
export function testPolicy (policy: GradingPolicy | undefined, name: string): TestPolicy {
  const tests = policy?.tests
  if (tests === undefined) return {}
  if (Object.hasOwn(tests, name)) return tests[name] as TestPolicy
  for (const [key, entry] of Object.entries(tests)) {
    if (key.includes('*') && globMatches(key, name)) return entry
  }
  return {}
}

/** Points the policy gives a test id when passed. */
export function pointsFor (policy: GradingPolicy | undefined, name: string): number {
  return testPolicy(policy, name).points ?? DEFAULT_POINTS
}

/**
 * The result with `points` on each test (its points if it passed, else 0),
 * `score` (sum of points) and `maxScore` (sum of possible points). Skipped
 * tests count for neither.
 */
export function scoreResult (result: Result, policy: GradingPolicy | undefined): Result {
  let score = 0
  let maxScore = 0
  const tests = result.tests.map((test): TestResult => {
    if (test.status === 'skip') return { ...test, points: 0 }
    const possible = pointsFor(policy, test.name)
    const points = test.status === 'pass' ? possible : 0
    maxScore += possible
    score += points
    return { ...test, points }
  })
  return { ...result, tests, score, maxScore }
}

/** Whether a test's details are hidden from the student at `now`. */
export function isHidden (policy: GradingPolicy | undefined, name: string, now: Date): boolean {
  const visibility: Visibility = testPolicy(policy, name).visibility ?? 'visible'
  if (visibility === 'hidden') return true
  if (visibility === 'after_due') {
    const due = policy?.dueAt === undefined ? Number.NaN : Date.parse(policy.dueAt)
    // no due date or an unreadable one: stays hidden rather than leak
    return Number.isNaN(due) || now.getTime() < due
  }
  return false
}

/**
 * Whether the policy hides any test at `now` (a `hidden` entry, or an
 * `after_due` one before the due date), whether or not it ran.
 */
export function hidesAnything (policy: GradingPolicy | undefined, now: Date): boolean {
  return Object.keys(policy?.tests ?? {}).some(key => isHidden(policy, key, now))
}

/** The part of a test id before its parameters: `f.py::test_x[3-6]` → `f.py::test_x`. */
function unparametrized (name: string): string {
  const bracket = name.indexOf('[')
  return bracket < 0 ? name : name.slice(0, bracket)
}

/**
 * A test's id as a student may read it. pytest makes a parametrized test's
 * id from its arguments (`test_fact[12-479001600]`), so a hidden test's
 * parameters are replaced: its expected value would otherwise be in its name.
 */
export function studentTestName (policy: GradingPolicy | undefined, name: string, now: Date): string {
  if (!name.includes('[') || !isHidden(policy, name, now)) return name
  return `${unparametrized(name)}[hidden]`
}

/**
 * What is left of a run-level message for a student while tests are hidden:
 * the exception lines pytest marks with `E` (what went wrong, in the
 * student's terms), never the quoted source or the test a stop happened in.
 */
function exceptionLines (message: string): string | undefined {
  const lines = message.split('\n').filter(line => /^E\s/.test(line)).map(line => line.replace(/^E\s+/, ''))
  return lines.length > 0 ? lines.join('\n') : undefined
}

/**
 * What a student may see of a (scored) result:
 * - a hidden test keeps only its `name` (parameters redacted, see
 *   `studentTestName`), `status` and `points`;
 * - a visible test of the same test function as a hidden one loses its
 *   `test_code` (the `parametrize` decorator lists every case);
 * - the run-level `message` may quote the suite (a collection error) or
 *   name the test a stop happened in, so while the policy hides anything and
 *   the run did not pass, only its exception lines are kept.
 */
export function studentView (result: Result, policy: GradingPolicy | undefined, now: Date): Result {
  const hiddenFunctions = new Set(result.tests.filter(t => isHidden(policy, t.name, now)).map(t => unparametrized(t.name)))
  const tests = result.tests.map((test): TestResult => {
    if (isHidden(policy, test.name, now)) {
      return { name: studentTestName(policy, test.name, now), status: test.status, ...(test.points !== undefined ? { points: test.points } : {}) }
    }
    if (test.test_code === undefined || !hiddenFunctions.has(unparametrized(test.name))) return test
    const { test_code: _code, ...rest } = test
    return rest
  })
  const { message, ...rest } = result
  const hiding = hiddenFunctions.size > 0 || hidesAnything(policy, now)
  const shown = message === undefined ? undefined : !hiding || result.status === 'pass' ? message : exceptionLines(message)
  return { ...rest, tests, ...(shown !== undefined ? { message: shown } : {}) }
}

/**
 * Keys of `policy.tests` that name no test of the suite: exact ids not among
 * `testIds` (pytest's node ids, as results name them) and globs matching none
 * of them. Empty when every key is used (or there is no `policy.tests`).
 */
export function unknownPolicyKeys (policy: GradingPolicy | undefined, testIds: readonly string[]): string[] {
  const ids = new Set(testIds)
  return Object.keys(policy?.tests ?? {}).filter(key => {
    if (ids.has(key)) return false
    return !key.includes('*') || !testIds.some(id => globMatches(key, id))
  })
}
