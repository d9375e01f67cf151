import type { Limits } from '../shared/config/limits.js'
import type { Reason, ResultStatus } from '../shared/contracts/vocabulary.js'
import type { TestResult } from '../shared/contracts/submission-schema.js'
import type { SuiteCollection } from '../shared/contracts/job-schema.js'
import { GraderError } from '../shared/errors/grader-error.js'
import type { AgentReport, AgentTest, Isolation } from './harness-protocol.js'

/** What one container run produced, as observed by the worker. */
export interface RunObservation {
  /** The agent's final report; null when the container ended without one. */
  report: AgentReport | null
  /** Tests the framework collected, in order (streamed before any ran). */
  expected: string[]
  /** The student's side was started: from then on, whatever the container does is the student's outcome. */
  studentStarted: boolean
  /** Why the worker could not read the agent's output (out of protocol, oversized), if so. */
  unreadable: string | null
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
  isolation?: Isolation
}

/** Longest run message and per-test message or test code kept in a result. */
export const RESULT_TEXT_MAX_CHARS = 4000
/** Largest result, as JSON, before test code and then messages are cut further. */
export const RESULT_MAX_BYTES = 256 * 1024

/** Exercism's cap on per-test output, and its note. */
export const OUTPUT_SHOWN_CHARS = 500
const TRUNCATION_NOTE = '\n[Output was truncated. Please limit to 500 chars]'

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}` : (ms / 1000).toFixed(1))
const inTest = (name: string | null) => (name ? ` while running ${name}` : '')

/** `text` at most `max` characters, with a note saying how much was cut. */
export function cut (text: string, max: number = RESULT_TEXT_MAX_CHARS): string {
  if (text.length <= max) return text
  const kept = safeSlice(text, max)
  return `${kept}\n[cut: ${text.length - kept.length} more characters]`
}

/** The first `max` UTF-16 units of `text`, one fewer rather than half a surrogate pair: results stay well-formed. */
function safeSlice (text: string, max: number): string {
  const end = /[\uD800-\uDBFF]/.test(text[max - 1] ?? '') ? max - 1 : max
  return text.slice(0, end)
}

function shown (test: AgentTest): TestResult {
  const out: TestResult = { name: cut(test.name, 1000), status: test.status }
  if (test.message) out.message = cut(test.message)
  if (test.output) {
    out.output = test.output.length > OUTPUT_SHOWN_CHARS ? safeSlice(test.output, OUTPUT_SHOWN_CHARS) + TRUNCATION_NOTE : test.output
  }
  if (test.test_code) out.test_code = cut(test.test_code)
  if (test.taskId !== undefined) out.taskId = test.taskId
  return out
}

/**
 * Bounds a verdict's size whatever the run said: every text is already cut
 * (`shown`); past RESULT_MAX_BYTES in all, test code goes first, then
 * messages are cut short, so a 1 KB submission can never make a huge result.
 */
export function capVerdict (verdict: Verdict): Verdict {
  const out: Verdict = { ...verdict, tests: verdict.tests.map(t => ({ ...t })) }
  if (out.message !== undefined) out.message = cut(out.message)
  const size = () => Buffer.byteLength(JSON.stringify(out))
  if (size() <= RESULT_MAX_BYTES) return out
  for (const t of out.tests) delete t.test_code
  if (size() <= RESULT_MAX_BYTES) return out
  for (const t of out.tests) {
    if (t.message !== undefined) t.message = cut(t.message, 200)
    if (t.output !== undefined) t.output = cut(t.output, 200)
  }
  if (size() <= RESULT_MAX_BYTES) return out
  // Only a very long list of tests is left: keep their names and statuses, then as many tests as fit.
  for (const t of out.tests) { delete t.message; delete t.output }
  const note = 'The result was too large to show in full: test messages and output were left out.'
  out.message = out.message === undefined ? note : `${out.message}\n${note}`
  let bytes = size()
  const all = out.tests.length
  while (bytes > RESULT_MAX_BYTES && out.tests.length > 0) {
    bytes -= Buffer.byteLength(JSON.stringify(out.tests.pop())) + 1
  }
  if (out.tests.length < all) out.message += ` ${all - out.tests.length} of ${all} tests are not listed.`
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
    return { name: cut(name, 1000), status: 'error', message: 'Not run: the run was stopped before this test.' }
  })
}

/** Decides the verdict and bounds its size (see capVerdict). */
export function decideVerdict (obs: RunObservation): Verdict {
  const verdict = capVerdict(judgeRun(obs))
  if (obs.report?.isolation !== undefined) verdict.isolation = obs.report.isolation
  return verdict
}

/**
 * Turns what a run produced into the student's verdict. Pure: every input is
 * data, so each rule is unit-tested without Docker. Order matters: what the
 * worker saw from outside (deadline, OOM kill) outranks anything in the report.
 * Throws a retryable GraderError when the run says nothing about the student's
 * code (the harness broke): that is ours to retry, never the student's failure.
 */
function judgeRun (obs: RunObservation): Verdict {
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
  // A memory kill the run lived through (one test's student process) is that test's error, in the report.
  if (obs.oomKilled && report?.complete !== true) {
    const message = `Your code used more than ${limits.memoryMb} MB of memory${inTest(report?.current ?? obs.current)} and was stopped. Look for data that grows without bound.`
    return { status: 'error', reason: 'memory', message, tests: interruptedTests({ ...obs, current: report?.current ?? obs.current }, message) }
  }
  if (report === null) {
    if (obs.studentStarted) {
      // The student's code ran, and the grading could not be read to its end: that run is the
      // student's outcome, never a job to redeliver (a poison job must not come back).
      const message = `Your code's run ended in a way the grader could not follow${inTest(obs.current)}${obs.unreadable ? ` (${cut(obs.unreadable, 300)})` : ''}, so no result can be given for the tests that had not finished.`
      return { status: 'error', reason: 'runtime', message, tests: interruptedTests(obs, message) }
    }
    throw new GraderError('harness_protocol', obs.unreadable ?? 'the grading container ended without a report')
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
  if (report.stopped) {
    return { status: 'error', reason: 'runtime', message: report.stopped, tests: interruptedTests({ ...obs, current }, report.stopped) }
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
    const message = `Your code stopped the test run early${inTest(current)} (exit code ${obs.runnerExitCode ?? 'unknown'}): tests must run to the end. Do not end the process from your solution (exit(), os._exit(), process.exit()).`
    return { status: 'error', reason: 'runtime', message, tests: interruptedTests({ ...obs, current }, message) }
  }
  if (report.collected == null) {
    const message = 'The test run ended before the test framework had collected the tests.'
    return { status: 'error', reason: 'runtime', message, tests: [] }
  }
  if (report.collected.length === 0) {
    return { status: 'error', reason: 'no_tests', message: 'The test suite of this challenge defines no test.', tests: [] }
  }
  const tests = (report.tests ?? []).map(shown)
  const counted = tests.filter(t => t.status !== 'skip')
  if (counted.length === 0) {
    return { status: 'error', reason: 'no_tests', message: 'Every test of this challenge is skipped: there is nothing to grade.', tests }
  }
  // Every test that counts was stopped by a failure of the student's process (a memory bomb or an
  // endless loop in the code every test calls): nothing was graded, and the run says why.
  const faulted = (report.tests ?? []).filter(t => t.status !== 'skip')
  if (faulted.every(t => t.status === 'error' && t.reason !== undefined)) {
    const first = faulted[0]!
    return { status: 'error', reason: first.reason, message: first.message ?? '', tests }
  }
  const status: ResultStatus = counted.every(t => t.status === 'pass') ? 'pass' : 'fail'
  return { status, tests }
}

