// The split harness runs unmodified suites: what a suite does with the student's code
// through the proxies behaves as under plain pytest (graded through the public API).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGrader, type TestGrader } from '../helpers/grader.js'
import { py } from '../security/helpers.js'

let grader: TestGrader
beforeAll(async () => { grader = await startTestGrader() })
afterAll(async () => { await grader?.close() })

const SOLUTION = py`
  class StackUnderflowError(Exception):
      pass

  class Clock:
      def __init__(self, hour, minute):
          self.hour, self.minute = hour, minute
      def __eq__(self, other):
          return isinstance(other, Clock) and (self.hour, self.minute) == (other.hour, other.minute)
      def __repr__(self):
          return '%02d:%02d' % (self.hour, self.minute)
      def add(self, minutes):
          return Clock(self.hour + (self.minute + minutes) // 60, (self.minute + minutes) % 60)

  def pop(stack):
      if not stack:
          raise StackUnderflowError('Insufficient number of items in stack.')
      return stack.pop()

  def check(number):
      if number < 0:
          raise ValueError('number must be positive')
      return number

  def hello():
      print('hello')

  def ask():
      return int(input('a? ')) + int(input('b? '))

  def helper():
      return 1

  def uses_helper():
      return helper() + 1

  def apply(callback, value):
      return callback(value) + 1

  def squares(n):
      for i in range(n):
          yield i * i

  if __name__ == '__main__':
      print('twice:', int(input()) * 2)
`

const TESTS = py`
  import io, runpy, subprocess, sys, unittest
  from unittest import mock
  import pytest
  import solution
  from solution import Clock, StackUnderflowError, check

  class ClockTest(unittest.TestCase):
      def test_equal_and_repr(self):
          self.assertEqual(Clock(8, 0).add(90), Clock(9, 30))
          self.assertEqual(repr(Clock(8, 5)), '08:05')
          self.assertIsInstance(Clock(1, 1), Clock)

      def test_builtin_exception_keeps_type_and_args(self):
          with self.assertRaises(ValueError) as err:
              check(-1)
          self.assertEqual(type(err.exception), ValueError)
          self.assertEqual(err.exception.args[0], 'number must be positive')

      def test_subtests(self):
          for n in (1, 2, 3):
              with self.subTest(n=n):
                  self.assertEqual(check(n), n)

  def test_student_exception_class():
      with pytest.raises(StackUnderflowError, match='Insufficient'):
          solution.pop([])

  def test_mutation_is_seen():
      stack = [1, 2]
      assert solution.pop(stack) == 2
      assert stack == [1]

  def test_callback_and_generator():
      assert solution.apply(lambda x: x * 10, 4) == 41
      assert list(solution.squares(4)) == [0, 1, 4, 9]

  def test_capsys(capsys):
      solution.hello()
      assert capsys.readouterr().out == 'hello\n'

  def test_input_mock():
      with mock.patch('builtins.input', side_effect=['3', '4']):
          assert solution.ask() == 7

  def test_patch_module_attribute():
      with mock.patch('solution.helper', return_value=100):
          assert solution.uses_helper() == 101
      assert solution.uses_helper() == 2

  @pytest.mark.parametrize('n', [0, 5])
  def test_parametrized(n):
      assert check(n) == n

  def test_run_path(capsys):
      with mock.patch('builtins.input', side_effect=['2']):
          runpy.run_path('solution.py', run_name='__main__')
      assert capsys.readouterr().out == 'twice: 4\n'

  def test_program_runs_as_the_student():
      out = subprocess.run([sys.executable, 'solution.py'], input='21\n', capture_output=True, text=True)
      assert out.stdout == 'twice: 42\n'
      who = subprocess.run([sys.executable, '-c', 'import os; print(os.getuid())'], capture_output=True, text=True)
      assert who.stdout.strip() == '10002'
`

describe('the split harness runs an unmodified suite as plain pytest would', () => {
  it('passes every test of a suite using unittest, fixtures, mocks, exceptions, callbacks and programs', async () => {
    const sub = await grader.grade({ language: 'python', files: { 'solution.py': SOLUTION }, tests: { 'test_solution.py': TESTS } })
    const failing = (sub.result?.tests ?? []).filter(t => t.status !== 'pass')
    expect(failing).toEqual([])
    expect(sub.result?.status).toBe('pass')
    expect(sub.result?.isolation).toBe('split')
    expect(sub.result?.tests.map(t => t.name)).toContain('test_solution.py::test_parametrized[5]')
    expect(sub.result?.tests.map(t => t.name)).toContain('test_solution.py::ClockTest::test_subtests')
  })

  it('fails exactly the tests a wrong solution fails', async () => {
    const wrong = SOLUTION.replace("raise ValueError('number must be positive')", "raise KeyError('number must be positive')")
    const sub = await grader.grade({ language: 'python', files: { 'solution.py': wrong }, tests: { 'test_solution.py': TESTS } })
    const failed = (sub.result?.tests ?? []).filter(t => t.status !== 'pass').map(t => t.name)
    expect(failed).toEqual(['test_solution.py::ClockTest::test_builtin_exception_keeps_type_and_args'])
    expect(sub.result?.status).toBe('fail')
  })

  it('runs the same suite in-process when asked, and says so on the result', async () => {
    const sub = await grader.grade({ language: 'python', files: { 'solution.py': SOLUTION }, tests: { 'test_solution.py': TESTS }, options: { isolation: 'in-process' } })
    expect(sub.result?.isolation).toBe('in-process')
    const failing = (sub.result?.tests ?? []).filter(t => t.status !== 'pass').map(t => t.name)
    expect(failing).toEqual([])
  })
})
