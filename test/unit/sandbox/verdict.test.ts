import { describe, expect, it } from 'vitest'
import type { AgentReport, AgentTest } from '../../../services/sandbox/agent-protocol.js'
import { decideVerdict, OUTPUT_SHOWN_CHARS, type RunObservation } from '../../../services/sandbox/verdict.js'
import { resolveLimits } from '../../../services/shared/config/limits.js'
import { isGraderError } from '../../../services/shared/errors/grader-error.js'

const LIMITS = resolveLimits('python', { timeoutMs: 10_000, memoryMb: 256, outputKb: 64 })
const NOTE = '\n[Output was truncated. Please limit to 500 chars]'

const pass = (name: string, extra: Partial<AgentTest> = {}): AgentTest => ({ name, status: 'pass', ...extra })
const fail = (name: string, extra: Partial<AgentTest> = {}): AgentTest => ({ name, status: 'fail', message: 'assert 1 == 2', ...extra })
const skip = (name: string): AgentTest => ({ name, status: 'skip' })

/** A report of a run that went to the end and collected `tests`. */
function report (tests: AgentTest[], extra: Partial<AgentReport> = {}): AgentReport {
  return { event: 'report', protocol: 1, complete: true, collected: tests.map(t => t.name), current: null, tests, ...extra }
}

function observation (extra: Partial<RunObservation> = {}): RunObservation {
  return {
    report: null,
    expected: [],
    finished: [],
    current: null,
    timedOut: false,
    oomKilled: false,
    runnerExitCode: 0,
    limits: LIMITS,
    ...extra,
  }
}

/** The GraderError `fn` throws; fails the test when it returns or throws anything else. */
function graderErrorOf (fn: () => unknown) {
  try {
    fn()
  } catch (err) {
    if (isGraderError(err)) return err
    throw err
  }
  throw new Error('expected a GraderError, nothing was thrown')
}

const THREE = ['test_a.py::test_one', 'test_a.py::test_two', 'test_a.py::test_three']

describe('decideVerdict: what the worker saw from outside', () => {
  it('reports a timeout even when the container was also OOM-killed and the report says every test passed', () => {
    const v = decideVerdict(observation({
      timedOut: true,
      oomKilled: true,
      expected: ['t::a'],
      report: report([pass('t::a')]),
    }))
    expect(v.status).toBe('error')
    expect(v.reason).toBe('timeout')
  })

  it('names the time limit in seconds and the running test in the timeout message', () => {
    const v = decideVerdict(observation({ timedOut: true, current: 'test_a.py::test_two', expected: THREE }))
    expect(v.message).toContain('more than 10 s while running test_a.py::test_two')
  })

  it('writes a fractional time limit with one decimal in the timeout message', () => {
    const v = decideVerdict(observation({ timedOut: true, limits: { ...LIMITS, timeoutMs: 2500 } }))
    expect(v.message).toContain('more than 2.5 s and was stopped')
  })

  it('reports memory when the container was OOM-killed, whatever the report says', () => {
    const v = decideVerdict(observation({
      oomKilled: true,
      expected: ['t::a'],
      report: report([pass('t::a')], { outputExceeded: true, problems: ['pytest was patched'] }),
    }))
    expect(v.status).toBe('error')
    expect(v.reason).toBe('memory')
    expect(v.message).toContain('more than 256 MB of memory')
  })

  it('reports memory without a report at all, instead of calling the harness broken', () => {
    const v = decideVerdict(observation({ oomKilled: true, report: null, current: 't::a', expected: ['t::a'] }))
    expect(v.reason).toBe('memory')
    expect(v.tests).toEqual([{ name: 't::a', status: 'error', message: v.message }])
  })

  it('blames the test the report names as running on OOM, over the one the worker last saw', () => {
    const v = decideVerdict(observation({
      oomKilled: true,
      expected: THREE,
      finished: [pass(THREE[0]!)],
      current: THREE[0]!,
      report: report([], { complete: false, current: THREE[1]! }),
    }))
    expect(v.message).toContain(`while running ${THREE[1]}`)
    expect(v.tests.map(t => t.status)).toEqual(['pass', 'error', 'error'])
    expect(v.tests[1]!.message).toBe(v.message)
    expect(v.tests[2]!.message).toMatch(/^Not run/)
  })
})

