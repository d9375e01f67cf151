import { Value } from 'typebox/value'
import { describe, expect, it } from 'vitest'
import { EXERCISM_OUTPUT_MAX_CHARS, ExercismResultsSchema, ExercismV3ResultsSchema, toExercismResults, toExercismV3Results } from '../../../services/api/exercism-results.js'
import type { Result } from '../../../services/shared/contracts/submission-schema.js'
import type { Reason } from '../../../services/shared/contracts/vocabulary.js'

const result = (overrides: Partial<Result>): Result => ({ status: 'pass', tests: [], durationMs: 10, ...overrides })

// The shared schema builds `reason` with `.map(Type.Literal)`, which TypeBox
// types as `undefined`; the cast goes away once the schema lists the literals.
const reason = (value: Reason): Partial<Result> => ({ reason: value }) as unknown as Partial<Result>

describe('toExercismResults', () => {
  it('maps a passing result to version 2 with every test and no message', () => {
    const doc = toExercismResults(result({
      status: 'pass',
      message: 'not for Exercism',
      tests: [{ name: 'adds', status: 'pass', test_code: 'assert add(1, 1) == 2' }],
    }))
    expect(doc).toEqual({ version: 2, status: 'pass', tests: [{ name: 'adds', status: 'pass', test_code: 'assert add(1, 1) == 2' }] })
    expect(Value.Check(ExercismResultsSchema, doc)).toBe(true)
  })

  it('leaves out tests the author skipped', () => {
    const doc = toExercismResults(result({
      status: 'fail',
      tests: [
        { name: 'one', status: 'pass' },
        { name: 'later', status: 'skip', message: 'skipped by the author' },
        { name: 'two', status: 'fail', message: 'expected 2, got 3' },
      ],
    }))
    expect(doc.tests.map(t => t.name)).toEqual(['one', 'two'])
    expect(JSON.stringify(doc)).not.toContain('skip')
  })

  it('keeps the failure message and output of a failing test', () => {
    const doc = toExercismResults(result({
      status: 'fail',
      tests: [{ name: 'two', status: 'fail', message: 'expected 2, got 3', output: 'printed', test_code: 'assert f() == 2' }],
    }))
    expect(doc.tests[0]).toEqual({ name: 'two', status: 'fail', message: 'expected 2, got 3', output: 'printed', test_code: 'assert f() == 2' })
    expect(doc).not.toHaveProperty('message')
  })

  it('drops a message on a passing test: Exercism reads it as a failure reason', () => {
    const doc = toExercismResults(result({ tests: [{ name: 'one', status: 'pass', message: 'ok' }] }))
    expect(doc.tests[0]).not.toHaveProperty('message')
  })

  it('gives an error result its own message', () => {
    const doc = toExercismResults(result({ status: 'error', ...reason('syntax'), message: 'SyntaxError: invalid syntax (solution.py, line 3)' }))
    expect(doc).toEqual({ version: 2, status: 'error', message: 'SyntaxError: invalid syntax (solution.py, line 3)', tests: [] })
    expect(Value.Check(ExercismResultsSchema, doc)).toBe(true)
  })

  it('words a message from the reason when an error result has none', () => {
    expect(toExercismResults(result({ status: 'error', ...reason('timeout') })).message).toMatch(/time limit/)
    expect(toExercismResults(result({ status: 'error', ...reason('memory') })).message).toMatch(/memory/)
    expect(toExercismResults(result({ status: 'error' })).message).toMatch(/not a problem with the code/)
  })

  it('truncates output longer than Exercism allows and says so', () => {
    const doc = toExercismResults(result({ status: 'fail', tests: [{ name: 'noisy', status: 'fail', output: 'y'.repeat(2000) }] }))
    const output = doc.tests[0]?.output ?? ''
    expect(output.startsWith('y'.repeat(EXERCISM_OUTPUT_MAX_CHARS))).toBe(true)
    expect(output).not.toContain('y'.repeat(EXERCISM_OUTPUT_MAX_CHARS + 1))
    expect(output).toMatch(/truncated/)
  })
})

describe('toExercismV3Results', () => {
  // The v3 example of Exercism's test-runner interface (docs/building/tooling/test-runners/interface.md,
  // "v3 example"), without its `"message": null` (null or absent are both allowed; we omit).
  const SPEC_V3_EXAMPLE = {
    version: 3,
    status: 'fail',
    tests: [{
      name: 'Test that the thing works',
      status: 'fail',
      message: 'Expected 42 but got 123123',
      output: 'Debugging information output by the user',
      test_code: 'assert_equal 42, answerToTheUltimateQuestion()',
      task_id: 1,
    }],
  }

  it('accepts the interface document\'s own v3 example, so the field names are the spec\'s', () => {
    expect(Value.Check(ExercismV3ResultsSchema, SPEC_V3_EXAMPLE)).toBe(true)
    // and refuses what the spec does not have
    expect(Value.Check(ExercismV3ResultsSchema, { ...SPEC_V3_EXAMPLE, tests: [{ ...SPEC_V3_EXAMPLE.tests[0], taskId: 1 }] })).toBe(false)
  })

  it('links a test to its declared task with task_id, and leaves tests without one unlinked', () => {
    const doc = toExercismV3Results(result({
      status: 'fail',
      tests: [
        { name: 'test_lasagna.py::LasagnaTest::test_bake_time', status: 'pass', taskId: 1 },
        { name: 'test_lasagna.py::LasagnaTest::test_oven', status: 'fail', message: 'assert 2 == 3', taskId: 2 },
        { name: 'test_lasagna.py::test_untasked', status: 'pass' },
        { name: 'test_lasagna.py::test_skipped', status: 'skip', taskId: 3 },
      ],
    }))
    expect(doc).toEqual({
      version: 3,
      status: 'fail',
      tests: [
        { name: 'test_lasagna.py::LasagnaTest::test_bake_time', status: 'pass', task_id: 1 },
        { name: 'test_lasagna.py::LasagnaTest::test_oven', status: 'fail', message: 'assert 2 == 3', task_id: 2 },
        { name: 'test_lasagna.py::test_untasked', status: 'pass' },
      ],
    })
    expect(Value.Check(ExercismV3ResultsSchema, doc)).toBe(true)
  })

  it('keeps v2 free of task_id, and gives an error result its message in v3 too', () => {
    const tasked = result({ status: 'pass', tests: [{ name: 'a', status: 'pass', taskId: 1 }] })
    expect(JSON.stringify(toExercismResults(tasked))).not.toContain('task')
    const doc = toExercismV3Results(result({ status: 'error', ...reason('syntax'), message: 'line 3' }))
    expect(doc).toEqual({ version: 3, status: 'error', message: 'line 3', tests: [] })
  })
})
