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
 * What a student may see of a (scored) result: a hidden test keeps only
 * `name`, `status` and `points`. The run-level `message` may quote a failing
 * test, so it is dropped when any test is hidden and the run did not pass.
 */
export function studentView (result: Result, policy: GradingPolicy | undefined, now: Date): Result {
  let anyHidden = false
  const tests = result.tests.map((test): TestResult => {
    if (!isHidden(policy, test.name, now)) return test
    anyHidden = true
    return { name: test.name, status: test.status, ...(test.points !== undefined ? { points: test.points } : {}) }
  })
  const { message, ...rest } = result
  const keepMessage = message !== undefined && (!anyHidden || result.status === 'pass')
  return { ...rest, tests, ...(keepMessage ? { message } : {}) }
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
