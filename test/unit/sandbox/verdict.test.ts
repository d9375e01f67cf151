import { describe, expect, it } from 'vitest'
import { HARNESS_PROTOCOL, PROTOCOL_TEXT_MAX, type AgentReport, type AgentTest } from '../../../services/sandbox/harness-protocol.js'
import {
  capVerdict, cut, decideCollection, decideVerdict, OUTPUT_SHOWN_CHARS, RESULT_MAX_BYTES, RESULT_TEXT_MAX_CHARS, type RunObservation, type Verdict,
} from '../../../services/sandbox/verdict.js'
import { resolveLimits } from '../../../services/shared/config/limits.js'
import { isGraderError } from '../../../services/shared/errors/grader-error.js'

const LIMITS = resolveLimits('python', { timeoutMs: 10_000, memoryMb: 256, outputKb: 64 })
const NOTE = '\n[Output was truncated. Please limit to 500 chars]'

const pass = (name: string, extra: Partial<AgentTest> = {}): AgentTest => ({ name, status: 'pass', ...extra })
const fail = (name: string, extra: Partial<AgentTest> = {}): AgentTest => ({ name, status: 'fail', message: 'assert 1 == 2', ...extra })
const skip = (name: string): AgentTest => ({ name, status: 'skip' })

/** A report of a run that went to the end and collected `tests`. */
function report (tests: AgentTest[], extra: Partial<AgentReport> = {}): AgentReport {
  return { event: 'report', protocol: HARNESS_PROTOCOL, complete: true, collected: tests.map(t => t.name), current: null, tests, ...extra }
}

