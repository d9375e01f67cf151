// Malformed messages: a wrong answer writes out-of-protocol messages on every
// channel it can reach. In the default (split) mode, that is its own channel
// to the test process (a unix socket among its descriptors): a lying length
// prefix, a length past the largest frame, bytes that are not JSON, JSON of
// the wrong shape, a reply out of turn, a handle and an exception described
// with values of the wrong types, a request for an object never passed (see
// the fixture). With `isolation: "in-process"` the suite runs inside the
// student's process and its runner events go to the agent on a socket that
// process holds: garbage, a wrong-typed event, a line past the event size,
// and well-typed events the agent must still be able to report on.
//
// What stops it: every message from the student's side is parsed and
// checked at the boundary (channel.py in the test process, the agent's
// schema check) before anything uses it; a malformed one stops the student's
// process and is that test's error (split), or stops the run as the
// student's error (in-process), never a fault of ours, never a crash.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { ADD_TESTS, ADD_WRONG_FOR_NEGATIVES } from '../fixtures/security/add-challenge.js'
import { python, type TestGrader } from '../helpers/grader.js'
import {
  expectHonestVerdict, expectStillGrades, expectTestNotPassed, gradeAll, py, securityFixture, startReadyGrader, summary, testNamed,
} from './helpers.js'

const MALFORMED = [
  'length_prefix_that_lies', 'length_past_the_largest_frame', 'not_json', 'json_list', 'json_object_of_no_kind',
  'reply_out_of_turn', 'handle_with_wrong_types', 'exception_with_wrong_types', 'request_for_an_object_never_passed',
] as const

const CHANNEL_TESTS = py`
  import solution

  ${MALFORMED.map(m => `def test_${m}():\n    assert solution.${m}() == 5\n`).join('\n\n')}

  def test_still_graded():
      assert solution.add(2, 3) == 5
`

/** In-process: write on the socket that carries the runner's events to the agent. */
const EVENTS_SOCKET = py`
  import gc
  import json
  import socket

  def events_socket():
      for obj in gc.get_objects():
          if isinstance(obj, socket.socket) and obj.fileno() >= 0 and obj.type == socket.SOCK_SEQPACKET:
              return obj
      raise RuntimeError('no events socket')

  def send(event):
      events_socket().send(event if isinstance(event, bytes) else (json.dumps(event) + '\n').encode())
`

const inProcess = (solution: string, tests = ADD_TESTS) => python(solution, tests, { options: { isolation: 'in-process' } })

const IN_PROCESS: Record<string, unknown> = {
  garbage: inProcess(py`
    ${EVENTS_SOCKET}

    def add(a, b):
        send(b'this is not json\n')
        return 0
  `),
  'a wrong-typed event': inProcess(py`
    ${EVENTS_SOCKET}

    def add(a, b):
        send({'e': 'report', 'id': 5, 'when': 'call', 'outcome': 'passed', 'xfail': False, 'message': None})
        return 0
  `),
  'a line past the largest event': inProcess(py`
    ${EVENTS_SOCKET}

    def add(a, b):
        for _ in range(8):
            send(b'x' * 60000)
        return 0
  `),
  // Each event is of the protocol, but the report the agent builds from them is not: a
  // setup message as long as an event may carry, which the agent then prefixes.
  'well-typed events that make the agent\'s own report too large': inProcess(py`
    ${EVENTS_SOCKET}
    import os

    def add(a, b):
        victim = 'test_solution.py::test_adds_negative_numbers'
        send({'e': 'report', 'id': victim, 'when': 'setup', 'outcome': 'failed', 'xfail': False, 'message': 'm' * 16384})
        send({'e': 'report', 'id': victim, 'when': 'teardown', 'outcome': 'passed', 'xfail': False, 'message': None})
        send({'e': 'end', 'exitstatus': 0})
        os._exit(0)
  `),
}

let grader: TestGrader
let channel: Submission
const inProcessResults: Record<string, Submission> = {}
beforeAll(async () => {
  grader = await startReadyGrader()
  const names = Object.keys(IN_PROCESS)
  const [first, ...rest] = await gradeAll(grader, [
    python(securityFixture('malformed-channel-messages.py'), CHANNEL_TESTS, { limits: { timeoutMs: 40_000 } }),
    ...names.map(n => IN_PROCESS[n]),
  ])
  channel = first!
  names.forEach((n, i) => { inProcessResults[n] = rest[i]! })
})
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

describe('malformed frames on the student process\'s own channel (split)', () => {
  it('the run is graded to the end, not a pass, and no error of ours', () => {
    expectHonestVerdict(channel)
    expect(channel.result?.status, summary(channel)).toBe('fail')
  })

  it.each(MALFORMED)('%s is that test\'s error: the student\'s process disturbed the tests and was stopped', (name) => {
    expectTestNotPassed(channel, `test_${name}`, ['error'])
    expect(testNamed(channel, `test_${name}`)?.message, summary(channel)).toMatch(/disturbed the way the tests talk to it/)
  })

  it('the test after them runs in a fresh process and passes', () => {
    expect(testNamed(channel, 'test_still_graded')?.status, summary(channel)).toBe('pass')
  })
})

describe('malformed runner events on the agent\'s socket (in-process)', () => {
  it.each(Object.keys(IN_PROCESS))('%s: the student\'s error, never a pass and never one of ours', (name) => {
    const sub = inProcessResults[name]!
    expectHonestVerdict(sub)
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'runtime', isolation: 'in-process' })
    expect(sub.result?.attempts, summary(sub)).toBe(1)
  })
})

it('leaves the grader grading: the next submission gets its honest verdict', async () => {
  await expectStillGrades(grader, python(ADD_WRONG_FOR_NEGATIVES, ADD_TESTS))
})
