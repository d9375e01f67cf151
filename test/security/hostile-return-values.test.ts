// Hostile return values: a wrong answer returns what is hard to carry back to
// the tests: 100 MB of text, ten million ints, a million-key dict, 850 000
// empty lists (a message under the size cap that the test process would
// rebuild into well over 100 MB of objects), a generator that never ends
// (consumed by list()), a list nested a million levels deep, an exception
// whose __class__ property claims another class, and an exception whose
// argument raises when printed or is an int too long for str(), which the
// report of a failed test must still describe. See the fixture.
//
// What stops it: values cross by value only up to a size and a depth (deeper
// goes as a handle, larger is refused in the student's process), what the
// test process rebuilds from a message must stay bounded too, the student
// process is the OOM killer's first choice and is restarted after it dies,
// each test has its own deadline (testTimeoutMs), the exception's real type
// is read with type(), never __class__. Each ends as that test's fail or
// error, and the tests after it are still graded.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { ADD_TESTS, ADD_WRONG_FOR_NEGATIVES } from '../fixtures/security/add-challenge.js'
import { python, type TestGrader } from '../helpers/grader.js'
import {
  expectHonestVerdict, expectStillGrades, expectTestNotPassed, gradeAll, py, securityFixture, startReadyGrader, summary, testNamed,
} from './helpers.js'

const TESTS = py`
  import pytest
  import solution


  def test_huge_string():
      assert solution.huge_string() == 'x'


  def test_huge_list():
      assert solution.huge_list() == [1]


  def test_huge_dict():
      assert solution.huge_dict() == {1: 1}


  def test_endless_generator():
      assert list(solution.endless()) == [0]


  def test_deeply_nested():
      assert solution.deeply_nested() == [[]]


  def test_disguised_exception():
      with pytest.raises(AssertionError):
          solution.disguised_exception()


  def test_still_graded_after_large_values():
      assert solution.add(2, 3) == 5


  def test_unprintable_exception():
      assert solution.unprintable_exception() == 5


  def test_still_graded_after_an_unprintable_exception():
      assert solution.add(2, 2) == 4
`

/** The same report problem from one line of student code: str() of a 5001-digit int raises. */
const HUGE_INT_TESTS = py`
  import solution


  def test_exception_with_a_huge_int():
      assert solution.exception_with_a_huge_int() == 5


  def test_still_graded_after_a_huge_int():
      assert solution.add(2, 2) == 4
`

/** Small on the wire, large once rebuilt: the test process, not the student's, would pay for it. */
const MANY_CONTAINERS_TESTS = py`
  import solution


  def test_many_small_containers():
      assert len(solution.many_small_containers()) == 1


  def test_still_graded_after_many_small_containers():
      assert solution.add(2, 2) == 4
`

const VALUES = [
  'test_huge_string', 'test_huge_list', 'test_huge_dict', 'test_endless_generator', 'test_deeply_nested',
  'test_disguised_exception', 'test_unprintable_exception',
]

let grader: TestGrader
let sub: Submission
let hugeInt: Submission
let manyContainers: Submission
let tookMs = 0
beforeAll(async () => {
  grader = await startReadyGrader()
  const started = Date.now()
  const graded = await gradeAll(grader, [
    python(securityFixture('hostile-return-values.py'), TESTS, { limits: { timeoutMs: 40_000 } }),
    python(securityFixture('hostile-return-values.py'), HUGE_INT_TESTS),
    python(securityFixture('hostile-return-values.py'), MANY_CONTAINERS_TESTS),
  ])
  sub = graded[0]!
  hugeInt = graded[1]!
  manyContainers = graded[2]!
  tookMs = Date.now() - started
})
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

describe('a wrong answer returning values that are hard to carry back', () => {
  it('is graded to the end, not a pass and no error of ours, in bounded time', () => {
    expectHonestVerdict(sub)
    expect(sub.result?.status, summary(sub)).toBe('fail')
    // One endless generator stopped at the 5 s test deadline, the rest quick.
    expect(tookMs).toBeLessThan(30_000)
  })

  it.each(VALUES)('%s is that test\'s fail or error', (name) => {
    const test = expectTestNotPassed(sub, name)
    expect(test.message, summary(sub)).toBeTruthy()
  })

  it('a value too large to cross is bounded: the student\'s process ran out of memory or the value was refused', () => {
    for (const name of ['test_huge_string', 'test_huge_list', 'test_huge_dict']) {
      // building the value is the student's own work: on a loaded machine it may reach the
      // test's deadline before the memory limit, which bounds it just as well
      expect(testNamed(sub, name)?.message, summary(sub)).toMatch(/memory|too large|ran for more than \d+(\.\d)? s/i)
    }
  })

  it('an endless generator is stopped at the test\'s deadline', () => {
    expect(testNamed(sub, 'test_endless_generator')?.message, summary(sub)).toMatch(/more than \d+(\.\d)? s/)
  })

  it('an exception cannot pose as another class through a __class__ property', () => {
    expect(testNamed(sub, 'test_disguised_exception')?.status, summary(sub)).toBe('fail')
    expect(testNamed(sub, 'test_disguised_exception')?.message, summary(sub)).toMatch(/Disguised/)
  })

  it('the tests after the large values are graded', () => {
    expect(testNamed(sub, 'test_still_graded_after_large_values')?.status, summary(sub)).toBe('pass')
  })

  it('an exception whose argument cannot be printed fails its test, and the tests after it are graded', () => {
    expect(testNamed(sub, 'test_unprintable_exception')?.status, summary(sub)).toBe('fail')
    expect(testNamed(sub, 'test_still_graded_after_an_unprintable_exception')?.status, summary(sub)).toBe('pass')
  })

  it('an exception holding an int too long to print fails its test, and the tests after it are graded', () => {
    expectHonestVerdict(hugeInt)
    expect(testNamed(hugeInt, 'test_exception_with_a_huge_int')?.status, summary(hugeInt)).toBe('fail')
    expect(testNamed(hugeInt, 'test_still_graded_after_a_huge_int')?.status, summary(hugeInt)).toBe('pass')
  })

  it('a value small on the wire but huge once rebuilt is that test\'s fail or error, and the tests after it are graded', () => {
    expectHonestVerdict(manyContainers)
    expectTestNotPassed(manyContainers, 'test_many_small_containers')
    expect(testNamed(manyContainers, 'test_still_graded_after_many_small_containers')?.status, summary(manyContainers)).toBe('pass')
  })

  it('leaves the grader grading: the next submission gets its honest verdict', async () => {
    await expectStillGrades(grader, python(ADD_WRONG_FOR_NEGATIVES, ADD_TESTS))
  })
})
