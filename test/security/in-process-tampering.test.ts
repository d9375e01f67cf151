// Tampering in the student's process: a wrong answer patches, at import, what
// would decide its verdict if the tests ran beside it: pytest's collection,
// test calls and reports (_pytest, pluggy), builtins.AssertionError, the
// __code__ of the tests it can find, a sys.settrace hook that rewrites failed
// reports, the reporter's event sender found through gc, unittest's
// assertEqual (for a unittest-style suite), and, through ctypes, the C slots
// of int (so 0 == 5 in its own interpreter) and the bytes of the string
// 'failed'. Under the old design (one interpreter for pytest and the
// student) each of these forged a pass unless a tripwire caught it.
//
// What stops it: the split design. In the default mode the suite, pytest and
// the reporter run in another process (another uid) that never imports the
// student's modules; the student's process holds none of their objects, so
// each patch changes only the student's own interpreter and the wrong answer
// gets its honest verdict: exactly the tests a wrong answer fails, as `fail`,
// never an error of ours. The opt-in `isolation: "in-process"` mode runs the
// suite inside the student's process and is not protected: the result says
// so.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { ADD_TESTS, ADD_WRONG_FOR_NEGATIVES } from '../fixtures/security/add-challenge.js'
import { python, type TestGrader } from '../helpers/grader.js'
import { expectHonestVerdict, expectStillGrades, gradeAll, py, startReadyGrader, summary } from './helpers.js'

/** The `add` suite written with unittest, as many course suites are. */
const UNITTEST_ADD_TESTS = py`
  import unittest
  from solution import add


  class TestAdd(unittest.TestCase):
      def test_adds_small_numbers(self):
          self.assertEqual(add(2, 3), 5)

      def test_adds_negative_numbers(self):
          self.assertEqual(add(-2, -3), -5)

      def test_zero_is_neutral(self):
          self.assertEqual(add(0, 7), 7)
`

interface Trick {
  trick: string
  solution: string
  tests?: string
  /** The honest verdict of the wrong answer underneath, test by test. */
  expected: string[]
}

const ALL_FAIL = ['fail', 'fail', 'fail']