describe('decideVerdict: tests of a stopped run', () => {
  it('keeps finished tests as they were, gives the running test the reason and marks the rest as not run', () => {
    const v = decideVerdict(observation({
      timedOut: true,
      expected: THREE,
      finished: [fail(THREE[0]!, { output: 'printed' })],
      current: THREE[1]!,
    }))
    expect(v.tests).toEqual([
      { name: THREE[0], status: 'fail', message: 'assert 1 == 2', output: 'printed' },
      { name: THREE[1], status: 'error', message: v.message },
      { name: THREE[2], status: 'error', message: 'Not run: the run was stopped before this test.' },
    ])
  })

  it('lists tests in the order they were found, not the order they finished', () => {
    const v = decideVerdict(observation({
      timedOut: true,
      expected: THREE,
      finished: [pass(THREE[2]!), pass(THREE[0]!)],
      current: THREE[1]!,
    }))
    expect(v.tests.map(t => t.name)).toEqual(THREE)
  })

  it('marks every unfinished test as not run when no test was running at the deadline', () => {
    const v = decideVerdict(observation({ timedOut: true, expected: THREE, current: null }))
    expect(v.message).not.toContain('while running')
    expect(v.tests.every(t => t.status === 'error' && t.message!.startsWith('Not run'))).toBe(true)
  })

  it('attributes a running parametrized case to the test function the tests were found as', () => {
    const v = decideVerdict(observation({ timedOut: true, expected: ['t::test_p'], current: 't::test_p[3]' }))
    expect(v.tests).toEqual([{ name: 't::test_p', status: 'error', message: v.message }])
  })

  it('does not attribute a running test to another test whose name it merely starts with', () => {
    const v = decideVerdict(observation({ timedOut: true, expected: ['t::test_a', 't::test_ab'], current: 't::test_ab' }))
    expect(v.tests[0]!.message).toMatch(/^Not run/)
    expect(v.tests[1]!.message).toBe(v.message)
  })
})

describe('decideVerdict: faults of ours', () => {
  it('throws a retryable harness_protocol error when the container ended without a report', () => {
    const err = graderErrorOf(() => decideVerdict(observation({ report: null })))
    expect(err.code).toBe('harness_protocol')
    expect(err.retryable).toBe(true)
  })

  it('throws a retryable harness_protocol error carrying the fault when the agent reports one', () => {
    const err = graderErrorOf(() => decideVerdict(observation({
      report: report([pass('t::a')], { fault: 'runner never connected' }),
    })))
    expect(err.code).toBe('harness_protocol')
    expect(err.retryable).toBe(true)
    expect(err.message).toContain('runner never connected')
  })

  it.each([
    ['null', null],
    ['absent', undefined],
  ])('throws harness_protocol when a complete run has collected %s', (_label, collected) => {
    const r = report([pass('t::a')])
    if (collected === undefined) delete r.collected
    else r.collected = collected
    const err = graderErrorOf(() => decideVerdict(observation({ report: r })))
    expect(err.code).toBe('harness_protocol')
    expect(err.retryable).toBe(true)
  })
})

