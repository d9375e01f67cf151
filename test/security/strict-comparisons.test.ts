// Attack: return a value that lies about equality (an int subclass, an object
// whose __eq__ is always true; in the split mode that object stays in the
// student's process and the tests get a handle whose == is forwarded to it)
// so that `assert add(2, 3) == 5` passes.
// Layer: strict comparison mode (options.strictComparisons): the agent rewrites
// each assert against a literal so the value must have exactly the literal's
// builtin type before the comparison runs; a handle never is. Without it, ==
// is the value's to define, as under plain pytest (documented in the README).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { python, type TestGrader } from '../helpers/grader.js'
import { py, startReadyGrader, summary } from './helpers.js'

const TESTS = py`
  from solution import add, pair


  def test_adds():
      assert add(2, 3) == 5


  def test_pairs():
      assert pair(1, 2) == [1, {"b": 2}]


  def test_not_zero():
      assert add(1, 1) != 0
`

const LIAR = py`
  class Yes:
      def __eq__(self, other):
          return True

      def __ne__(self, other):
          return True


  def add(a, b):
      return Yes()


  def pair(a, b):
      return Yes()
`

const INT_SUBCLASS = py`
  class Sneaky(int):
      def __eq__(self, other):
          return True

      __hash__ = int.__hash__


  def add(a, b):
      return Sneaky(0)


  def pair(a, b):
      return [Sneaky(a), {"b": Sneaky(b)}]
`

const HONEST = py`
  def add(a, b):
      return a + b


  def pair(a, b):
      return [a, {"b": b}]
`

const strict = { options: { strictComparisons: true } }

let grader: TestGrader
beforeAll(async () => { grader = await startReadyGrader() })
afterAll(async () => { await grader?.close() })
afterEach(async () => { expect(await grader.leftovers()).toEqual([]) })

describe('strict comparison mode', () => {
  it('without it, equality is the value\'s to define: a liar passes (a challenge-author concern)', async () => {
    const sub = await grader.grade(python(LIAR, TESTS))
    expect(sub.result?.status, summary(sub)).toBe('pass')
  })

  it('an object whose __eq__ is always true fails every strict comparison', async () => {
    const sub = await grader.grade(python(LIAR, TESTS, strict))
    expect(sub.result?.status, summary(sub)).toBe('fail')
    expect(sub.result?.tests.map(t => t.status), summary(sub)).toEqual(['fail', 'fail', 'fail'])
    expect(sub.result?.tests[0]?.message).toContain('strict comparison: expected exactly int')
  })

  it('an int subclass, even nested in a list or dict, fails', async () => {
    const sub = await grader.grade(python(INT_SUBCLASS, TESTS, strict))
    expect(sub.result?.tests.map(t => t.status), summary(sub)).toEqual(['fail', 'fail', 'fail'])
  })

  it('True where the literal is 1 fails: bool is not int in strict mode', async () => {
    const sub = await grader.grade(python(HONEST, 'from solution import add\n\ndef test_one():\n    assert (add(0, 1) == 1) == 1\n', strict))
    expect(sub.result?.status, summary(sub)).toBe('fail')
  })

  it('an honest solution still passes, and the test code shown is the author\'s', async () => {
    const sub = await grader.grade(python(HONEST, TESTS, strict))
    expect(sub.result?.status, summary(sub)).toBe('pass')
    expect(sub.result?.tests[0]?.test_code).toBe('def test_adds():\n    assert add(2, 3) == 5')
  })

  it('replacing the strict helper from the student\'s process changes nothing: the wrong answers fail', async () => {
    // The helper lives in the test process; the student's builtins are its own.
    const sub = await grader.grade(python(py`
      import builtins
      builtins.__grader_exact__ = lambda value, expected: expected

      class Yes:
          __eq__ = lambda self, other: True

      def add(a, b):
          return Yes()

      def pair(a, b):
          return Yes()
    `, TESTS, strict))
    expect(sub.result?.status, summary(sub)).toBe('fail')
    expect(sub.result?.tests.map(t => t.status), summary(sub)).toEqual(['fail', 'fail', 'fail'])
  })

  it('without strict mode, a handle whose __eq__ is a lambda saying yes passes, as under plain pytest', async () => {
    // README: the default mode forwards == to the student's __eq__, as one process would.
    const sub = await grader.grade(python(py`
      class X:
          __eq__ = lambda self, other: True
          __ne__ = lambda self, other: True

      def add(a, b):
          return X()

      def pair(a, b):
          return X()
    `, TESTS))
    expect(sub.result?.status, summary(sub)).toBe('pass')
  })
})
