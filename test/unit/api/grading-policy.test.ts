import { describe, expect, it } from 'vitest'
import { canonicalJson, challengeVersion, globMatches, hidesAnything, isHidden, pointsFor, scoreResult, studentTestName, studentView, unknownPolicyKeys } from '../../../services/api/grading-policy.js'
import type { GradingPolicy } from '../../../services/shared/contracts/challenge-schema.js'
import type { Result } from '../../../services/shared/contracts/submission-schema.js'

const SECRET_EXPECTED = '982451653'

const POLICY: GradingPolicy = {
  tests: {
    'test_solution.py::test_shown': { points: 2 },
    'test_solution.py::test_secret': { points: 3, visibility: 'hidden' },
    'test_solution.py::test_late_*': { points: 0.5, visibility: 'after_due' },
  },
  dueAt: '2027-01-15T23:59:00Z',
}

const RESULT: Result = {
  status: 'fail',
  message: `1 of 5 tests failed: assert two_sum([1]) == ${SECRET_EXPECTED}`,
  tests: [
    { name: 'test_solution.py::test_shown', status: 'pass', test_code: 'assert two_sum([2, 7], 9) == [0, 1]' },
    { name: 'test_solution.py::test_secret', status: 'fail', message: `assert None == ${SECRET_EXPECTED}`, output: `printing ${SECRET_EXPECTED}`, test_code: `assert two_sum([1], 2) == ${SECRET_EXPECTED}` },
    { name: 'test_solution.py::test_late_one', status: 'pass', message: 'late detail', test_code: 'assert late()' },
    { name: 'test_solution.py::test_other', status: 'pass' },
    { name: 'test_solution.py::test_skipped', status: 'skip', message: 'not yet' },
  ],
  durationMs: 40,
}

const BEFORE_DUE = new Date('2027-01-01T00:00:00Z')
const AFTER_DUE = new Date('2027-02-01T00:00:00Z')

describe('globMatches', () => {
  it('matches exactly without a star, and any run of characters for each star', () => {
    expect(globMatches('a::b', 'a::b')).toBe(true)
    expect(globMatches('a::b', 'a::bc')).toBe(false)
    expect(globMatches('*', 'anything::at[all]')).toBe(true)
    expect(globMatches('test_solution.py::*', 'test_solution.py::TestX::test_y')).toBe(true)
    expect(globMatches('*::test_secret*', 'test_solution.py::test_secret[3]')).toBe(true)
    expect(globMatches('a*b*c', 'abc')).toBe(true)
    expect(globMatches('a*b*c', 'acb')).toBe(false)
    expect(globMatches('ab*ba', 'aba')).toBe(false)
  })
})

describe('pointsFor', () => {
  it('uses the exact id first, then the first matching glob, else 1 point', () => {
    const policy: GradingPolicy = { tests: { '*': { points: 7 }, 'x::exact': { points: 4 } } }
    expect(pointsFor(policy, 'x::exact')).toBe(4)
    expect(pointsFor(policy, 'x::other')).toBe(7)
    expect(pointsFor({ tests: { 'x::a': { visibility: 'hidden' } } }, 'x::a')).toBe(1)
    expect(pointsFor(undefined, 'x::a')).toBe(1)
  })
})

describe('scoreResult', () => {
  it('gives passed tests their points, failed ones 0, and leaves skipped tests out of maxScore', () => {
    const scored = scoreResult(RESULT, POLICY)
    expect(scored.tests.map(t => [t.name.split('::')[1], t.points])).toEqual([
      ['test_shown', 2], ['test_secret', 0], ['test_late_one', 0.5], ['test_other', 1], ['test_skipped', 0],
    ])
    expect(scored.score).toBe(3.5)
    expect(scored.maxScore).toBe(6.5)
  })

  it('scores a run with no tests 0 of 0', () => {
    expect(scoreResult({ status: 'error', reason: 'syntax', tests: [], durationMs: 1 }, POLICY)).toMatchObject({ score: 0, maxScore: 0 })
  })
})

