'use strict'
// What each test came to, from the test process's events: a pure function of them.
//
// The twin of the Python image's judge.py (and of services/sandbox/verdict.ts,
// which decides the run's verdict from this file's outcomes). Statuses follow
// Jest's own outcome with pytest's phases: `pass`, `fail` (the test function
// failed), `error` (a beforeEach/beforeAll or afterEach hook failed, or the
// student's process failed while it ran), `skip` (skipped or todo: they do not
// count). Jest may name two tests alike: each start takes the first test of its
// name that has not started yet, so duplicates keep their own outcomes.

const KEEP_OUTPUT = 4096
/** Longest message kept per test (the protocol allows more; the worker cuts further). */
const MESSAGE_LIMIT = 4000
/** A fault of the student's process, as the reason the run names when it stopped every test. */
const FAULT_REASONS = { timeout: 'timeout', memory: 'memory' }

/** Events no honest test run sends: a second report of one phase, a report of a test that is not running. */
class OutOfTurn extends Error {
  constructor (message) { super(message); this.name = 'OutOfTurn' }
}

const cut = text => (text.length <= MESSAGE_LIMIT ? text : `${text.slice(0, MESSAGE_LIMIT)} …[cut]`)

class Run {
  constructor () {
    /** Test names in order; null until the first file was collected. */
    this.collected = null
    this.entries = []
    this.collectErrors = []
    this.current = null
    this.ended = null
  }

  /** Folds one validated runner event in; returns the entry of the test it finished, if any. */
  onEvent (ev) {
    switch (ev.e) {
      case 'collected': {
        // Cumulative: each file's tests are added as Jest collects that file.
        const old = this.entries
        this.collected = [...ev.ids]
        this.entries = ev.ids.map((name, i) => old[i] !== undefined && old[i].name === name
          ? old[i]
          : { name, code: ev.code[i] ?? '', task: ev.tasks[i] ?? null, phases: {}, fault: null, output: '', started: false, finished: false })
        break
      }
      case 'collect_error':
        if (this.collectErrors.length < 100) this.collectErrors.push({ path: ev.path, message: ev.message })
        break
      case 'start': {
        const entry = this.entries.find(t => t.name === ev.id && !t.started)
        if (entry === undefined) throw new OutOfTurn(`a start of ${ev.id.slice(0, 200)}, which was not collected`)
        entry.started = true
        this.current = entry
        break
      }
      case 'report': {
        const entry = this.current
        if (entry === null || entry.name !== ev.id) {
          throw new OutOfTurn(`a report of ${ev.id.slice(0, 200)} while ${entry === null ? 'no test' : entry.name.slice(0, 200)} was running`)
        }
        if (entry.phases[ev.when] !== undefined) throw new OutOfTurn(`a second ${ev.when} report of ${ev.id.slice(0, 200)}`)
        entry.phases[ev.when] = ev
        break
      }
      case 'fault':
        if (ev.id !== null && this.current !== null && this.current.name === ev.id && this.current.fault === null) this.current.fault = ev
        break
      case 'finish': {
        const entry = this.current
        if (entry === null || entry.name !== ev.id) throw new OutOfTurn(`a finish of ${ev.id.slice(0, 200)} that was not running`)
        entry.output = ev.output.slice(0, KEEP_OUTPUT)
        entry.finished = true
        this.current = null
        return entry
      }
      case 'output':
        if (ev.id !== null && this.current !== null && this.current.name === ev.id && this.current.output === '') {
          this.current.output = ev.text.slice(0, KEEP_OUTPUT)
        }
        break
      case 'end':
        this.ended = ev
        break
    }
    return null
  }

  /** One test as the protocol reports it. */
  outcome (entry) {
    const base = { name: entry.name }
    if (entry.code) base.test_code = entry.code
    if (entry.output) base.output = entry.output
    const [status, message] = judge(entry.phases, entry.fault, entry.finished)
    base.status = status
    if (message) base.message = cut(message)
    if (entry.fault !== null) base.reason = FAULT_REASONS[entry.fault.kind] ?? 'runtime'
    if (entry.task !== null) base.taskId = entry.task
    return base
  }

  summary () {
    return {
      complete: this.ended !== null,
      collected: this.collected,
      current: this.current === null ? null : this.current.name,
      collectErrors: this.collectErrors,
      tests: this.entries.map(e => this.outcome(e)),
    }
  }
}

/** One test's status and message from its phase reports and any fault of the student's process. */
function judge (phases, fault, finished = true) {
  if (fault !== null) return ['error', fault.message]
  const { setup, call, teardown } = phases
  if (setup === undefined || (teardown === undefined && !finished)) return ['error', 'This test did not finish: the run was stopped first.']
  // Jest fails a test whose beforeEach or afterEach throws (a stub's constructor, most often):
  // failed, as Jest reports it, not an error of the run
  if (setup.outcome === 'failed') return ['fail', `The test's set-up (beforeEach) failed: ${setup.message ?? ''}`]
  if (setup.outcome === 'skipped') return ['skip', setup.message ?? 'Skipped.']
  if (call === undefined) return ['error', 'This test reported no outcome.']
  if (call.outcome === 'failed') return ['fail', call.message ?? 'The test failed.']
  if (call.outcome === 'skipped') return ['skip', call.message ?? 'Skipped.']
  if (teardown !== undefined && teardown.outcome === 'failed') return ['fail', `The test's clean-up (afterEach) failed: ${teardown.message ?? ''}`]
  return ['pass', null]
}

module.exports = { Run, judge, OutOfTurn, MESSAGE_LIMIT }