/**
 * What a collect-only run (`collectOnly` job) says about the suite: the ids
 * the framework collected, or why it does not collect. Only the author's files were
 * in the container (no student side was started), so a suite that does not
 * collect is the author's problem, answered as such; a run with no report is
 * a fault of ours (retryable), as for grading.
 */
export function decideCollection (obs: RunObservation): SuiteCollection {
  const { report } = obs
  if (report === null) throw new GraderError('harness_protocol', obs.unreadable ?? 'the collecting container ended without a report')
  if (report.fault) throw new GraderError('harness_protocol', `harness fault: ${report.fault}`)
  if (report.verdict === 'syntax') {
    // intake words it for a student: "Your file" is the starter file here
    return { ok: false, problem: cut(`a file does not parse: ${report.message ?? ''}`.replace(/Your file/g, 'the starter file'), 1000) }
  }
  if (report.verdict) return { ok: false, problem: cut(report.message ?? `the suite was refused (${report.verdict})`, 1000) }
  if (report.collectErrors !== undefined && report.collectErrors.length > 0) {
    const first = report.collectErrors[0]!
    const more = report.collectErrors.length > 1 ? ` (and ${report.collectErrors.length - 1} more)` : ''
    return { ok: false, problem: cut(`the test framework could not collect ${first.path}${more}:\n${first.message.trim()}`, 2000) }
  }
  if (report.stopped) return { ok: false, problem: cut(report.stopped, 1000) }
  if (report.limit !== undefined || obs.oomKilled) return { ok: false, problem: 'collecting the suite ran into the container\'s limits' }
  if (report.complete !== true || report.collected == null) return { ok: false, problem: 'the test framework ended before it had collected the tests' }
  if (report.collected.length === 0) return { ok: false, problem: 'the suite defines no test' }
  return { ok: true, tests: report.collected }
}
