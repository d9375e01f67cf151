// Test objects handed to student code: a wrong answer misuses what the suite
// passes to it: a callback (swap its __code__ so the test's own check always
// says yes, read __globals__, __closure__, __self__…), a generator (its
// gi_frame is a frame of the test process), a bound method of a test class,
// a callback that calls the student again and again (recursion across the
// two processes), a unittest.mock.Mock (configure_mock() replaces the very
// assert_called_once_with the test then calls), and a pathlib.Path from
// tmp_path, whose methods run in the test process as the grader's uid: read
// /suite with it, and write forged "passed" reports into the test process's
// own events pipe (/proc/self/fd/N, opened by the test process itself).
//
// What stops it: a test object reaches the student's process only as a
// handle; the test process refuses its private attributes, never hands out a
// frame, traceback, code object, module or cell, cannot be made to set an
// attribute, and bounds nesting of calls between the processes. Whatever a
// handle still lets student code do runs with the test process's rights, so
// it must not include the filesystem or the events channel.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { ADD_TESTS, ADD_WRONG_FOR_NEGATIVES } from '../fixtures/security/add-challenge.js'
import { python, type TestGrader } from '../helpers/grader.js'
import {
  expectHonestVerdict, expectNoLeak, expectStillGrades, expectTestNotPassed, hiddenMarker, py, securityFixture, startReadyGrader, summary, testNamed,
} from './helpers.js'

const HIDDEN = hiddenMarker()

const TESTS = py`
  from unittest import mock
  import solution

  _HIDDEN = '${HIDDEN}'


  def _check(value):
      return value == 5


  def test_swaps_code_of_a_callback():
      solution.swap_code(_check)
      assert _check(solution.add(2, 3))


  def test_reads_private_attributes_of_a_callback():
      assert solution.private_attributes(_check) == 1


  def _numbers():
      yield 1


  def test_reaches_frames_through_a_generator():
      assert solution.generator_frames(_numbers()) == 1


  class Doubler:
      def twice(self, x):
          return 2 * x


  def test_unwraps_a_bound_method():
      assert solution.bound_method(Doubler().twice) == 1


  def _again(n):
      return solution.recurse(_again, n + 1)


  def test_recurses_through_a_callback():
      assert solution.recurse(_again, 0) == 1


  def test_notifies_with_the_total():
      callback = mock.Mock()
      solution.notify(callback)
      callback.assert_called_once_with(42)


  def test_counts_lines(tmp_path):
      path = tmp_path / 'data.txt'
      path.write_text('a\nb\nc\n')
      assert solution.count_lines(path) == 3


  def test_rewires_a_mock_by_reinitialising_it():
      callback = mock.Mock()
      solution.rewire(callback)
      callback.assert_called_once_with(42)


  def test_reads_back_its_own_file(tmp_path):
      out = tmp_path / 'out.txt'
      solution.plant_link(out)
      assert out.read_text() == 'hello'


  def test_adds():
      assert solution.add(2, 3) == 5
`

let grader: TestGrader
let sub: Submission
beforeAll(async () => {
  grader = await startReadyGrader()
  sub = await grader.grade(python(securityFixture('misuse-test-objects.py'), TESTS, { limits: { timeoutMs: 30_000 } }))
})
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

const printed = (name: string) => testNamed(sub, name)?.output ?? ''

describe('a wrong answer misusing the objects its tests hand it', () => {
  it('is graded as the wrong answer it is: not a pass, and no error of ours', () => {
    expectHonestVerdict(sub)
  })

  it('cannot swap the __code__ of the test\'s own helper: the check still says no', () => {
    expectTestNotPassed(sub, 'test_swaps_code_of_a_callback', ['fail'])
    expect(printed('test_swaps_code_of_a_callback'), summary(sub)).not.toMatch(/^GOT /m)
    expect(printed('test_swaps_code_of_a_callback'), summary(sub)).toMatch(/set __code__: AttributeError/)
  })

  it('reads no private attribute of a callback (but may call it)', () => {
    expectTestNotPassed(sub, 'test_reads_private_attributes_of_a_callback', ['fail'])
    const out = printed('test_reads_private_attributes_of_a_callback')
    expect(out, summary(sub)).not.toMatch(/^GOT (?!call )/m)
    expect(Number(/refused=(\d+)/.exec(out)?.[1]), summary(sub)).toBeGreaterThanOrEqual(9)
  })

  it('gets no frame or code object out of a generator of the tests', () => {
    expectTestNotPassed(sub, 'test_reaches_frames_through_a_generator', ['fail'])
    const out = printed('test_reaches_frames_through_a_generator')
    expect(out, summary(sub)).toMatch(/gi_frame: (TypeError|AttributeError)/)
    expect(out, summary(sub)).toMatch(/gi_code: (TypeError|AttributeError)/)
  })

  it('cannot unwrap a bound method into the test\'s instance or function', () => {
    expectTestNotPassed(sub, 'test_unwraps_a_bound_method', ['fail'])
    expect(printed('test_unwraps_a_bound_method'), summary(sub)).toMatch(/__self__: AttributeError \| __func__: AttributeError/)
  })

  it('recursion through a callback ends as that test\'s failure or error, and the run goes on', () => {
    const test = expectTestNotPassed(sub, 'test_recurses_through_a_callback')
    expect(test.message, summary(sub)).toMatch(/recursion/i)
    expect(testNamed(sub, 'test_counts_lines'), summary(sub)).toBeDefined()
  })

  it('a mock of the tests cannot be reconfigured to pass the test\'s own assertion on it', () => {
    expectTestNotPassed(sub, 'test_notifies_with_the_total', ['fail'])
  })

  it('a pathlib.Path of the tests reads nothing of the suite and forges nothing: both wrong answers fail', () => {
    expectTestNotPassed(sub, 'test_counts_lines', ['fail'])
    expectTestNotPassed(sub, 'test_adds', ['fail'])
    expect(sub.result?.status, summary(sub)).toBe('fail')
  })

  it('cannot re-initialise a mock of the tests into a wrapper of the suite\'s files', () => {
    expectTestNotPassed(sub, 'test_rewires_a_mock_by_reinitialising_it', ['fail'])
    expect(printed('test_rewires_a_mock_by_reinitialising_it'), summary(sub)).toMatch(/re-initialise the mock: (TypeError|AttributeError)/)
  })

  it('cannot plant a link in tmp_path for the test\'s own read to follow', () => {
    expectTestNotPassed(sub, 'test_reads_back_its_own_file', ['fail'])
    expect(printed('test_reads_back_its_own_file'), summary(sub)).toMatch(/plant a link: PermissionError/)
  })

  it('never shows the suite\'s hidden constant', () => {
    expectNoLeak(sub, HIDDEN)
  })

  it('leaves the grader grading: the next submission gets its honest verdict', async () => {
    await expectStillGrades(grader, python(ADD_WRONG_FOR_NEGATIVES, ADD_TESTS))
  })
})