function observation (extra: Partial<RunObservation> = {}): RunObservation {
  return {
    report: null,
    expected: [],
    finished: [],
    current: null,
    studentStarted: true,
    unreadable: null,
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

/** An emoji: one character, two UTF-16 code units (a surrogate pair). */
const EMOJI = '\u{1F600}'
/** Whether `text` holds a lone surrogate, i.e. half of a split pair. */
const hasLoneSurrogate = (text: string) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)
const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value))

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

  it('reports memory when the container was OOM-killed and the run did not complete, over the output cap the report names', () => {
    const v = decideVerdict(observation({
      oomKilled: true,
      expected: ['t::a'],
      report: report([pass('t::a')], { complete: false, outputExceeded: true }),
    }))
    expect(v.status).toBe('error')
    expect(v.reason).toBe('memory')
    expect(v.message).toContain('more than 256 MB of memory')
  })

  it('reports memory when the container was OOM-killed and the report does not say the run completed', () => {
    const r = report([pass('t::a')])
    delete r.complete
    expect(decideVerdict(observation({ oomKilled: true, expected: ['t::a'], report: r })).reason).toBe('memory')
  })

  it('does not let the OOM flag override a complete report: the test whose student process was killed is the error the report holds', () => {
    const killed: AgentTest = { name: 't::b', status: 'error', message: 'Your code used more than 256 MB of memory in this test.' }
    const v = decideVerdict(observation({
      oomKilled: true,
      expected: ['t::a', 't::b'],
      report: report([pass('t::a'), killed]),
    }))
    expect(v).toEqual({ status: 'fail', tests: [{ name: 't::a', status: 'pass' }, killed] })
  })

  it('returns pass when the container saw an OOM kill but the complete report says every test passed', () => {
    const v = decideVerdict(observation({ oomKilled: true, expected: ['t::a'], report: report([pass('t::a')]) }))
    expect(v.status).toBe('pass')
    expect(v.reason).toBeUndefined()
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

describe('decideVerdict: a run without a report', () => {
  it('returns error/runtime, not a retry, when the container ended without a report after the student started', () => {
    const v = decideVerdict(observation({
      report: null,
      studentStarted: true,
      expected: THREE,
      finished: [pass(THREE[0]!)],
      current: THREE[1]!,
    }))
    expect(v.status).toBe('error')
    expect(v.reason).toBe('runtime')
    expect(v.message).toContain(`could not follow while running ${THREE[1]}`)
    expect(v.tests).toEqual([
      { name: THREE[0], status: 'pass' },
      { name: THREE[1], status: 'error', message: v.message },
      { name: THREE[2], status: 'error', message: 'Not run: the run was stopped before this test.' },
    ])
  })

  it('names why the agent output could not be read in the message of a report-less run after the student started', () => {
    const v = decideVerdict(observation({ report: null, studentStarted: true, unreadable: 'line 12 is not an event of protocol 2' }))
    expect(v.reason).toBe('runtime')
    expect(v.message).toContain('(line 12 is not an event of protocol 2)')
  })

  it('gives no reason in parentheses when nothing was unreadable', () => {
    const v = decideVerdict(observation({ report: null, studentStarted: true, unreadable: null }))
    expect(v.message).not.toContain('(')
  })

  it('cuts a long unreadable reason to 300 characters in the message', () => {
    const v = decideVerdict(observation({ report: null, studentStarted: true, unreadable: 'u'.repeat(10_000) }))
    expect(v.message).toContain(`(${'u'.repeat(300)}\n[cut: 9700 more characters])`)
    expect(v.message).not.toContain('u'.repeat(301))
  })

  it('throws a retryable harness_protocol error when the container ended without a report before the student started', () => {
    const err = graderErrorOf(() => decideVerdict(observation({ report: null, studentStarted: false, expected: THREE, current: THREE[0]! })))
    expect(err.code).toBe('harness_protocol')
    expect(err.retryable).toBe(true)
    expect(err.message).toContain('without a report')
  })

  it('carries the unreadable reason in the harness_protocol error when the student had not started', () => {
    const err = graderErrorOf(() => decideVerdict(observation({ report: null, studentStarted: false, unreadable: 'the first line was not ready' })))
    expect(err.code).toBe('harness_protocol')
    expect(err.message).toBe('the first line was not ready')
  })
})

describe('decideVerdict: faults of ours', () => {

  it('throws a retryable harness_protocol error carrying the fault when the agent reports one', () => {
    const err = graderErrorOf(() => decideVerdict(observation({
      report: report([pass('t::a')], { fault: 'runner never connected' }),
    })))
    expect(err.code).toBe('harness_protocol')
    expect(err.retryable).toBe(true)
    expect(err.message).toContain('runner never connected')
  })
})

describe('decideVerdict: the report', () => {
  it.each(['syntax', 'no_tests', 'runtime'] as const)('returns error/%s with the agent message and no tests when the agent decided before running', verdict => {
    const v = decideVerdict(observation({ report: { event: 'report', protocol: HARNESS_PROTOCOL, verdict, message: 'line 3: invalid syntax' } }))
    expect(v).toEqual({ status: 'error', reason: verdict, message: 'line 3: invalid syntax', tests: [] })
  })

  it('returns an empty message rather than none when the agent gave a verdict without one', () => {
    const v = decideVerdict(observation({ report: { event: 'report', protocol: HARNESS_PROTOCOL, verdict: 'syntax' } }))
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

  it('returns error/runtime with the words of the report when the test process ended early (stopped)', () => {
    const stopped = 'The test process was killed while running t::b: no result can be given for the tests that had not finished.'
    const v = decideVerdict(observation({
      expected: ['t::a', 't::b', 't::c'],
      finished: [pass('t::a')],
      current: null,
      report: report([pass('t::a')], { complete: false, stopped, current: 't::b' }),
    }))
    expect(v).toEqual({
      status: 'error',
      reason: 'runtime',
      message: stopped,
      tests: [
        { name: 't::a', status: 'pass' },
        { name: 't::b', status: 'error', message: stopped },
        { name: 't::c', status: 'error', message: 'Not run: the run was stopped before this test.' },
      ],
    })
  })

  it('returns error/runtime when the report says stopped even though it also says complete', () => {
    const v = decideVerdict(observation({ expected: ['t::a'], report: report([pass('t::a')], { stopped: 'stopped early' }) }))
    expect(v).toMatchObject({ status: 'error', reason: 'runtime', message: 'stopped early' })
  })

  it('ignores an empty stopped text', () => {
    expect(decideVerdict(observation({ report: report([pass('t::a')], { stopped: '' }) })).status).toBe('pass')
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
    ['null', null],
    ['absent', undefined],
  ])('returns error/runtime, not a fault, when a complete run has collected %s', (_label, collected) => {
    const r = report([pass('t::a')])
    if (collected === undefined) delete r.collected
    else r.collected = collected
    expect(decideVerdict(observation({ report: r }))).toEqual({
      status: 'error',
      reason: 'runtime',
      message: 'The test run ended before the test framework had collected the tests.',
      tests: [],
    })
  })

  it('returns error/no_tests saying the suite defines no test when pytest collected nothing', () => {
    const v = decideVerdict(observation({ report: report([]) }))
    expect(v).toEqual({ status: 'error', reason: 'no_tests', message: 'The test suite of this challenge defines no test.', tests: [] })
  })

  it('returns error/no_tests saying every test is skipped, and lists them, when every test is skipped', () => {
    const v = decideVerdict(observation({ report: report([skip('t::a'), skip('t::b')]) }))
    expect(v).toEqual({
      status: 'error',
      reason: 'no_tests',
      message: 'Every test of this challenge is skipped: there is nothing to grade.',
      tests: [{ name: 't::a', status: 'skip' }, { name: 't::b', status: 'skip' }],
    })
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
  /** A report that trips every rule at once; each case turns off the ones above it. */
  const everything = (): AgentReport => ({
    event: 'report',
    protocol: HARNESS_PROTOCOL,
    fault: 'agent broke',
    verdict: 'syntax',
    message: 'bad syntax',
    outputExceeded: true,
    limit: 'disk',
    stopped: 'STOPPED',
    collectErrors: [{ path: 'test_a.py', message: 'ImportError' }],
    complete: false,
    collected: null,
    tests: [skip('t::a')],
  })

  /** Which rule a verdict came from. */
  function rule (v: Verdict): string {
    if (v.reason !== 'runtime') return v.reason ?? v.status
    if (v.message === 'STOPPED') return 'stopped'
    if (v.message!.includes('filled the temporary disk')) return 'disk'
    if (v.message!.includes('could not load')) return 'load'
    if (v.message!.includes('stopped the test run early')) return 'early'
    if (v.message!.includes('before the test framework had collected')) return 'uncollected'
    return `unknown: ${v.message}`
  }

  const ABOVE_REPORT_RULES = ['fault', 'verdict', 'outputExceeded', 'limit', 'stopped', 'collectErrors'] as const
  type RuleKey = typeof ABOVE_REPORT_RULES[number]

  it('puts a fault before a verdict', () => {
    expect(graderErrorOf(() => decideVerdict(observation({ report: everything() }))).code).toBe('harness_protocol')
  })

  const cases: Array<[label: string, removed: readonly RuleKey[], patch: Partial<AgentReport>, expected: string]> = [
    ['a verdict before the output cap', ['fault'], {}, 'syntax'],
    ['the output cap before a full disk', ['fault', 'verdict'], {}, 'output'],
    ['a full disk before a stopped test process', ['fault', 'verdict', 'outputExceeded'], {}, 'disk'],
    ['a stopped test process before collection errors', ['fault', 'verdict', 'outputExceeded', 'limit'], {}, 'stopped'],
    ['collection errors before an early stop', ['fault', 'verdict', 'outputExceeded', 'limit', 'stopped'], {}, 'load'],
    ['an early stop before a missing collection', ABOVE_REPORT_RULES, {}, 'early'],
    ['a missing collection before an empty one', ABOVE_REPORT_RULES, { complete: true }, 'uncollected'],
    ['an empty collection before every test being skipped', ABOVE_REPORT_RULES, { complete: true, collected: [] }, 'no_tests:none'],
  ]

  it.each(cases)('puts %s', (_label, removed, patch, expected) => {
    const r = { ...everything(), ...patch }
    for (const key of removed) delete r[key]
    const v = decideVerdict(observation({ report: r }))
    const kind = v.reason === 'no_tests' ? (v.message!.includes('defines no test') ? 'no_tests:none' : 'no_tests:skipped') : rule(v)
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

describe('decideVerdict: isolation', () => {
  it.each(['split', 'in-process'] as const)('returns the isolation the report names (%s)', isolation => {
    expect(decideVerdict(observation({ report: report([pass('t::a')], { isolation }) })).isolation).toBe(isolation)
  })

  it('returns the isolation of the report on a run stopped at the deadline too', () => {
    const v = decideVerdict(observation({ timedOut: true, expected: ['t::a'], report: report([], { complete: false, isolation: 'in-process' }) }))
    expect(v.reason).toBe('timeout')
    expect(v.isolation).toBe('in-process')
  })

  it('leaves isolation out when the report does not name it', () => {
    expect(decideVerdict(observation({ report: report([pass('t::a')]) }))).not.toHaveProperty('isolation')
  })

  it('leaves isolation out when there is no report', () => {
    expect(decideVerdict(observation({ report: null, studentStarted: true }))).not.toHaveProperty('isolation')
  })
})

describe('cut', () => {
  it('keeps text of exactly the limit whole', () => {
    expect(cut('abcdefghij', 10)).toBe('abcdefghij')
  })

  it('cuts text over the limit and says how many characters were cut', () => {
    expect(cut('abcdefghijkl', 10)).toBe('abcdefghij\n[cut: 2 more characters]')
  })

  it('cuts at RESULT_TEXT_MAX_CHARS when no limit is given', () => {
    expect(RESULT_TEXT_MAX_CHARS).toBe(4000)
    expect(cut('x'.repeat(RESULT_TEXT_MAX_CHARS + 1))).toBe(`${'x'.repeat(RESULT_TEXT_MAX_CHARS)}\n[cut: 1 more characters]`)
  })

  it('does not split a surrogate pair at the cut point: the whole pair goes', () => {
    const text = 'a'.repeat(9) + EMOJI + 'bbb'
    const out = cut(text, 10)
    expect(out).toBe(`${'a'.repeat(9)}\n[cut: 5 more characters]`)
    expect(hasLoneSurrogate(out)).toBe(false)
  })

  it('keeps a surrogate pair that ends exactly at the cut point', () => {
    expect(cut('a'.repeat(8) + EMOJI + 'bbb', 10)).toBe(`${'a'.repeat(8)}${EMOJI}\n[cut: 3 more characters]`)
  })
})

describe('decideVerdict: texts are cut', () => {
  it('cuts a test message and test code to RESULT_TEXT_MAX_CHARS with the cut note', () => {
    const v = decideVerdict(observation({ report: report([fail('t::a', { message: 'm'.repeat(10_000), test_code: 'c'.repeat(5000) })]) }))
    expect(v.tests[0]!.message).toBe(`${'m'.repeat(4000)}\n[cut: 6000 more characters]`)
    expect(v.tests[0]!.test_code).toBe(`${'c'.repeat(4000)}\n[cut: 1000 more characters]`)
  })

  it('cuts the run message to RESULT_TEXT_MAX_CHARS, and the interrupted test that carries it', () => {
    const stopped = 's'.repeat(PROTOCOL_TEXT_MAX)
    const v = decideVerdict(observation({ expected: ['t::a'], report: report([], { complete: false, stopped, current: 't::a' }) }))
    const expected = `${'s'.repeat(4000)}\n[cut: ${PROTOCOL_TEXT_MAX - 4000} more characters]`
    expect(v.message).toBe(expected)
    expect(v.tests[0]!.message).toBe(expected)
  })

  it('cuts a reported test name to 1000 characters', () => {
    const name = `t::test_${'n'.repeat(1500)}`
    const v = decideVerdict(observation({ report: report([pass(name)]) }))
    expect(v.tests[0]!.name).toBe(`${name.slice(0, 1000)}\n[cut: ${name.length - 1000} more characters]`)
  })

  it('cuts the name of a test a stopped run never reached to 1000 characters', () => {
    const name = `t::test_${'n'.repeat(1500)}`
    const v = decideVerdict(observation({ timedOut: true, expected: [name] }))
    expect(v.tests[0]!.name).toBe(`${name.slice(0, 1000)}\n[cut: ${name.length - 1000} more characters]`)
  })

  it('cuts the agent message of a verdict decided before running', () => {
    const v = decideVerdict(observation({ report: { event: 'report', protocol: HARNESS_PROTOCOL, verdict: 'syntax', message: 'e'.repeat(5000) } }))
    expect(v.message).toBe(`${'e'.repeat(4000)}\n[cut: 1000 more characters]`)
  })
})

describe('capVerdict', () => {
  /** `count` failed tests, each carrying `message`, a 500-character output and `code` as test code. */
  const failing = (count: number, message: string, code = 'c'.repeat(RESULT_TEXT_MAX_CHARS)): Verdict => ({
    status: 'fail',
    tests: Array.from({ length: count }, (_, i) => ({ name: `t::test_p[${i}]`, status: 'fail' as const, message, output: 'o'.repeat(500), test_code: code })),
  })

  it('returns a verdict under RESULT_MAX_BYTES unchanged, test code included', () => {
    const v = failing(3, 'assert 1 == 2', 'assert add(1, 1) == 3')
    expect(capVerdict(v)).toEqual(v)
  })

  it('removes test code first when a result is over RESULT_MAX_BYTES, keeping messages whole', () => {
    const v = failing(100, 'm'.repeat(1000))
    expect(bytesOf(v)).toBeGreaterThan(RESULT_MAX_BYTES)
    const out = capVerdict(v)
    expect(out.tests.every(t => t.test_code === undefined)).toBe(true)
    expect(out.tests.every(t => t.message === 'm'.repeat(1000) && t.output === 'o'.repeat(500))).toBe(true)
    expect(bytesOf(out)).toBeLessThanOrEqual(RESULT_MAX_BYTES)
  })

  it('bounds under RESULT_MAX_BYTES a multi-MB result that a 1 KB suite can make, and carries the cut note', () => {
    // One parametrized test over 400 cases, each failing with the longest message the protocol carries.
    const tests = Array.from({ length: 400 }, (_, i) => fail(`test_a.py::test_p[${i}]`, {
      message: 'm'.repeat(PROTOCOL_TEXT_MAX), output: 'o'.repeat(PROTOCOL_TEXT_MAX), test_code: 'c'.repeat(PROTOCOL_TEXT_MAX),
    }))
    const r = report(tests)
    expect(bytesOf(r)).toBeGreaterThan(16 * 1024 * 1024)
    const v = decideVerdict(observation({ report: r }))
    expect(bytesOf(v)).toBeLessThanOrEqual(RESULT_MAX_BYTES)
    expect(v.status).toBe('fail')
    expect(v.tests).toHaveLength(400)
    for (const t of v.tests) {
      expect(t.test_code).toBeUndefined()
      expect(t.message).toMatch(/^m{200}\n\[cut: \d+ more characters\]$/)
      expect(t.output).toMatch(/^o{200}\n\[cut: \d+ more characters\]$/)
    }
  })

  it('keeps every test name and status, in order, when even short messages do not fit', () => {
    const v = failing(5000, 'm'.repeat(RESULT_TEXT_MAX_CHARS))
    const out = capVerdict(v)
    expect(bytesOf(out)).toBeLessThanOrEqual(RESULT_MAX_BYTES)
    expect(out.tests).toEqual(v.tests.map(t => ({ name: t.name, status: t.status })))
  })

  it('does not split a surrogate pair when it cuts messages short', () => {
    const out = capVerdict(failing(500, 'm'.repeat(199) + EMOJI + 'm'.repeat(3800)))
    expect(out.tests[0]!.message).toMatch(/^m{199}\n\[cut: \d+ more characters\]$/)
    expect(out.tests.some(t => hasLoneSurrogate(t.message ?? ''))).toBe(false)
  })

  it('cuts the run message to RESULT_TEXT_MAX_CHARS', () => {
    const out = capVerdict({ status: 'error', reason: 'runtime', message: 'x'.repeat(5000), tests: [] })
    expect(out.message).toBe(`${'x'.repeat(4000)}\n[cut: 1000 more characters]`)
  })

  it('leaves the verdict it is given untouched', () => {
    const v = failing(100, 'm'.repeat(1000))
    const before = JSON.stringify(v)
    capVerdict(v)
    expect(JSON.stringify(v)).toBe(before)
  })
})

describe('task ids', () => {
  it('keeps the task a test declared, and none for a test without one', () => {
    const v = decideVerdict(observation({ report: report([pass('t.py::test_a', { taskId: 2 }), fail('t.py::test_b')]) }))
    expect(v.tests.map(t => t.taskId)).toEqual([2, undefined])
    expect('taskId' in v.tests[1]!).toBe(false)
  })
})

describe('decideCollection', () => {
  const collectedReport = (extra: Partial<AgentReport>): AgentReport =>
    ({ event: 'report', protocol: HARNESS_PROTOCOL, complete: true, collected: [], current: null, collectErrors: [], tests: [], ...extra })
  const collecting = (extra: Partial<AgentReport>) => observation({ studentStarted: false, report: collectedReport(extra) })

  it('answers the ids pytest collected, in its order', () => {
    expect(decideCollection(collecting({ collected: ['t.py::test_b', 't.py::test_a[1]'] }))).toEqual({ ok: true, tests: ['t.py::test_b', 't.py::test_a[1]'] })
  })

  it('says a suite with no test, or one pytest could not collect, is a problem of the suite', () => {
    expect(decideCollection(collecting({ collected: [] }))).toEqual({ ok: false, problem: 'the suite defines no test' })
    const broken = decideCollection(collecting({ collected: [], collectErrors: [{ path: 'test_x.py', message: 'E   SyntaxError: invalid syntax' }, { path: 'test_y.py', message: 'x' }] }))
    expect(broken).toEqual({ ok: false, problem: 'the test framework could not collect test_x.py (and 1 more):\nE   SyntaxError: invalid syntax' })
    expect(decideCollection(collecting({ complete: false, collected: null }))).toMatchObject({ ok: false })
  })

  it('words a starter file that does not parse for the author', () => {
    const out = decideCollection(observation({ studentStarted: false, report: { event: 'report', protocol: HARNESS_PROTOCOL, verdict: 'syntax', message: 'Your file "solution.py" has a syntax error on line 1' } }))
    expect(out).toEqual({ ok: false, problem: 'a file does not parse: the starter file "solution.py" has a syntax error on line 1' })
  })

  it('throws a retryable fault when the container gave no report or the harness failed', () => {
    const none = graderErrorOf(() => decideCollection(observation({ studentStarted: false })))
    expect([none.code, none.retryable]).toEqual(['harness_protocol', true])
    expect(graderErrorOf(() => decideCollection(collecting({ fault: 'bad job' }))).code).toBe('harness_protocol')
  })
})