describe('decideVerdict: the report', () => {
  it.each(['syntax', 'no_tests', 'runtime'] as const)('returns error/%s with the agent message and no tests when the agent decided before running', verdict => {
    const v = decideVerdict(observation({ report: { event: 'report', protocol: 1, verdict, message: 'line 3: invalid syntax' } }))
    expect(v).toEqual({ status: 'error', reason: verdict, message: 'line 3: invalid syntax', tests: [] })
  })

  it('returns an empty message rather than none when the agent gave a verdict without one', () => {
    const v = decideVerdict(observation({ report: { event: 'report', protocol: 1, verdict: 'syntax' } }))
    expect(v.message).toBe('')
  })

  it('returns error/output naming the limit when the output cap was hit', () => {
    const v = decideVerdict(observation({
      expected: ['t::a', 't::b'],
      report: report([], { complete: false, outputExceeded: true, current: 't::a' }),
    }))
    expect(v.status).toBe('error')
    expect(v.reason).toBe('output')
    expect(v.message).toContain('more than 64 KB of output while running t::a')
  })

  it('keeps what the interrupted test printed when the output cap was hit', () => {
    const v = decideVerdict(observation({
      expected: ['t::a', 't::b'],
      finished: [pass('t::a')],
      report: report([{ name: 't::b', status: 'error', output: 'spam spam' }], { complete: false, outputExceeded: true, current: 't::b' }),
    }))
    expect(v.tests).toEqual([
      { name: 't::a', status: 'pass' },
      { name: 't::b', status: 'error', message: v.message, output: 'spam spam' },
    ])
  })

  it('returns error/runtime listing every problem when the runner saw tampering', () => {
    const v = decideVerdict(observation({
      report: report([pass('t::a')], { problems: ['pytest.main was replaced', 'sys.exit was replaced'] }),
    }))
    expect(v.status).toBe('error')
    expect(v.reason).toBe('runtime')
    expect(v.message).toContain('pytest.main was replaced; sys.exit was replaced')
    expect(v.tests).toEqual([])
  })

  it('ignores an empty problems list', () => {
    const v = decideVerdict(observation({ report: report([pass('t::a')], { problems: [] }) }))
    expect(v.status).toBe('pass')
  })

  it('returns error/runtime with the first collection error, trimmed, when the tests could not import the code', () => {
    const v = decideVerdict(observation({
      report: report([], {
        collected: [],
        collectErrors: [
          { path: 'test_a.py', message: '\nImportError: cannot import name add\n\n' },
          { path: 'test_b.py', message: 'second error' },
        ],
      }),
    }))
    expect(v).toEqual({
      status: 'error',
      reason: 'runtime',
      message: 'The tests could not load your code:\nImportError: cannot import name add',
      tests: [],
    })
  })

  it('returns error/runtime with the exit code when the run stopped early', () => {
    const v = decideVerdict(observation({
      expected: ['t::a', 't::b'],
      finished: [pass('t::a')],
      runnerExitCode: 3,
      report: report([pass('t::a')], { complete: false, current: 't::b' }),
    }))
    expect(v.status).toBe('error')
    expect(v.reason).toBe('runtime')
    expect(v.message).toContain('while running t::b (exit code 3)')
    expect(v.tests.map(t => t.status)).toEqual(['pass', 'error'])
  })

  it('says the exit code is unknown when the run stopped early and no exit code was seen', () => {
    const v = decideVerdict(observation({ runnerExitCode: null, report: report([], { complete: false }) }))
    expect(v.message).toContain('(exit code unknown)')
  })

  it('treats a report without complete as a run that stopped early', () => {
    const r = report([pass('t::a')])
    delete r.complete
    expect(decideVerdict(observation({ report: r })).reason).toBe('runtime')
  })

  it.each([
    ['every test is skipped', [skip('t::a'), skip('t::b')]],
    ['no test was collected', []],
  ])('returns error/no_tests when %s', (_label, tests) => {
    const v = decideVerdict(observation({ report: report(tests) }))
    expect(v.status).toBe('error')
    expect(v.reason).toBe('no_tests')
    expect(v.tests).toHaveLength(tests.length)
  })

  it('returns pass without a reason when every test that ran passed, skipped ones aside', () => {
    const v = decideVerdict(observation({ report: report([pass('t::a'), skip('t::b'), pass('t::c')]) }))
    expect(v).toEqual({
      status: 'pass',
      tests: [{ name: 't::a', status: 'pass' }, { name: 't::b', status: 'skip' }, { name: 't::c', status: 'pass' }],
    })
  })

  it('returns fail when one test fails', () => {
    const v = decideVerdict(observation({ report: report([pass('t::a'), fail('t::b')]) }))
    expect(v.status).toBe('fail')
    expect(v.reason).toBeUndefined()
  })

  it('returns fail when one test errors', () => {
    const v = decideVerdict(observation({ report: report([pass('t::a'), { name: 't::b', status: 'error', message: 'boom' }]) }))
    expect(v.status).toBe('fail')
  })

  it('keeps message, output and test code of each test', () => {
    const v = decideVerdict(observation({
      report: report([fail('t::a', { output: 'hello\n', test_code: 'assert add(1, 1) == 3' })]),
    }))
    expect(v.tests).toEqual([{ name: 't::a', status: 'fail', message: 'assert 1 == 2', output: 'hello\n', test_code: 'assert add(1, 1) == 3' }])
  })
})

