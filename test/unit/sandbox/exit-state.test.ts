import { describe, expect, it } from 'vitest'
import { needsExitState } from '../../../services/sandbox/exit-state.js'
import { HARNESS_PROTOCOL, type AgentReport } from '../../../services/sandbox/harness-protocol.js'
import { decideCollection, decideVerdict, type RunObservation } from '../../../services/sandbox/verdict.js'
import { resolveLimits } from '../../../services/shared/config/limits.js'

const LIMITS = resolveLimits('python', { timeoutMs: 10_000, memoryMb: 256 })
const TESTS = ['test_a.py::test_one', 'test_a.py::test_two']

function report (extra: Partial<AgentReport> = {}): AgentReport {
  return {
    event: 'report', protocol: HARNESS_PROTOCOL, complete: true, collected: TESTS, current: null,
    tests: [{ name: TESTS[0]!, status: 'pass' }, { name: TESTS[1]!, status: 'fail', message: 'assert 1 == 2' }],
    ...extra,
  }
}

function observation (extra: Partial<RunObservation> = {}): RunObservation {
  return {
    report: null, expected: TESTS, finished: [], current: null, studentStarted: true, unreadable: null,
    timedOut: false, oomKilled: false, runnerExitCode: null, limits: LIMITS, ...extra,
  }
}

/** Complete reports of every shape the verdict distinguishes: the end state is skipped for each. */
const COMPLETE: Array<[string, AgentReport]> = [
  ['tests that passed and failed', report()],
  ['a memory error inside one test', report({ tests: [{ name: TESTS[0]!, status: 'error', message: 'MemoryError' }, { name: TESTS[1]!, status: 'pass' }] })],
  ['every test skipped', report({ tests: TESTS.map(name => ({ name, status: 'skip' as const })) })],
  ['no test collected', report({ collected: [], tests: [] })],
]

describe('needsExitState', () => {
  it('skips the end state of a grading whose report is complete', () => {
    expect(needsExitState(observation({ report: report() }), false)).toBe(false)
  })

  it('reads it when there is no report, or an incomplete one (the student\'s exit and an OOM kill decide those)', () => {
    expect(needsExitState(observation(), false)).toBe(true)
    expect(needsExitState(observation({ timedOut: true }), false)).toBe(true)
    expect(needsExitState(observation({ report: report({ complete: false }) }), false)).toBe(true)
    expect(needsExitState(observation({ report: report({ complete: undefined }) }), false)).toBe(true)
  })

  it('reads it for every collection, whose decision always looks at the OOM flag', () => {
    expect(needsExitState(observation({ report: report(), studentStarted: false }), true)).toBe(true)
  })

  // What makes the skip safe: on a complete report, the fields it leaves unread change no verdict.
  it.each(COMPLETE)('gives the same verdict on a complete report (%s) whatever the OOM flag and the runner\'s exit code', (_name, complete) => {
    const obs = observation({ report: complete })
    expect(needsExitState(obs, false)).toBe(false)
    const unread = decideVerdict(obs)
    for (const oomKilled of [false, true]) {
      for (const runnerExitCode of [null, 0, 1, 137]) {
        expect(decideVerdict({ ...obs, oomKilled, runnerExitCode })).toEqual(unread)
      }
    }
  })

  it('is needed where the verdict does read them: an incomplete report with the OOM flag is a memory verdict', () => {
    const obs = observation({ report: report({ complete: false, current: TESTS[1]! }) })
    expect(needsExitState(obs, false)).toBe(true)
    expect(decideVerdict({ ...obs, oomKilled: true }).reason).toBe('memory')
    expect(decideVerdict({ ...obs, oomKilled: false }).reason).toBe('runtime')
    expect(decideCollection({ ...obs, studentStarted: false, report: report(), oomKilled: true }).ok).toBe(false)
  })
})
