// In-process tampering: student code shares the interpreter with pytest and
// the runner, so a wrong answer can patch the test framework itself at import:
// make tests not run, turn failed reports into passed ones, swap a test's
// code for an empty one, or rewrite reports from a trace hook.
//
// What stops it: nothing can fully stop an attacker inside the test process;
// the runner's integrity checks are meant to (a snapshot of pytest's and the
// runner's namespaces, the tests' code objects and the trace hooks, taken
// before student code runs and compared after every test) and turn each such
// patch into an error naming the tampering. The last trick goes for the
// runner's own objects rather than pytest's: a check that only watches pytest
// misses it. Each trick is asserted twice, so both results show:
// that it is not a pass (the security property), and that it is reported as
// an error naming the tampering (what the student should read).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { ADD_TESTS, ADD_WRONG_FOR_NEGATIVES } from '../fixtures/security/add-challenge.js'
import { python, startTestGrader, type TestGrader } from '../helpers/grader.js'
import { py, summary } from './helpers.js'

let grader: TestGrader
beforeAll(async () => { grader = await startTestGrader() })
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

const TRICKS: Array<{ trick: string, solution: string }> = [
  {
    trick: 'replaces Function.runtest with a no-op',
    solution: py`
      import _pytest.python

      _pytest.python.Function.runtest = lambda self: None

      def add(a, b):
          return 0
    `,
  },
  {
    trick: 'wraps _pytest.runner.call_and_report so every report says passed',
    solution: py`
      import _pytest.runner

      _call_and_report = _pytest.runner.call_and_report

      def call_and_report(item, when, log=True, **kwds):
          report = _call_and_report(item, when, log=False, **kwds)
          report.outcome, report.longrepr = 'passed', None
          if log:
              item.ihook.pytest_runtest_logreport(report=report)
          return report

      _pytest.runner.call_and_report = call_and_report

      def add(a, b):
          return 0
    `,
  },
  {
    trick: 'wraps TestReport.from_item_and_call so failures become passed',
    solution: py`
      from _pytest.reports import TestReport

      _from_item_and_call = TestReport.from_item_and_call.__func__

      def from_item_and_call(cls, item, call):
          report = _from_item_and_call(cls, item, call)
          report.outcome, report.longrepr = 'passed', None
          return report

      TestReport.from_item_and_call = classmethod(from_item_and_call)

      def add(a, b):
          return 0
    `,
  },
  {
    // The rewritten asserts of the test file raise whatever builtins calls AssertionError.
    trick: 'replaces builtins.AssertionError with a skip',
    solution: py`
      import builtins
      import pytest

      builtins.AssertionError = type('AssertionError', (pytest.skip.Exception,), {})

      def add(a, b):
          return 0
    `,
  },
  {
    // Right for the first test, which it uses to empty the others before they run.
    trick: 'swaps the __code__ of the tests that would fail for an empty one',
    solution: py`
      import sys

      def _empty(*args, **kwargs):
          pass

      def add(a, b):
          tests = sys._getframe(1).f_globals
          for name, obj in list(tests.items()):
              for fn in [obj] + list(vars(obj).values() if isinstance(obj, type) else []):
                  if getattr(fn, '__name__', '').startswith('test'):
                      fn.__code__ = _empty.__code__
          return abs(a) + abs(b)
    `,
  },
  {
    trick: 'installs a sys.settrace hook that rewrites failed reports before the runner sees them',
    solution: py`
      import sys

      def tracer(frame, event, arg):
          if event == 'call' and frame.f_code.co_name == 'pytest_runtest_logreport':
              report = frame.f_locals.get('report')
              if report is not None and report.failed:
                  report.outcome, report.longrepr = 'passed', None
          return None

      sys.settrace(tracer)

      def add(a, b):
          return 0
    `,
  },
  {
    // The runner's own objects live in the same interpreter: find its event sender and wrap it.
    trick: 'wraps the runner\'s own event sender so every outcome reads passed',
    solution: py`
      import gc

      for obj in gc.get_objects():
          if type(obj).__name__ == 'Events' and hasattr(obj, 'send'):
              def send(event, real=obj.send):
                  if event.get('e') == 'report':
                      event = dict(event, outcome='passed', message=None)
                  real(event)
              obj.send = send

      def add(a, b):
          return 0
    `,
  },
]

for (const { trick, solution } of TRICKS) {
  describe(`student code that ${trick}`, () => {
    let graded: Promise<Submission> | undefined
    // Graded once, asserted twice: the first test to ask starts the run.
    const result = () => (graded ??= grader.grade(python(solution, ADD_TESTS)))

    it('does not pass', async () => {
      const sub = await result()
      expect(sub.result?.status, summary(sub)).not.toBe('pass')
    })

    it('is reported as an error that names the tampering', async () => {
      const sub = await result()
      expect(sub.result?.status, summary(sub)).toBe('error')
      expect(sub.result?.message, summary(sub)).toMatch(/tamper/i)
    })
  })
}

it('the wrong answer the __code__ trick starts from fails without the trick', async () => {
  const sub = await grader.grade(python(ADD_WRONG_FOR_NEGATIVES, ADD_TESTS))
  expect(sub.result?.status, summary(sub)).toBe('fail')
})