describe('decideVerdict: per-test output', () => {
  it('cuts output longer than 500 characters and appends the Exercism note', () => {
    const v = decideVerdict(observation({ report: report([pass('t::a', { output: 'x'.repeat(OUTPUT_SHOWN_CHARS) + 'TAIL' })]) }))
    expect(OUTPUT_SHOWN_CHARS).toBe(500)
    expect(v.tests[0]!.output).toBe('x'.repeat(500) + NOTE)
  })

  it('keeps output of exactly 500 characters whole', () => {
    const v = decideVerdict(observation({ report: report([pass('t::a', { output: 'y'.repeat(500) })]) }))
    expect(v.tests[0]!.output).toBe('y'.repeat(500))
  })

  it('cuts the output of a finished test of a stopped run too', () => {
    const v = decideVerdict(observation({
      timedOut: true,
      expected: ['t::a'],
      finished: [pass('t::a', { output: 'z'.repeat(800) })],
    }))
    expect(v.tests[0]!.output).toBe('z'.repeat(500) + NOTE)
  })

  it('leaves out output, message and test code that are empty', () => {
    const v = decideVerdict(observation({ report: report([{ name: 't::a', status: 'pass', output: '', message: '', test_code: '' }]) }))
    expect(v.tests[0]).toEqual({ name: 't::a', status: 'pass' })
  })
})

describe('decideVerdict: precedence inside the report', () => {
  /** A report that trips every rule at once; each case removes the ones above it. */
  const everything = (): AgentReport => ({
    event: 'report',
    protocol: 1,
    fault: 'agent broke',
    verdict: 'syntax',
    message: 'bad syntax',
    outputExceeded: true,
    problems: ['tampered'],
    collectErrors: [{ path: 'test_a.py', message: 'ImportError' }],
    complete: false,
    collected: null,
    tests: [],
  })

  it('puts a fault before a verdict', () => {
    expect(graderErrorOf(() => decideVerdict(observation({ report: everything() }))).code).toBe('harness_protocol')
  })

  it.each([
    ['a verdict before the output cap', ['fault'], 'syntax'],
    ['the output cap before tampering', ['fault', 'verdict'], 'output'],
    ['tampering before collection errors', ['fault', 'verdict', 'outputExceeded'], 'runtime:tampered'],
    ['collection errors before an early stop', ['fault', 'verdict', 'outputExceeded', 'problems'], 'runtime:load'],
    ['an early stop before a missing collection', ['fault', 'verdict', 'outputExceeded', 'problems', 'collectErrors'], 'runtime:early'],
  ] as const)('puts %s', (_label, removed, expected) => {
    const r = everything()
    for (const key of removed) delete r[key]
    const v = decideVerdict(observation({ report: r }))
    const kind = v.reason !== 'runtime'
      ? v.reason
      : v.message!.includes('tampered') ? 'runtime:tampered' : v.message!.includes('could not load') ? 'runtime:load' : 'runtime:early'
    expect(kind).toBe(expected)
  })
})

describe('a fork bomb that also ran out of memory', () => {
  it('is reported as too many processes, the cause, not as memory', () => {
    const v = decideVerdict(observation({ oomKilled: true, report: report([], { complete: false, limit: 'pids', current: 'test_a.py::test_x' }) }))
    expect(v).toMatchObject({ status: 'error', reason: 'runtime' })
    expect(v.message).toMatch(/processes or threads/)
  })
})
