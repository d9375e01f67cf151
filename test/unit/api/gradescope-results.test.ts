import { Type } from 'typebox'
import { Value } from 'typebox/value'
import { describe, expect, it } from 'vitest'
import { GradescopeResultsSchema, toGradescopeResults } from '../../../services/api/gradescope-results.js'
import type { GradingPolicy } from '../../../services/shared/contracts/challenge-schema.js'
import type { Result } from '../../../services/shared/contracts/submission-schema.js'

/**
 * Gradescope's results.json as its autograder specification describes it
 * (gradescope-autograders.readthedocs.io/en/latest/specs/, "Output format",
 * "Controlling Test Case Visibility", "Test case status"), written here from
 * the spec rather than from our schema: every key it lists, with its type,
 * and no other, so a key we invented or misspelled fails.
 */
const Visibility = Type.Union(['hidden', 'after_due_date', 'after_published', 'visible'].map(v => Type.Literal(v)))
const SpecTest = Type.Object({
  score: Type.Optional(Type.Number()),
  max_score: Type.Optional(Type.Number()),
  status: Type.Optional(Type.Union([Type.Literal('passed'), Type.Literal('failed')])),
  name: Type.Optional(Type.String()),
  name_format: Type.Optional(Type.String()),
  number: Type.Optional(Type.String()),
  output: Type.Optional(Type.String()),
  output_format: Type.Optional(Type.String()),
  tags: Type.Optional(Type.Array(Type.String())),
  visibility: Type.Optional(Visibility),
  extra_data: Type.Optional(Type.Object({})),
}, { additionalProperties: false })
const SpecResults = Type.Object({
  score: Type.Optional(Type.Number()),
  execution_time: Type.Optional(Type.Number()),
  output: Type.Optional(Type.String()),
  output_format: Type.Optional(Type.String()),
  test_output_format: Type.Optional(Type.String()),
  test_name_format: Type.Optional(Type.String()),
  visibility: Type.Optional(Visibility),
  stdout_visibility: Type.Optional(Visibility),
  extra_data: Type.Optional(Type.Object({})),
  tests: Type.Optional(Type.Array(SpecTest)),
  leaderboard: Type.Optional(Type.Array(Type.Object({ name: Type.String(), value: Type.Union([Type.Number(), Type.String()]), order: Type.Optional(Type.String()) }))),
}, { additionalProperties: false })

const RESULT: Result = {
  status: 'fail',
  durationMs: 1234,
  tests: [
    { name: 'test_solution.py::test_shown', status: 'pass', output: 'hello' },
    { name: 'test_solution.py::test_secret', status: 'fail', message: 'assert None == 42', output: 'dbg', test_code: 'assert f() == 42' },
    { name: 'test_solution.py::test_later', status: 'error', message: 'The test could not be set up: boom' },
    { name: 'test_solution.py::test_skipped', status: 'skip', message: 'Skipped.' },
  ],
}
const POLICY: GradingPolicy = {
  tests: {
    'test_solution.py::test_shown': { points: 2 },
    'test_solution.py::test_secret': { points: 3, visibility: 'hidden' },
    'test_solution.py::test_l*': { points: 0.5, visibility: 'after_due' },
  },
  dueAt: '2027-01-15T23:59:00Z',
}

describe('toGradescopeResults', () => {
  it('takes points and visibility from the policy, and fits the specification\'s shape', () => {
    const doc = toGradescopeResults(RESULT, POLICY)
    expect(doc).toEqual({
      score: 2,
      execution_time: 1.234,
      tests: [
        { name: 'test_solution.py::test_shown', score: 2, max_score: 2, status: 'passed', output: 'Output:\nhello', visibility: 'visible' },
        { name: 'test_solution.py::test_secret', score: 0, max_score: 3, status: 'failed', output: 'assert None == 42\n\nOutput:\ndbg', visibility: 'hidden' },
        { name: 'test_solution.py::test_later', score: 0, max_score: 0.5, status: 'failed', output: 'The test could not be set up: boom', visibility: 'after_due_date' },
      ],
    })
    expect(Value.Check(SpecResults, doc)).toBe(true)
    expect(Value.Check(GradescopeResultsSchema, doc)).toBe(true)
  })

  it('gives a plain tests submission 1 point per test, every test visible', () => {
    const doc = toGradescopeResults(RESULT, undefined)
    expect(doc.score).toBe(1)
    expect(doc.tests.map(t => [t.score, t.max_score, t.visibility])).toEqual([[1, 1, 'visible'], [0, 1, 'visible'], [0, 1, 'visible']])
  })

  it('says why no test could run in the top-level output, with a score of 0', () => {
    const doc = toGradescopeResults({ status: 'error', reason: 'syntax', message: 'Your file solution.py has a syntax error on line 1', tests: [], durationMs: 0 }, undefined)
    expect(doc).toEqual({ score: 0, output: 'Your file solution.py has a syntax error on line 1', tests: [] })
    expect(Value.Check(SpecResults, doc)).toBe(true)
  })

  it('the spec schema of this test refuses a key Gradescope does not define', () => {
    expect(Value.Check(SpecResults, { score: 1, tests: [{ name: 'a', points: 1 }] })).toBe(false)
  })
})
