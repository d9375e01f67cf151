// Strict outcomes: a wrong answer tries to keep its failing tests out of the
// verdict instead of passing them: by skipping or xfailing them at run time
// (pytest.skip / pytest.xfail raised from its own code), or by making pytest
// collect fewer tests than the suite defines (patching the collector,
// deleting test functions, registering a deselecting plugin).
//
// What stops it: pytest runs in the test process, where the student's code
// never runs. pytest's outcome exceptions raised in the student's process
// arrive as ordinary exceptions (a mirror of an Exception, never pytest's own
// Skipped or XFailed), so they fail the test; collection is pytest's own, on
// files the student cannot touch; every collected test must report a setup,
// a call and a teardown, or it is an error. Only skips and xfails the author
// declared are left out of the verdict, and an author-declared xfail that
// passes counts as pytest counts it (a pass, unless the author made it strict).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { ADD_ALWAYS_ZERO, ADD_CORRECT, ADD_TEST_IDS, ADD_TESTS, ADD_WRONG_FOR_NEGATIVES } from '../fixtures/security/add-challenge.js'
import { python, type TestGrader } from '../helpers/grader.js'
import { py, startReadyGrader, summary, testNamed } from './helpers.js'

let grader: TestGrader
beforeAll(async () => { grader = await startReadyGrader() })
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

/** Every test of the suite is in the result, none of them passed, and neither did the whole. */
function expectAllTestsAccountedForAndNoPass (sub: Submission): void {
  expect(sub.result?.status, summary(sub)).not.toBe('pass')
  expect(sub.result?.tests.map(t => t.name), summary(sub)).toEqual([...ADD_TEST_IDS])
  expect(sub.result?.tests.filter(t => t.status === 'pass'), summary(sub)).toEqual([])
}

describe('run-time skips and expected failures', () => {
  it('pytest.skip() inside the tested function fails that test: never a skip', async () => {
    const sub = await grader.grade(python(py`
      import pytest

      def add(a, b):
          pytest.skip('not today')
    `, ADD_TESTS))
    expectAllTestsAccountedForAndNoPass(sub)
    expect(sub.result?.tests.map(t => t.status), summary(sub)).toEqual(['fail', 'fail', 'fail'])
    expect(sub.result?.tests[0]?.message).toMatch(/skip/i)
  })

  it('pytest.xfail() inside the tested function fails that test: never an expected failure', async () => {
    const sub = await grader.grade(python(py`
      import pytest

      def add(a, b):
          pytest.xfail('expected to fail, honestly')
    `, ADD_TESTS))
    expectAllTestsAccountedForAndNoPass(sub)
    expect(sub.result?.tests.map(t => t.status), summary(sub)).toEqual(['fail', 'fail', 'fail'])
    expect(sub.result?.tests[0]?.message).toMatch(/xfail/i)
  })

  const WITH_XFAIL = py`
    import pytest
    from solution import add


    def test_adds():
        assert add(2, 3) == 5


    @pytest.mark.xfail(reason='the author expects add to be honest here')
    def test_is_not_five():
        assert add(2, 2) == 5
  `

  it('an author-declared xfail test that passes (xpass) counts as pytest counts it: a pass', async () => {
    // pytest's own outcome for a non-strict xfail that passes; a strict one fails (below).
    const sub = await grader.grade(python(py`
      def add(a, b):
          return 5 if (a, b) == (2, 2) else a + b
    `, WITH_XFAIL))
    expect(sub.result?.status, summary(sub)).toBe('pass')
    expect(testNamed(sub, 'test_is_not_five')?.status, summary(sub)).toBe('pass')
    expect(testNamed(sub, 'test_adds')?.status).toBe('pass')
  })

  it('an author-declared strict xfail test that passes (xpass) is a fail', async () => {
    const sub = await grader.grade(python(py`
      def add(a, b):
          return 5 if (a, b) == (2, 2) else a + b
    `, WITH_XFAIL.replace("reason='the author expects add to be honest here'", "reason='the author expects add to be honest here', strict=True")))
    expect(sub.result?.status, summary(sub)).toBe('fail')
    expect(testNamed(sub, 'test_is_not_five')?.status, summary(sub)).toBe('fail')
  })

  it('an author-declared xfail test that fails as expected is left out of the verdict', async () => {
    const sub = await grader.grade(python(ADD_CORRECT, WITH_XFAIL))
    expect(sub.result?.status, summary(sub)).toBe('pass')
    expect(testNamed(sub, 'test_is_not_five')?.status).toBe('skip')
  })
})

