import { Type, type Static } from 'typebox'
import type { GradingPolicy, Visibility } from '../shared/contracts/challenge-schema.js'
import type { Result, TestResult } from '../shared/contracts/submission-schema.js'
import { pointsFor, scoreResult, testPolicy } from './grading-policy.js'

/**
 * Our {@link Result} as a Gradescope autograder `results.json`
 * (https://gradescope-autograders.readthedocs.io/en/latest/specs/, "Output
 * format"), so a course that grades on Gradescope can have its autograder
 * script fetch this document and write it to `/autograder/results/results.json`.
 *
 * Points and visibility come from the challenge's policy, as for the
 * submission's `score` and `maxScore`; a plain tests submission is worth 1
 * point per test, every test visible. Gradescope hides the tests marked
 * `hidden` from students itself: this document, like the full view, is for
 * the platform's backend, never for a student's browser.
 */

/** Gradescope's visibility words: ours map onto the first three (`after_due` is `after_due_date`). */
export const GradescopeVisibilitySchema = Type.Union([
  Type.Literal('visible'), Type.Literal('hidden'), Type.Literal('after_due_date'), Type.Literal('after_published'),
])
export type GradescopeVisibility = Static<typeof GradescopeVisibilitySchema>

/** One test case of a Gradescope results.json. */
export const GradescopeTestSchema = Type.Object({
  name: Type.String(),
  /** Points earned: the policy's points if the test passed, else 0. */
  score: Type.Number({ minimum: 0 }),
  max_score: Type.Number({ minimum: 0 }),
  status: Type.Union([Type.Literal('passed'), Type.Literal('failed')]),
  /** Why it failed, then what the student's code printed during it; absent when there is neither. */
  output: Type.Optional(Type.String()),
  visibility: GradescopeVisibilitySchema,
})
export type GradescopeTest = Static<typeof GradescopeTestSchema>

/** The whole Gradescope results.json document. */
export const GradescopeResultsSchema = Type.Object({
  /** Points of the tests passed (Gradescope uses it over the sum of the tests' scores). */
  score: Type.Number({ minimum: 0 }),
  /** How long the run took, in seconds (Gradescope's unit). */
  execution_time: Type.Optional(Type.Number({ minimum: 0 })),
  /** Text about the whole submission: why no test could run, when none could. */
  output: Type.Optional(Type.String()),
  tests: Type.Array(GradescopeTestSchema),
})
export type GradescopeResults = Static<typeof GradescopeResultsSchema>

const VISIBILITY: Record<Visibility, GradescopeVisibility> = {
  visible: 'visible',
  hidden: 'hidden',
  // Gradescope shows it after the assignment's own due date, which the course sets there
  after_due: 'after_due_date',
}

function testOutput (test: TestResult): string | undefined {
  const parts: string[] = []
  if (test.status !== 'pass' && test.message !== undefined) parts.push(test.message)
  if (test.output !== undefined && test.output !== '') parts.push(`Output:\n${test.output}`)
  return parts.length > 0 ? parts.join('\n\n') : undefined
}

/**
 * Maps a finished result, and the policy of the challenge version it was
 * graded against (undefined for a plain tests submission), to Gradescope's
 * results.json. Skipped tests are left out, as they count for neither score.
 */
export function toGradescopeResults (result: Result, policy: GradingPolicy | undefined): GradescopeResults {
  const scored = scoreResult(result, policy)
  const tests = scored.tests.filter(t => t.status !== 'skip').map((test): GradescopeTest => {
    const out: GradescopeTest = {
      name: test.name,
      score: test.points ?? 0,
      max_score: pointsFor(policy, test.name),
      status: test.status === 'pass' ? 'passed' : 'failed',
      visibility: VISIBILITY[testPolicy(policy, test.name).visibility ?? 'visible'],
    }
    const output = testOutput(test)
    if (output !== undefined) out.output = output
    return out
  })
  const doc: GradescopeResults = { score: scored.score ?? 0, tests }
  if (result.durationMs > 0) doc.execution_time = Math.round(result.durationMs) / 1000
  // Gradescope shows the top-level output to every student, whatever the tests' visibility, and
  // a run's message may quote the test it stopped in (a timeout names it): kept only when no
  // test is hidden from students, as the student view keeps the run's message
  const anyHidden = tests.some(t => t.visibility !== 'visible')
  if (result.status === 'error' && result.message !== undefined && !anyHidden) doc.output = result.message
  return doc
}
