// Out of reach: a wrong answer looks, from inside its own process, for any way
// to the test process (uid 10001) that decides its verdict: the suite's files
// in /suite, the test process's /proc entries (cwd, fd, root, environ, mem,
// maps), ptrace(PTRACE_ATTACH), every readable byte of its own memory and of
// the launcher's (a key, an event, a hidden value), the objects gc can list
// (anything of pytest's or the reporter's to call), and the frames above the
// call (sys._getframe(1), inspect.stack()). Each probe is one test of one
// submission (see the fixture); the suite holds a hidden constant no test
// shows, and it must never appear in what the API answers.
//
// What stops it: the split design. The suite runs in another process, as
// another uid: /suite is a 0700 tmpfs of the grader's uid, /proc/<pid>/* of
// another uid needs ptrace access, which the kernel refuses across uids
// without CAP_SYS_PTRACE (dropped); pytest, the reporter and the suite's
// frames and objects exist only in the test process, so gc and the frame
// chain of the student's process hold nothing of them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { ADD_TESTS, ADD_WRONG_FOR_NEGATIVES } from '../fixtures/security/add-challenge.js'
import { python, type TestGrader } from '../helpers/grader.js'
import {
  expectHonestVerdict, expectNoLeak, expectStillGrades, expectTestNotPassed, hiddenMarker, py, securityFixture, startReadyGrader, summary, testNamed,
} from './helpers.js'

const HIDDEN = hiddenMarker()

const PROBES = ['read_suite', 'proc_of_the_grader', 'ptrace_the_grader', 'scan_memory', 'scan_objects', 'caller_frames'] as const

// The suite keeps a value no test shows (not in any test's code, never compared):
// only a read of the suite itself, its compiled form or the test process's memory finds it.
const TESTS = py`
  import solution

  _HIDDEN = '${HIDDEN}'

  ${PROBES.map(p => `def test_${p}():\n    assert solution.${p}() == 1\n`).join('\n\n')}
`

let grader: TestGrader
let sub: Submission
beforeAll(async () => {
  grader = await startReadyGrader()
  sub = await grader.grade(python(securityFixture('reach-the-test-process.py'), TESTS, { limits: { timeoutMs: 30_000 } }))
})
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

const printed = (name: string) => testNamed(sub, `test_${name}`)?.output ?? ''

describe('a wrong answer probing for the test process from its own', () => {
  it('is graded as the wrong answer it is: every probe\'s test fails, none is an error of ours', () => {
    expectHonestVerdict(sub)
    expect(sub.result?.status, summary(sub)).toBe('fail')
    for (const probe of PROBES) expectTestNotPassed(sub, `test_${probe}`, ['fail'])
  })

  it('never shows the suite\'s hidden constant, anywhere in the result', () => {
    expectNoLeak(sub, HIDDEN)
  })

  it.each(PROBES)('%s gets through nowhere and finds no hidden value', (probe) => {
    expect(printed(probe), summary(sub)).toMatch(/refused=\d+/)
    expect(printed(probe), summary(sub)).not.toMatch(/^(OPEN|FOUND) /m)
  })

  it('/suite and the test process\'s /proc entries and ptrace are refused, not merely absent', () => {
    expect(Number(/refused=(\d+)/.exec(printed('read_suite'))?.[1]), summary(sub)).toBeGreaterThanOrEqual(4)
    // Agent and test process, eight entries and sixteen descriptors each.
    expect(Number(/refused=(\d+)/.exec(printed('proc_of_the_grader'))?.[1]), summary(sub)).toBeGreaterThanOrEqual(2 * 24)
    expect(Number(/refused=(\d+)/.exec(printed('ptrace_the_grader'))?.[1]), summary(sub)).toBeGreaterThanOrEqual(2)
  })

  it('really scanned its own memory and the launcher\'s', () => {
    expect(Number(/scanned (\d+) MB/.exec(printed('scan_memory'))?.[1]), summary(sub)).toBeGreaterThan(1)
  })

  it('leaves the grader grading: the next submission gets its honest verdict', async () => {
    await expectStillGrades(grader, python(ADD_WRONG_FOR_NEGATIVES, ADD_TESTS))
  })
})