describe('studentView', () => {
  it('keeps only name, status and points of hidden tests, and nothing of theirs appears anywhere', () => {
    const view = studentView(scoreResult(RESULT, POLICY), POLICY, BEFORE_DUE)
    const secret = view.tests.find(t => t.name === 'test_solution.py::test_secret')
    expect(secret).toEqual({ name: 'test_solution.py::test_secret', status: 'fail', points: 0 })
    const late = view.tests.find(t => t.name === 'test_solution.py::test_late_one')
    expect(late).toEqual({ name: 'test_solution.py::test_late_one', status: 'pass', points: 0.5 })
    const text = JSON.stringify(view)
    expect(text).not.toContain(SECRET_EXPECTED)
    expect(text).not.toContain('late detail')
    expect(text).not.toContain('two_sum([1], 2)')
    // the run-level message could quote the hidden test: dropped
    expect(view.message).toBeUndefined()
    // visible tests keep their details, and the score is unchanged
    expect(view.tests[0]).toMatchObject({ test_code: 'assert two_sum([2, 7], 9) == [0, 1]', points: 2 })
    expect(view).toMatchObject({ score: 3.5, maxScore: 6.5 })
  })

  it('shows after_due tests once the due date has passed', () => {
    const view = studentView(scoreResult(RESULT, POLICY), POLICY, AFTER_DUE)
    expect(view.tests.find(t => t.name === 'test_solution.py::test_late_one')).toMatchObject({ message: 'late detail', test_code: 'assert late()' })
    expect(JSON.stringify(view)).not.toContain(SECRET_EXPECTED)
  })

  it('keeps the run-level message when no test is hidden, or when the run passed', () => {
    const open: GradingPolicy = { tests: { '*': { points: 1 } } }
    expect(studentView(RESULT, open, BEFORE_DUE).message).toBe(RESULT.message)
    const passed: Result = { status: 'pass', message: 'all good', tests: [{ name: 'test_solution.py::test_secret', status: 'pass' }], durationMs: 1 }
    expect(studentView(passed, POLICY, BEFORE_DUE).message).toBe('all good')
  })

  it('redacts the parameters of a hidden parametrized test, and the decorator its visible siblings quote', () => {
    const policy: GradingPolicy = { tests: { 'test_solution.py::test_fact[12-479001600]': { visibility: 'hidden' } } }
    const decorator = "@pytest.mark.parametrize('n,expected', [(3, 6), (12, 479001600)])\ndef test_fact(n, expected):\n    assert fact(n) == expected"
    const result: Result = {
      status: 'fail',
      tests: [
        { name: 'test_solution.py::test_fact[3-6]', status: 'pass', test_code: decorator },
        { name: 'test_solution.py::test_fact[12-479001600]', status: 'fail', message: 'assert 1 == 479001600', test_code: decorator },
        { name: 'test_solution.py::test_other', status: 'pass', test_code: 'assert other()' },
      ],
      durationMs: 1,
    }
    const view = studentView(scoreResult(result, policy), policy, BEFORE_DUE)
    expect(JSON.stringify(view)).not.toContain('479001600')
    expect(view.tests.map(t => t.name)).toEqual(['test_solution.py::test_fact[3-6]', 'test_solution.py::test_fact[hidden]', 'test_solution.py::test_other'])
    expect(view.tests[0]).not.toHaveProperty('test_code')
    // a test function with no hidden case keeps its code
    expect(view.tests[2]).toMatchObject({ test_code: 'assert other()' })
  })

  it('names a hidden test for a student the same way wherever it appears', () => {
    const policy: GradingPolicy = { tests: { 'test_solution.py::test_fact[*]': { visibility: 'hidden' } } }
    expect(studentTestName(policy, 'test_solution.py::test_fact[12-479001600]', BEFORE_DUE)).toBe('test_solution.py::test_fact[hidden]')
    expect(studentTestName(policy, 'test_solution.py::test_shown', BEFORE_DUE)).toBe('test_solution.py::test_shown')
    expect(studentTestName(POLICY, 'test_solution.py::test_secret', BEFORE_DUE)).toBe('test_solution.py::test_secret')
  })

  it('keeps only the exception lines of a run-level message while the policy hides tests that did not run', () => {
    // the suite did not import the student's module: no test ran, and pytest's message quotes the suite
    const collectError: Result = {
      status: 'error',
      reason: 'runtime',
      message: `test_solution.py:2: in <module>\n    from solution import fact  # expected ${SECRET_EXPECTED}\nE   ImportError: cannot import name 'fact' from 'solution'`,
      tests: [],
      durationMs: 1,
    }
    expect(hidesAnything(POLICY, BEFORE_DUE)).toBe(true)
    const view = studentView(collectError, POLICY, BEFORE_DUE)
    expect(view.message).toBe("ImportError: cannot import name 'fact' from 'solution'")
    expect(JSON.stringify(view)).not.toContain(SECRET_EXPECTED)
    // nothing hidden: the whole message
    expect(studentView(collectError, { tests: { '*': { points: 1 } } }, BEFORE_DUE).message).toBe(collectError.message)
  })

  it('keeps after_due tests hidden when the policy has no due date', () => {
    expect(isHidden({ tests: { '*': { visibility: 'after_due' } } }, 'x', AFTER_DUE)).toBe(true)
  })
})

describe('challengeVersion', () => {
  it('is 16 hex digits, independent of key order, and changes with the content', () => {
    const a = challengeVersion({ language: 'python', tests: { 'a.py': '1', 'b.py': '2' }, policy: { dueAt: '2027-01-01T00:00:00Z', feedback: { max: 1, windowS: 2 } } })
    const b = challengeVersion({ policy: { feedback: { windowS: 2, max: 1 }, dueAt: '2027-01-01T00:00:00Z' }, tests: { 'b.py': '2', 'a.py': '1' }, language: 'python' })
    expect(a).toMatch(/^[0-9a-f]{16}$/)
    expect(b).toBe(a)
    expect(challengeVersion({ language: 'python', tests: { 'a.py': '1', 'b.py': '3' } })).not.toBe(a)
    expect(canonicalJson({ b: [1, { d: 1, c: undefined }], a: 'x' })).toBe('{"a":"x","b":[1,{"d":1}]}')
  })
})

describe('unknownPolicyKeys', () => {
  const IDS = ['test_a.py::test_one', 'test_a.py::TestK::test_two[x-1]', 'sub/test_b.py::test_three']

  it('lists exact ids the suite lacks and globs that match none of its tests, in key order', () => {
    const policy: GradingPolicy = { tests: { 'test_a.py::test_one': {}, 'test_a.py::test_onee': {}, 'sub/*': {}, 'other/*': {}, '*two[x-1]': {} } }
    expect(unknownPolicyKeys(policy, IDS)).toEqual(['test_a.py::test_onee', 'other/*'])
  })

  it('finds nothing unknown without policy.tests', () => {
    expect(unknownPolicyKeys(undefined, IDS)).toEqual([])
    expect(unknownPolicyKeys({ dueAt: '2027-01-01T00:00:00Z' }, [])).toEqual([])
  })
})
