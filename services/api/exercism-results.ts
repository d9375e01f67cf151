import { Type, type Static } from 'typebox'
import type { Result, TestResult } from '../shared/contracts/submission-schema.js'
import type { Reason } from '../shared/contracts/vocabulary.js'

/**
 * Our {@link Result} as an Exercism test-runner `results.json`, version 2 or 3
 * (https://exercism.org/docs/building/tooling/test-runners/interface), so a
 * platform built for Exercism runners can read our answers unchanged.
 */

const Status = Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('error')])

/** One test of an Exercism results.json v2 document. */
export const ExercismTestSchema = Type.Object({
  name: Type.String(),
  status: Status,
  /** Why the test failed or errored; absent when it passed. */
  message: Type.Optional(Type.String()),
  /** What the student's code printed during the test, at most {@link EXERCISM_OUTPUT_MAX_CHARS} characters plus a note. */
  output: Type.Optional(Type.String()),
  test_code: Type.Optional(Type.String()),
})
export type ExercismTest = Static<typeof ExercismTestSchema>

/** The whole Exercism results.json v2 document. */
export const ExercismResultsSchema = Type.Object({
  version: Type.Literal(2),
  status: Status,
  /** Present only when `status` is `error`: what stopped the tests from running. */
  message: Type.Optional(Type.String()),
  tests: Type.Array(ExercismTestSchema),
})
export type ExercismResults = Static<typeof ExercismResultsSchema>

/** One test of an Exercism results.json v3 document: v2's fields and the task it belongs to. */
export const ExercismV3TestSchema = Type.Object({
  ...ExercismTestSchema.properties,
  /**
   * The task (of the exercise's instructions, numbered from 1) this test is linked to, only where the
   * suite declares one: `@pytest.mark.task(taskno=N)`, as Exercism's Python track marks tests.
   */
  task_id: Type.Optional(Type.Integer({ minimum: 0 })),
  // closed, like the spec's field list: a document with a field Exercism does not define fails its check
}, { additionalProperties: false })
export type ExercismV3Test = Static<typeof ExercismV3TestSchema>

/** The whole Exercism results.json v3 document (a test runner that can link tests to tasks). */
export const ExercismV3ResultsSchema = Type.Object({
  version: Type.Literal(3),
  status: Status,
  message: Type.Optional(Type.String()),
  tests: Type.Array(ExercismV3TestSchema),
}, { additionalProperties: false })
export type ExercismV3Results = Static<typeof ExercismV3ResultsSchema>

/** Which results.json a client asks for: version 2 (the default) or 3 (tests carry `task_id`). */
export type ExercismVersion = 2 | 3

/** Exercism caps per-test output at 500 characters and asks runners to say when they cut it. */
export const EXERCISM_OUTPUT_MAX_CHARS = 500
/** Exercism caps the top-level message at 65535 characters. */
export const EXERCISM_MESSAGE_MAX_CHARS = 65_535
const TRUNCATED_OUTPUT_NOTE = '\n... Output was truncated. Please limit to 500 chars.'

/** What a student reads when an error result carries no message of its own. */
const REASON_MESSAGES: Record<Reason, string> = {
  timeout: 'The tests did not finish within the time limit.',
  memory: 'The code used more memory than allowed and was stopped.',
  output: 'The code printed more output than allowed and was stopped.',
  syntax: 'The code could not be parsed: it has a syntax error.',
  runtime: 'The code crashed before the tests could run.',
  no_tests: 'The test suite defines no test.',
  internal: 'The grader failed to run the tests. This is not a problem with the code; please try again.',
}

function truncateOutput (output: string): string {
  return output.length <= EXERCISM_OUTPUT_MAX_CHARS ? output : output.slice(0, EXERCISM_OUTPUT_MAX_CHARS) + TRUNCATED_OUTPUT_NOTE
}

function toExercismTest (test: TestResult & { status: ExercismTest['status'] }): ExercismTest {
  const out: ExercismTest = { name: test.name, status: test.status }
  // Exercism reads `message` as the failure reason: a passing test has none
  if (test.status !== 'pass' && test.message !== undefined) out.message = test.message
  if (test.output !== undefined) out.output = truncateOutput(test.output)
  if (test.test_code !== undefined) out.test_code = test.test_code
  return out
}

const isReported = (test: TestResult): test is TestResult & { status: ExercismTest['status'] } => test.status !== 'skip'

/**
 * Maps a finished result to Exercism's results.json v2. Tests the suite's
 * author skipped are left out (Exercism has no `skip`); the top-level
 * `message` is only present for an `error` status, as Exercism requires.
 */
export function toExercismResults (result: Result): ExercismResults {
  const tests = result.tests.filter(isReported).map(toExercismTest)
  if (result.status !== 'error') return { version: 2, status: result.status, tests }
  return { version: 2, status: 'error', message: errorMessage(result), tests }
}

function errorMessage (result: Result): string {
  // `reason` comes from another process: an unknown word falls back to the internal wording
  const fallback = (REASON_MESSAGES as Partial<Record<string, string>>)[result.reason ?? 'internal'] ?? REASON_MESSAGES.internal
  return (result.message ?? fallback).slice(0, EXERCISM_MESSAGE_MAX_CHARS)
}

/**
 * Maps a finished result to Exercism's results.json v3: v2 with `task_id` on
 * each test whose task the suite declared (and on no other: Exercism links a
 * test to a task only when it belongs to exactly one).
 */
export function toExercismV3Results (result: Result): ExercismV3Results {
  const tests = result.tests.filter(isReported).map((test): ExercismV3Test => {
    const out: ExercismV3Test = toExercismTest(test)
    if (test.taskId !== undefined) out.task_id = test.taskId
    return out
  })
  if (result.status !== 'error') return { version: 3, status: result.status, tests }
  return { version: 3, status: 'error', message: errorMessage(result), tests }
}