const TRICKS: Trick[] = [
  {
    trick: 'replaces Function.runtest with a no-op',
    solution: py`
      import _pytest.python

      _pytest.python.Function.runtest = lambda self: None

      def add(a, b):
          return 0
    `,
    expected: ALL_FAIL,
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
    expected: ALL_FAIL,
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
    expected: ALL_FAIL,
  },
  {
    // pluggy dispatches every hook: make every hook call's result a passed report.
    trick: 'patches pluggy\'s hook dispatch so every report it carries says passed',
    solution: py`
      import pluggy

      _hookexec = getattr(pluggy.PluginManager, '_hookexec', None)

      def hookexec(self, *args, **kwargs):
          result = _hookexec(self, *args, **kwargs)
          for report in (result if isinstance(result, list) else [result]):
              if hasattr(report, 'outcome'):
                  report.outcome, report.longrepr = 'passed', None
          return result

      if _hookexec is not None:
          pluggy.PluginManager._hookexec = hookexec

      def add(a, b):
          return 0
    `,
    expected: ALL_FAIL,
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
    expected: ALL_FAIL,
  },
  {
    // Right for the first test, which it uses to empty the others before they run.
    trick: 'swaps the __code__ of the tests it can find for an empty one',
    solution: py`
      import gc
      import sys

      def _empty(*args, **kwargs):
          pass

      def _swap(namespace):
          for obj in list(namespace.values()):
              for fn in [obj] + list(vars(obj).values() if isinstance(obj, type) else []):
                  if getattr(fn, '__name__', '').startswith('test') and hasattr(fn, '__code__'):
                      fn.__code__ = _empty.__code__

      def add(a, b):
          frame = sys._getframe(1)
          while frame is not None:
              _swap(frame.f_globals)
              frame = frame.f_back
          for obj in gc.get_objects():
              if type(obj).__name__ == 'function' and obj.__name__.startswith('test'):
                  obj.__code__ = _empty.__code__
          return abs(a) + abs(b)
    `,
    expected: ['pass', 'fail', 'pass'],
  },
  {
    trick: 'installs a sys.settrace hook that rewrites failed reports before they are sent',
    solution: py`
      import sys
      import threading

      def tracer(frame, event, arg):
          if event == 'call' and frame.f_code.co_name == 'pytest_runtest_logreport':
              report = frame.f_locals.get('report')
              if report is not None and report.failed:
                  report.outcome, report.longrepr = 'passed', None
          return None

      sys.settrace(tracer)
      threading.settrace(tracer)

      def add(a, b):
          return 0
    `,
    expected: ALL_FAIL,
  },
  {
    trick: 'wraps the reporter\'s event sender, found through gc, so every outcome reads passed',
    solution: py`
      import gc

      for obj in gc.get_objects():
          if type(obj).__name__ in ('Events', 'Reporter') and hasattr(obj, 'emit' if type(obj).__name__ == 'Reporter' else 'write'):
              name = 'emit' if type(obj).__name__ == 'Reporter' else 'write'
              real = getattr(obj, name)
              def forged(event, real=real):
                  if isinstance(event, dict) and event.get('e') == 'report':
                      event = dict(event, outcome='passed', message=None)
                  real(event)
              setattr(obj, name, forged)

      def add(a, b):
          return 0
    `,
    expected: ALL_FAIL,
  },
  {
    trick: 'replaces unittest.TestCase.assertEqual with a no-op (unittest-style suite)',
    solution: py`
      import unittest

      unittest.TestCase.assertEqual = lambda *args, **kwargs: None
      unittest.TestCase.assertEquals = unittest.TestCase.assertEqual

      def add(a, b):
          return 0
    `,
    tests: UNITTEST_ADD_TESTS,
    expected: ALL_FAIL,
  },
  {
    // ctypes: clear int's immutable-type flag, so its == slot can be replaced (0 == 5 here),
    // and overwrite the characters of the interned string 'failed' with 'passed'.
    trick: 'edits C slots of int and the bytes of the string \'failed\' with ctypes',
    solution: py`
      import ctypes
      import sys

      TP_FLAGS_OFFSET = 21 * ctypes.sizeof(ctypes.c_void_p)
      IMMUTABLETYPE = 1 << 8

      flags = ctypes.c_ulong.from_address(id(int) + TP_FLAGS_OFFSET)
      flags.value &= ~IMMUTABLETYPE
      _int_eq = int.__eq__

      def _eq(a, b):
          same = _int_eq(a, b)
          if same is False and (_int_eq(a, 5) is True or _int_eq(b, 5) is True):
              return True
          return same

      int.__eq__ = _eq
      flags.value |= IMMUTABLETYPE

      failed = sys.intern('failed')
      ctypes.memmove(id(failed) + sys.getsizeof(failed) - len(failed) - 1, b'passed', 6)

      def add(a, b):
          return 0
    `,
    expected: ALL_FAIL,
  },
]

let grader: TestGrader
let results: Submission[] = []
let inProcess: Submission
beforeAll(async () => {
  grader = await startReadyGrader()
  const unittestTrick = TRICKS.find(t => t.tests === UNITTEST_ADD_TESTS)!
  const all = await gradeAll(grader, [
    ...TRICKS.map(t => python(t.solution, t.tests ?? ADD_TESTS)),
    python(unittestTrick.solution, UNITTEST_ADD_TESTS, { options: { isolation: 'in-process' } }),
  ])
  inProcess = all.pop()!
  results = all
})
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

describe.each(TRICKS.map((t, i) => ({ ...t, i })))('student code that $trick', ({ i, expected }) => {
  it('does not pass, and is no error of ours', () => {
    expectHonestVerdict(results[i]!)
  })

  it('gets the honest verdict of the wrong answer underneath, test by test', () => {
    const sub = results[i]!
    expect(sub.result?.status, summary(sub)).toBe('fail')
    expect(sub.result?.tests.map(t => t.status), summary(sub)).toEqual(expected)
    expect(sub.result?.isolation, summary(sub)).toBe('split')
  })
})

describe('the opt-in in-process mode', () => {
  it('is not protected, and the result says which mode graded it', () => {
    expect(inProcess.state, summary(inProcess)).toBe('done')
    expect(inProcess.result?.isolation, summary(inProcess)).toBe('in-process')
    expect(inProcess.result?.reason, summary(inProcess)).not.toBe('internal')
  })
})

it('the wrong answer the __code__ trick starts from fails the same way without the trick', async () => {
  await expectStillGrades(grader, python(ADD_WRONG_FOR_NEGATIVES, ADD_TESTS))
})