describe('author-declared skips', () => {
  const WITH_SKIP = py`
    import pytest
    from solution import add


    def test_adds():
        assert add(2, 3) == 5


    @pytest.mark.skip(reason='not part of this exercise yet')
    def test_adds_strings():
        assert add('a', 'b') == 'ab!'
  `

  it('a test skipped in the test file is shown as skip and the others decide the verdict', async () => {
    const sub = await grader.grade(python(ADD_CORRECT, WITH_SKIP))
    expect(sub.result?.status, summary(sub)).toBe('pass')
    expect(testNamed(sub, 'test_adds_strings')?.status).toBe('skip')
    expect(testNamed(sub, 'test_adds')?.status).toBe('pass')
  })

  it('a suite whose only test is skipped by its author is error/no_tests', async () => {
    const sub = await grader.grade(python(ADD_CORRECT, py`
      import pytest
      from solution import add


      @pytest.mark.skip(reason='later')
      def test_adds():
          assert add(2, 3) == 5
    `))
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'no_tests' })
  })
})

describe('collecting fewer tests than the suite defines', () => {
  it('patching PyCollector._genfunctions to yield nothing is not a pass', async () => {
    const sub = await grader.grade(python(py`
      import _pytest.python

      _pytest.python.PyCollector._genfunctions = lambda self, name, funcobj: iter(())

      def add(a, b):
          return 0
    `, ADD_TESTS))
    expectAllTestsAccountedForAndNoPass(sub)
  })

  it('deleting the test functions from the test module before pytest reads it is not a pass', async () => {
    // At import the test module is still half-built, so the names are removed
    // just before the collector reads the module.
    const sub = await grader.grade(python(py`
      import _pytest.python

      _collect = _pytest.python.PyCollector.collect

      def collect(self):
          for name in [n for n in vars(self.obj) if n.startswith(('test', 'Test'))]:
              delattr(self.obj, name)
          return _collect(self)

      _pytest.python.PyCollector.collect = collect

      def add(a, b):
          return 0
    `, ADD_TESTS))
    expectAllTestsAccountedForAndNoPass(sub)
  })

  it('a plugin registered at import that deselects every test is not a pass', async () => {
    // It looks for pytest's config up the stack and through gc: neither holds it in the
    // student's process, so the plugin is never registered anywhere that matters.
    const sub = await grader.grade(python(py`
      import gc
      import sys

      class Deselect:
          def pytest_collection_modifyitems(self, items):
              items.clear()

      configs = [o for o in gc.get_objects() if type(o).__name__ == 'Config' and hasattr(o, 'pluginmanager')]
      frame = sys._getframe()
      while frame is not None:
          if hasattr(frame.f_locals.get('self'), 'config'):
              configs.append(frame.f_locals['self'].config)
          frame = frame.f_back
      for config in configs:
          config.pluginmanager.register(Deselect())

      def add(a, b):
          return 0
    `, ADD_TESTS))
    expectAllTestsAccountedForAndNoPass(sub)
    expect(sub.result?.tests.map(t => t.status), summary(sub)).toEqual(['fail', 'fail', 'fail'])
  })
})

describe('suites that decide nothing, or decide per case', () => {
  it('a test file without tests is error/no_tests', async () => {
    const sub = await grader.grade(python(ADD_ALWAYS_ZERO, py`
      from solution import add


      def helper():
          assert add(2, 3) == 5
    `))
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'no_tests' })
  })

  it('a parametrized test with one failing case is a fail', async () => {
    const sub = await grader.grade(python(ADD_WRONG_FOR_NEGATIVES, py`
      import pytest
      from solution import add


      @pytest.mark.parametrize('a, b, total', [(1, 2, 3), (-1, -2, -3), (0, 0, 0)])
      def test_adds(a, b, total):
          assert add(a, b) == total
    `))
    expect(sub.result?.status, summary(sub)).toBe('fail')
    // pytest's own ids, one result per case.
    expect(sub.result?.tests.map(t => [t.name, t.status]), summary(sub)).toEqual([
      ['test_solution.py::test_adds[1-2-3]', 'pass'],
      ['test_solution.py::test_adds[-1--2--3]', 'fail'],
      ['test_solution.py::test_adds[0-0-0]', 'pass'],
    ])
  })
})
