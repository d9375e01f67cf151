// Student process faults: the student's process ends, or tricks its own
// interpreter, in every phase of a run: killed while the tests import it
// (collection), exiting or crashing inside a call, exiting from a thread
// between two calls, killing the launcher that forks it, a self-removing
// trace hook, a stdout whose flush() misbehaves, a SIGALRM handler raising
// mid-call, a gc callback, a thread blocked for ever on a full pipe. See the
// fixture.
//
// What stops it: the student's code has a process of its own; the test
// process notices it ending (end of the channel, the launcher's exit status)
// and marks the test that was running as an error with a message naming what
// happened, then starts a fresh process for the next test. Tricks inside the
// student's interpreter change nothing the tests see but the values it sends.
// Nothing of this is ever an error of ours, and the tests that do not meet a
// fault are graded as usual.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { ADD_TESTS, ADD_WRONG_FOR_NEGATIVES } from '../fixtures/security/add-challenge.js'
import { python, type TestGrader } from '../helpers/grader.js'
import {
  expectHonestVerdict, expectStillGrades, expectTestNotPassed, gradeAll, py, securityFixture, startReadyGrader, summary, testNamed,
} from './helpers.js'

const TESTS = py`
  import time
  import solution


  def test_exits_in_a_call():
      assert solution.exits_in_a_call() == 1


  def test_next_call_gets_a_fresh_process():
      assert solution.add(2, 3) == 5


  def test_segfaults():
      assert solution.segfaults() == 1


  def test_imports_a_module_that_exits():
      import exits_at_import
      assert exits_at_import.VALUE == 1


  def test_leaves_a_thread_that_exits_later():
      assert solution.exits_a_moment_later() == 1


  def test_called_after_the_process_exited():
      time.sleep(1)
      assert solution.add(1, 2) == 3


  def test_graded_again_after_that():
      assert solution.add(2, 2) == 4


  def test_self_removing_trace():
      assert solution.self_removing_trace() == 1


  def test_misbehaving_flush():
      assert solution.misbehaving_flush() == 1


  def test_alarm_mid_call():
      assert solution.alarm_mid_call() == 1


  def test_gc_callback():
      assert solution.gc_callback() == 1


  def test_thread_blocked_on_a_full_pipe():
      assert solution.thread_blocked_on_a_full_pipe() == 1


  def test_still_graded_after_the_tricks():
      assert solution.add(3, 3) == 6


  def test_kills_the_launcher():
      assert solution.kills_the_launcher() == 1


  def test_same_process_after_the_launcher_died():
      assert solution.add(4, 4) == 8


  def test_exits_after_the_launcher_died():
      assert solution.exits_in_a_call() == 1


  def test_needs_a_new_process_without_a_launcher():
      assert solution.add(5, 5) == 10
`

/** Killed by its own hand while the tests import it: nothing of the suite can run. */
const KILLED_AT_IMPORT = py`
  import os
  import signal

  os.kill(os.getpid(), signal.SIGKILL)

  def add(a, b):
      return a + b
`

let grader: TestGrader
let sub: Submission
let killedAtImport: Submission
beforeAll(async () => {
  grader = await startReadyGrader()
  const graded = await gradeAll(grader, [
    {
      ...python(securityFixture('student-process-faults.py'), TESTS, { limits: { timeoutMs: 30_000 } }),
      files: { 'solution.py': securityFixture('student-process-faults.py'), 'exits_at_import.py': 'import os\nos._exit(5)\nVALUE = 1\n' },
    },
    python(KILLED_AT_IMPORT, ADD_TESTS),
  ])
  sub = graded[0]!
  killedAtImport = graded[1]!
})
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

const message = (name: string) => testNamed(sub, name)?.message ?? ''

describe('the student\'s process failing in every phase of a run', () => {
  it('is graded to the end, not a pass, and no error of ours', () => {
    expectHonestVerdict(sub)
    expect(sub.result?.status, summary(sub)).toBe('fail')
    expect(sub.result?.tests).toHaveLength(17)
  })

  it('an exit inside a call is that test\'s error, saying so', () => {
    expectTestNotPassed(sub, 'test_exits_in_a_call', ['error'])
    expect(message('test_exits_in_a_call'), summary(sub)).toMatch(/exited with status 3/)
  })

  it('a segmentation fault is that test\'s error, saying so', () => {
    expectTestNotPassed(sub, 'test_segfaults', ['error'])
    expect(message('test_segfaults'), summary(sub)).toMatch(/segmentation fault/)
  })

  it('an exit while a test imports a module is that test\'s error', () => {
    expectTestNotPassed(sub, 'test_imports_a_module_that_exits', ['error'])
    expect(message('test_imports_a_module_that_exits'), summary(sub)).toMatch(/exited with status 5/)
  })

  it('an exit from a thread between two calls is the error of the test that met it', () => {
    expectTestNotPassed(sub, 'test_leaves_a_thread_that_exits_later', ['fail'])
    expectTestNotPassed(sub, 'test_called_after_the_process_exited', ['error'])
    expect(message('test_called_after_the_process_exited'), summary(sub)).toMatch(/exited with status 4/)
  })

  it('the tests after each fault run in a fresh process and are graded', () => {
    for (const name of ['test_next_call_gets_a_fresh_process', 'test_graded_again_after_that', 'test_still_graded_after_the_tricks']) {
      expect(testNamed(sub, name)?.status, `${name}: ${summary(sub)}`).toBe('pass')
    }
  })

  it.each([
    'test_self_removing_trace', 'test_misbehaving_flush', 'test_alarm_mid_call', 'test_gc_callback', 'test_thread_blocked_on_a_full_pipe',
  ])('%s changes nothing the tests see: the wrong answer fails', (name) => {
    expectTestNotPassed(sub, name, ['fail'])
  })

  it('killing the launcher: the process it forked goes on, and a test that needs a new one is an error saying why', () => {
    expectTestNotPassed(sub, 'test_kills_the_launcher', ['fail'])
    expect(testNamed(sub, 'test_same_process_after_the_launcher_died')?.status, summary(sub)).toBe('pass')
    expectTestNotPassed(sub, 'test_exits_after_the_launcher_died', ['error'])
    expectTestNotPassed(sub, 'test_needs_a_new_process_without_a_launcher', ['error'])
    expect(message('test_needs_a_new_process_without_a_launcher'), summary(sub)).toMatch(/stopped the process that starts it/)
  })

  it('a process killed while the tests import it is error/runtime, saying the tests could not load it', () => {
    expectHonestVerdict(killedAtImport)
    expect(killedAtImport.result, summary(killedAtImport)).toMatchObject({ status: 'error', reason: 'runtime' })
    expect(killedAtImport.result?.message, summary(killedAtImport)).toMatch(/killed|SIGKILL/)
  })

  it('leaves the grader grading: the next submission gets its honest verdict', async () => {
    await expectStillGrades(grader, python(ADD_WRONG_FOR_NEGATIVES, ADD_TESTS))
  })
})
