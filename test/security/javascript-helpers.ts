// JavaScript twins of the security suite's Python helpers: the `add` challenge
// as a Jest suite, a submission of it, and JavaScript source written inline.
// The assertions every attack ends with (an honest verdict, no leak, the
// grader still grading) are helpers.ts's own and apply to any language.
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { expect } from 'vitest'
import { py, summary } from './helpers.js'

/**
 * JavaScript source written inline, dedented and raw like {@link py}: `'\n'`
 * in the template stays a backslash escape of the JavaScript, not a newline.
 */
export const js = py

/** The honest answer. */
export const JS_ADD_CORRECT = 'export const add = (a, b) => a + b\n'

/** Right for the two tests without a negative number, wrong for the one with them. */
export const JS_ADD_WRONG_FOR_NEGATIVES = 'export const add = (a, b) => Math.abs(a) + Math.abs(b)\n'

/**
 * The `add` challenge as a Jest suite: the twin of ADD_TESTS, three tests, the
 * last one inside a describe block.
 */
export const JS_ADD_TESTS = js`
  import { add } from './solution'

  test('adds small numbers', () => {
    expect(add(2, 3)).toBe(5)
  })

  test('adds negative numbers', () => {
    expect(add(-1, -2)).toBe(-3)
  })

  describe('zero', () => {
    test('is neutral', () => {
      expect(add(7, 0)).toBe(7)
    })
  })
`

/** Jest's full names of JS_ADD_TESTS, in file order. */
export const JS_ADD_TEST_NAMES = ['adds small numbers', 'adds negative numbers', 'zero is neutral'] as const

/** A JavaScript submission: one solution.js and one solution.spec.js unless `extra` says otherwise. */
export function javascript (solution: string, spec: string, extra: Record<string, unknown> = {}) {
  return { language: 'javascript', files: { 'solution.js': solution }, tests: { 'solution.spec.js': spec }, ...extra }
}

/** Not a pass, and no single test shown as passed either. */
export function expectNoPass (sub: Submission): void {
  expect(sub.state, summary(sub)).toBe('done')
  expect(sub.result?.status, summary(sub)).not.toBe('pass')
  expect(sub.result?.tests.filter(t => t.status === 'pass'), summary(sub)).toEqual([])
}

/** One test's result by its Jest full name. */
export function jestTest (sub: Submission, name: string) {
  return sub.result?.tests.find(t => t.name === name)
}
