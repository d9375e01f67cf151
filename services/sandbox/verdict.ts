import type { Limits } from '../shared/config/limits.js'
import type { Reason, ResultStatus } from '../shared/contracts/vocabulary.js'
import type { TestResult } from '../shared/contracts/submission-schema.js'
import { GraderError } from '../shared/errors/grader-error.js'
import type { AgentReport, AgentTest } from './agent-protocol.js'

/** What one container run produced, as observed by the worker. */
export interface RunObservation {
  /** The agent's final report; null when the container ended without one. */
  report: AgentReport | null
  /** Tests the agent found statically before any student code ran. */
  expected: string[]
  /** Outcomes streamed as tests finished (kept when the run is stopped later). */
  finished: AgentTest[]
  /** The test running when the run ended, if any. */
  current: string | null
  /** The worker killed the container at the wall-clock deadline. */
  timedOut: boolean
  /** The kernel's OOM killer struck inside the container. */
  oomKilled: boolean
  /** Exit code of the student half (the runner), if known. */
  runnerExitCode: number | null
  limits: Limits
}

export interface Verdict {
  status: ResultStatus
  reason?: Reason
  message?: string
  tests: TestResult[]
}

/** Exercism's cap on per-test output, and its note. */
export const OUTPUT_SHOWN_CHARS = 500
const TRUNCATION_NOTE = '\n[Output was truncated. Please limit to 500 chars]'

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}` : (ms / 1000).toFixed(1))
const inTest = (name: string | null) => (name ? ` while running ${name}` : '')

function shown (test: AgentTest): TestResult {
  const out: TestResult = { name: test.name, status: test.status }
  if (test.message) out.message = test.message
  if (test.output) {
    out.output = test.output.length > OUTPUT_SHOWN_CHARS ? test.output.slice(0, OUTPUT_SHOWN_CHARS) + TRUNCATION_NOTE : test.output
  }
  if (test.test_code) out.test_code = test.test_code
  return out
}

/** Tests in file order: finished ones as reported, the interrupted one and the rest as errors explaining why. */
function interruptedTests (obs: RunObservation, why: string): TestResult[] {
  const done = new Map(obs.finished.map(t => [t.name, t]))
  const reported = new Map((obs.report?.tests ?? []).map(t => [t.name, t]))
  return obs.expected.map(name => {
    const finished = done.get(name)
    if (finished) return shown(finished)
    if (obs.current !== null && (name === obs.current || obs.current.startsWith(`${name}[`))) {
      // What it printed before it was stopped helps the student most.
      const output = reported.get(name)?.output
      return shown({ name, status: 'error', message: why, ...(output ? { output } : {}) })
    }
    return { name, status: 'error', message: 'Not run: the run was stopped before this test.' }
  })
}

/**
 * Turns what a run produced into the student's verdict. Pure: every input is
 * data, so each rule is unit-tested without Docker. Order matters: what the
 * worker saw from outside (deadline, OOM kill) outranks anything in the report.
 * Throws a retryable GraderError when the run says nothing about the student's
 * code (the harness broke): that is ours to retry, never the student's failure.
 */
export function decideVerdict (obs: RunObservation): Verdict {
  const { report, limits } = obs
  if (obs.timedOut) {
    const message = `Your code ran for more than ${seconds(limits.timeoutMs)} s${inTest(obs.current)} and was stopped. Look for a loop that never ends or work that is too slow.`
    return { status: 'error', reason: 'timeout', message, tests: interruptedTests(obs, message) }
  }
  if (report?.limit === 'pids') {
    // Before the OOM flag: a fork bomb often runs out of memory too, but the processes are the cause.
    const current = report.current ?? obs.current
    const message = `Your code tried to run more than ${limits.pids} processes or threads at once${inTest(current)} and was stopped. Look for code that starts processes or threads in a loop.`
    return { status: 'error', reason: 'runtime', message, tests: interruptedTests({ ...obs, current }, message) }
  }
  if (obs.oomKilled) {
    const message = `Your code used more than ${limits.memoryMb} MB of memory${inTest(report?.current ?? obs.current)} and was stopped. Look for data that grows without bound.`
    return { status: 'error', reason: 'memory', message, tests: interruptedTests({ ...obs, current: report?.current ?? obs.current }, message) }
  }
  if (report === null) {
    throw new GraderError('harness_protocol', 'the grading container ended without a report')
  }
  if (report.fault) throw new GraderError('harness_protocol', `harness fault: ${report.fault}`)
  if (report.verdict) {
    return { status: 'error', reason: report.verdict, message: report.message ?? '', tests: [] }
  }
  const current = report.current ?? obs.current
  if (report.outputExceeded) {
    const message = `Your code printed more than ${limits.outputKb} KB of output${inTest(current)} and was stopped. Remove prints inside loops.`
    return { status: 'error', reason: 'output', message, tests: interruptedTests({ ...obs, current }, message) }
  }
  if (report.limit === 'disk') {
    const message = `Your code filled the temporary disk space (/tmp)${inTest(current)} and was stopped. Write less data to files.`
    return { status: 'error', reason: 'runtime', message, tests: interruptedTests({ ...obs, current }, message) }
  }
  if (report.problems && report.problems.length > 0) {
    return {
      status: 'error',
      reason: 'runtime',
      message: `Your code tampered with the test framework, so no result can be trusted: ${report.problems.join('; ')}`,
      tests: obs.expected.map(name => ({ name, status: 'error', message: 'No result: the test framework was tampered with during the run.' })),
    }
  }
  if (report.collectErrors && report.collectErrors.length > 0) {
    const first = report.collectErrors[0]!
    return {
      status: 'error',
      reason: 'runtime',
      message: `The tests could not load your code:\n${first.message.trim()}`,
      tests: [],
    }
  }
  if (!report.complete) {
    const message = `Your code stopped the test run early${inTest(current)} (exit code ${obs.runnerExitCode ?? 'unknown'}): tests must run to the end. Do not call exit() or os._exit() in your solution.`
    return { status: 'error', reason: 'runtime', message, tests: interruptedTests({ ...obs, current }, message) }
  }
  if (report.collected == null) {
    throw new GraderError('harness_protocol', 'the test runner finished without collecting tests')
  }
  const tests = (report.tests ?? []).map(shown)
  const counted = tests.filter(t => t.status !== 'skip')
  if (counted.length === 0) {
    return { status: 'error', reason: 'no_tests', message: 'Every test of this challenge is skipped: there is nothing to grade.', tests }
  }
  const status: ResultStatus = counted.every(t => t.status === 'pass') ? 'pass' : 'fail'
  return { status, tests }
}
