'use strict'
// The run, as the test process sees it: the launcher on the student's side,
// one student process per test file (restarted after a test in which it
// failed), and the events that tell the agent what Jest did.
//
// test-process.js makes the one Session of the process before Jest starts
// (`start`); Jest then loads jest-environment.js once per test file, in this
// same process (--runInBand), and that environment finds the session here:
// Jest builds environments from a module path and plain JSON options, so a
// live object can reach it no other way.
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { randomBytes } = require('node:crypto')
const { Channel } = require('./channel.js')

// Overridable only so the harness's tests can run it outside a container.
const CHANNELS = path.join(process.env.GRADER_RUN || '/run/grader', 'channels')
const SPAWN_WAIT_MS = 10_000
/** How long the verdict of a test waits for the launcher to pass on the student's late output. */
const SYNC_WAIT_MS = 500
/** How long a new student process may take to serve (Node's own start-up). */
const READY_WAIT_MS = 10_000
/** Longest output kept per test (the protocol allows more; the worker shows 500 characters). */
const KEEP_OUTPUT = 4096
const MESSAGE_LIMIT = 4000
/** How much of a student process's own output is kept from one chunk to the next, to read why it ends. */
const LAST_WORDS = 200
/** V8's last words when a heap is full ("FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"). */
const V8_OUT_OF_MEMORY = /FATAL ERROR:[^\n]*heap out of memory/

/**
 * The student process's JavaScript heap: a share of the run's memory, which the test process
 * (Jest, about 150 MB), the agent and the launcher share with it. Below what V8 would take on
 * its own (half the container's), so a heap that grows without bound meets this limit first.
 */
const studentHeapMb = memoryMb => Math.max(32, Math.floor(memoryMb * HEAP_SHARE))
const HEAP_SHARE = 0.4

const cut = (text, limit = MESSAGE_LIMIT) => (text.length <= limit ? text : `${text.slice(0, limit)} …[cut]`)
const seconds = ms => (ms % 1000 === 0 ? `${ms / 1000}` : (ms / 1000).toFixed(1))

let current = null

/** The launcher: JSON lines over the connection the agent handed over. Everything it says is the student's. */
class LauncherClient {
  constructor (socket) {
    this.socket = socket
    this.pending = ''
    this.waiters = []
    this.onOut = () => {}
    this.onExit = () => {}
    this.closed = false
    socket.setEncoding('utf8')
    socket.on('data', data => this.read(data))
    socket.on('close', () => { this.closed = true; for (const w of this.waiters.splice(0)) w.resolve(null) })
    socket.on('error', () => {})
  }

  read (data) {
    this.pending += data
    if (this.pending.length > 2 << 20 && this.pending.indexOf('\n') === -1) { this.pending = ''; return }
    let newline
    while ((newline = this.pending.indexOf('\n')) !== -1) {
      const line = this.pending.slice(0, newline)
      this.pending = this.pending.slice(newline + 1)
      let m
      try { m = JSON.parse(line) } catch { continue }
      if (m === null || typeof m !== 'object' || !Number.isSafeInteger(m.n)) continue
      if (m.op === 'out' && typeof m.s === 'string') this.onOut(m.n, m.s)
      else if (m.op === 'exit') {
        this.onExit(m.n, {
          code: Number.isInteger(m.code) ? m.code : null,
          signal: typeof m.signal === 'string' ? m.signal.slice(0, 20) : null,
        })
      }
      for (const w of this.waiters.slice()) {
        if (w.op === m.op && w.n === m.n) { this.waiters.splice(this.waiters.indexOf(w), 1); w.resolve(m) }
      }
    }
  }

  send (message) {
    if (!this.closed) this.socket.write(JSON.stringify(message) + '\n')
  }

  /** Everything the launcher read from the student's pipes so far has arrived (or `ms` passed). */
  async sync (n, ms = SYNC_WAIT_MS) {
    if (this.closed) return
    const synced = this.wait('synced', n, ms)
    this.send({ op: 'sync', n })
    await synced
  }

  wait (op, n, ms) {
    return new Promise(resolve => {
      const waiter = { op, n, resolve }
      this.waiters.push(waiter)
      setTimeout(() => {
        const i = this.waiters.indexOf(waiter)
        if (i !== -1) { this.waiters.splice(i, 1); resolve(null) }
      }, ms).unref()
    })
  }
}

/** One student process, reached over a pair of FIFOs; `restart` makes a new one after a failure. */
class StudentLink {
  constructor (session) {
    this.session = session
    this.peer = null
    this.channel = null
    this.n = 0
    this.dead = true
    this.exits = new Map()
    this.deaths = new Map()
    this.stopped = new Set()
    /** The tests' clock while Jest's fake timers are on (jest-environment.js), else null. */
    this.clock = null
  }

  /**
   * Jest's fake timers went on (the tests' clock) or off (null): the student process runs its
   * timers and Date on that clock, so `jest.advanceTimersByTime` fires the student's timers too.
   * Told again to each new student process while they stay on.
   */
  setTimers (clock) {
    this.clock = clock
    this.tellTimers()
  }

  tellTimers () {
    if (this.peer === null || this.dead) return
    try {
      this.peer.notice({ op: 'timers', c: this.clock === null ? null : this.peer.encode(this.clock) })
    } catch {}
  }

  async start () {
    const session = this.session
    this.n = ++session.spawned
    // A name no earlier student process could guess: it cannot open the FIFOs of the next one ahead of it.
    const dir = path.join(CHANNELS, `${this.n}-${randomBytes(12).toString('hex')}`)
    fs.mkdirSync(dir, { recursive: true, mode: 0o711 })
    fs.chmodSync(dir, 0o711)
    const req = path.join(dir, 'req')
    const rep = path.join(dir, 'rep')
    // The student process reads `req` and writes `rep`; only its uid and ours use them.
    for (const [file, mode] of [[req, '0604'], [rep, '0602']]) {
      const made = spawnSync('mkfifo', ['-m', mode, file])
      if (made.status !== 0) throw new Error(`mkfifo failed: ${String(made.stderr).slice(0, 200)}`)
    }
    const spawned = session.launcher.wait('spawned', this.n, SPAWN_WAIT_MS)
    session.launcher.send({ op: 'spawn', n: this.n, req, rep, budget: session.config.outputBytes, heapMb: studentHeapMb(session.config.memoryMb) })
    this.channel = new Channel({ readPath: rep, writePath: req, nonBlockingWrite: true })
    this.channel.onClose = () => { this.dead = true }
    if (await spawned === null) throw new Error('the student process could not be started')
    // Node's start-up is not the student's time: the process answers once it serves.
    this.channel.send({ id: 0, op: 'ping' }, Date.now() + READY_WAIT_MS)
    for (;;) {
      const frame = this.channel.next(READY_WAIT_MS)
      if (typeof frame !== 'string') throw new Error('the student process did not start in time')
      if (frame.startsWith('{"re":0,')) break
    }
    this.dead = false
    session.refreshDeadline()
    if (this.peer !== null) {
      this.peer.restarted(this.channel)
      this.channel.onFrame = frame => this.peer.onFrame(frame)
      if (this.clock !== null) this.tellTimers()
    }
  }

  stop () {
    this.stopped.add(this.n)
    this.dead = true
    this.session.launcher.send({ op: 'stop', n: this.n })
    if (this.channel !== null) this.channel.close()
  }

  /** What the test file's realm gets (proxy-client.js): its peer reaches the student process through this. */
  forRealm () {
    const link = this
    return {
      attach (peer) {
        link.peer = peer
        link.channel.onFrame = frame => peer.onFrame(frame)
        if (link.clock !== null) queueMicrotask(() => link.tellTimers())
        return link.channel
      },
      // Outside a test (the suite's module scope, describe blocks) each call the tests make gets a
      // test's time of its own, counted from when it is made, as the Python harness does: what Jest
      // did before it (transforming the spec, loading the environment) is not the student's time.
      deadline: outermost => {
        if (outermost && this.session.test === null) this.session.refreshDeadline()
        return this.session.deadlineMs
      },
      fault: (kind, detail) => this.fault(kind, detail),
      output: text => this.session.output(text),
      died: message => this.deaths.set(this.n, message),
    }
  }

  fault (kind, detail) {
    const n = this.n
    const session = this.session
    const test = session.test
    if (kind !== 'died') this.stop()
    this.dead = true
    const where = test ? ' while this test ran' : ' while your module was loaded'
    const message = kind === 'timeout'
      ? `Your code ran for more than ${seconds(session.config.testTimeoutMs)} s${test ? ' in this test' : ''} and was stopped. Look for a loop that never ends or work that is too slow.`
      : kind === 'protocol'
        ? `Your code's process sent something the tests cannot accept (${detail}), so it was stopped.`
        : this.deathMessage(n, where) ?? `Your code's process ended${where}.`
    const fault = { kind: kind === 'timeout' ? 'timeout' : 'runtime', message, n, died: kind === 'died' }
    if (test !== null && session.fault === null) session.fault = fault
    const error = new Error(message)
    error.name = 'StudentFault'
    // Where the harness noticed is of no use to the student: Jest shows the message alone.
    error.stack = `${error.name}: ${message}`
    if (test === null) session.pendingFaults.push(fault)
    return error
  }

  /** What the student process said about its end (an uncaught exception, process.exit), in words for the student. */
  deathMessage (n, where) {
    const death = this.deaths.get(n)
    if (death === undefined) return null
    if (death.startsWith('process.exit(')) {
      return cut(`Your code ended its process (${death})${where}: tests must run to the end. Do not call process.exit() in your solution.`)
    }
    return cut(`Your code's process ended${where} with ${death}`)
  }

  /** The fault's final words, once the launcher said how the process ended (it may say so a little later). */
  async explain (fault) {
    if (!fault.died) return fault
    const exit = this.exits.get(fault.n) ?? await new Promise(resolve => {
      const started = Date.now()
      const poll = () => {
        const known = this.exits.get(fault.n)
        if (known !== undefined || Date.now() - started > 1000) resolve(known ?? null)
        else setTimeout(poll, 5)
      }
      poll()
    })
    // Asked before stop() below, which marks this very process as stopped by us: a SIGKILL we did
    // not send is the kernel's (the OOM killer), and must be told apart from ours.
    const stoppedByUs = this.stopped.has(fault.n)
    this.stop()
    const where = this.session.test ? ' while this test ran' : ''
    const words = this.deathMessage(fault.n, where)
    if (words !== null) return { ...fault, message: words }
    if (exit !== null && exit.signal === 'SIGKILL' && !stoppedByUs) {
      return { ...fault, kind: 'memory', message: `Your code's process was killed${where}, most likely for using more than ${this.session.config.memoryMb} MB of memory. Look for data that grows without bound.` }
    }
    // V8 sizes its heap from the container's memory and aborts when the heap is full, before the
    // kernel's OOM killer would act: the same limit, met a little earlier. The words are the
    // student's own output (they could print them and abort), which can only name their own error.
    if (exit !== null && exit.signal === 'SIGABRT' && this.session.outOfMemory.has(fault.n)) {
      const memoryMb = this.session.config.memoryMb
      return { ...fault, kind: 'memory', message: `Your code's process ran out of memory${where}: its JavaScript heap reached its limit (${studentHeapMb(memoryMb)} MB of the run's ${memoryMb} MB). Look for data that grows without bound.` }
    }
    if (exit !== null && exit.code !== null) {
      return { ...fault, message: `Your code ended its process (exit code ${exit.code})${where}: tests must run to the end. Do not call process.exit() in your solution.` }
    }
    if (exit !== null && exit.signal !== null) return { ...fault, message: `Your code's process was ended by ${exit.signal}${where}.` }
    return fault
  }
}

class Session {
  /**
   * @param {object} o
   * @param {(event: object) => void} o.emit a runner event to the agent
   * @param {import('node:net').Socket} o.socket the launcher's connection
   * @param {{testTimeoutMs: number, outputBytes: number, memoryMb: number}} o.config
   */
  constructor ({ emit, socket, config }) {
    this.emit = emit
    this.config = config
    /** Collect the suite's test names and run nothing: no student side, no launcher. */
    this.collectOnly = socket === null
    this.launcher = socket === null ? null : new LauncherClient(socket)
    this.spawned = 0
    /** The end of what each student process wrote to its stderr or stdout itself, by its number. */
    this.lastWords = new Map()
    /** The student processes whose output said V8 ran out of heap (why they will abort). */
    this.outOfMemory = new Set()
    this.links = new Map()
    this.collected = []
    this.code = []
    this.test = null
    this.fault = null
    this.pendingFaults = []
    this.testOutput = ''
    this.outputBytes = 0
    this.exceeded = false
    this.deadlineMs = Infinity
    this.phases = null
    if (this.launcher !== null) {
      this.launcher.onOut = (n, text) => {
        // Read across the chunks' edges: the words may come in two.
        const seen = (this.lastWords.get(n) ?? '') + text
        if (V8_OUT_OF_MEMORY.test(seen)) this.outOfMemory.add(n)
        this.lastWords.set(n, seen.slice(-LAST_WORDS))
        this.output(text)
      }
      this.launcher.onExit = (n, exit) => { for (const link of this.links.values()) link.exits.set(n, exit) }
    }
    fs.mkdirSync(CHANNELS, { recursive: true, mode: 0o755 })
  }

  /** Counts what the student's code printed against the run's budget, and gives it to the running test. */
  output (text) {
    this.outputBytes += Buffer.byteLength(text)
    if (this.outputBytes > this.config.outputBytes) {
      if (!this.exceeded) {
        this.exceeded = true
        if (this.test !== null) this.emit({ e: 'output', id: this.test, text: cut(this.testOutput, KEEP_OUTPUT) })
        this.emit({ e: 'output_exceeded' })
      }
      return
    }
    if (this.test !== null && this.testOutput.length < KEEP_OUTPUT) this.testOutput += text
  }

  async openLink (testPath) {
    const link = new StudentLink(this)
    this.links.set(testPath, link)
    this.refreshDeadline()
    await link.start()
    return link
  }

  closeLink (testPath) {
    const link = this.links.get(testPath)
    if (link !== undefined) link.stop()
    this.links.delete(testPath)
  }

  refreshDeadline () {
    this.deadlineMs = Date.now() + this.config.testTimeoutMs
  }

  /** Jest's own events, from the environment of the file that runs (jest-circus). */
  async onTestEvent (event, state, link) {
    switch (event.name) {
      case 'run_start': {
        const tests = []
        collectTests(state.rootDescribeBlock, tests)
        this.collected.push(...tests.map(fullName))
        this.code.push(...tests.map(testCode))
        this.emit({ e: 'collected', ids: this.collected, code: this.code, tasks: this.collected.map(() => null) })
        break
      }
      case 'test_start': {
        if (this.collectOnly) break
        const id = fullName(event.test)
        this.test = id
        this.fault = null
        this.testOutput = ''
        this.phases = { setup: null, call: null, teardown: null }
        this.emit({ e: 'start', id })
        if (link.dead) {
          try { await link.start() } catch (err) { this.fault = { kind: 'runtime', message: `Your code's process could not be started again: ${err.message}` } }
        }
        this.refreshDeadline()
        break
      }
      case 'test_skip':
      case 'test_todo': {
        if (this.collectOnly) break
        const id = this.test
        this.emit({ e: 'report', id, when: 'setup', outcome: 'skipped', xfail: false, message: event.name === 'test_todo' ? 'Todo.' : 'Skipped.' })
        this.emit({ e: 'finish', id, output: '' })
        this.test = null
        break
      }
      case 'hook_failure':
        if (this.phases !== null && event.test !== undefined) {
          const when = event.hook.type === 'afterEach' ? 'teardown' : 'setup'
          if (this.phases[when] === null) this.phases[when] = event.error
        }
        break
      case 'test_fn_start':
        if (this.phases !== null && this.phases.setup === null) this.phases.setup = 'passed'
        break
      case 'test_fn_failure':
        if (this.phases !== null) this.phases.call = { error: event.error }
        break
      case 'test_fn_success':
        if (this.phases !== null) this.phases.call = 'passed'
        break
      case 'test_done':
        await this.finishTest(event.test, link)
        break
    }
  }

  async finishTest (test, link) {
    const id = this.test
    if (id === null) return
    // Whatever the student's process printed before now arrives before this answer.
    if (!link.dead && link.peer !== null) {
      try { link.peer.request('ping', {}) } catch {}
    }
    // And what it wrote past its forwarded streams (straight to fd 1, a child's output) comes by
    // the launcher, which is read only while the tests wait: ask it to catch up before the verdict.
    if (this.launcher !== null) await this.launcher.sync(link.n)
    const phases = this.phases
    const errors = test.errors.map(e => (Array.isArray(e) ? e[0] : e))
    let setup = phases.setup
    if (setup === null) setup = errors.length > 0 ? errors[0] : 'passed'
    const report = (when, outcome, message) => this.emit({ e: 'report', id, when, outcome, xfail: false, message: message === null ? null : cut(message) })
    if (setup !== 'passed') {
      report('setup', 'failed', describeError(setup))
    } else {
      report('setup', 'passed', null)
      const call = phases.call
      if (call === null) report('call', 'failed', errors.length > 0 ? describeError(errors[0]) : 'The test did not run.')
      else if (call === 'passed' && errors.length === 0) report('call', 'passed', null)
      else report('call', 'failed', describeError(call === 'passed' ? errors[0] : call.error))
      if (phases.teardown !== null) report('teardown', 'failed', describeError(phases.teardown))
      else report('teardown', 'passed', null)
    }
    if (this.fault !== null) {
      const fault = await link.explain(this.fault)
      this.emit({ e: 'fault', id, kind: fault.kind, message: cut(fault.message) })
    }
    this.emit({ e: 'finish', id, output: cut(this.testOutput, KEEP_OUTPUT) })
    this.test = null
    this.fault = null
    this.phases = null
    this.refreshDeadline()
  }
}

/** Jest's full name of a test: the titles of its describe blocks, then its own, joined by spaces. */
function fullName (test) {
  const titles = []
  for (let block = test; block !== undefined && block !== null && block.parent !== undefined; block = block.parent) titles.unshift(block.name)
  return cut(titles.join(' '), 1000)
}

function collectTests (block, out) {
  for (const child of block.children) {
    if (child.type === 'describeBlock') collectTests(child, out)
    else out.push(child)
  }
}

const sources = new Map()

/**
 * The test's own code, as the student is shown it: the `test(…)` call in the suite's file,
 * from where Jest says the test was declared (its stack, source-mapped) to its closing
 * parenthesis. '' when that cannot be told.
 */
function testCode (test) {
  try {
    const line = String(test.asyncError?.stack ?? '').split('\n').find(l => SUITE_LINE.test(l))
    if (line === undefined) return ''
    const [, rel, row, column] = SUITE_LINE.exec(line)
    const file = path.join(SUITE, rel)
    if (!sources.has(file)) sources.set(file, fs.readFileSync(file, 'utf8'))
    const source = sources.get(file)
    const lines = source.split('\n')
    const origin = lines.slice(0, Number(row) - 1).reduce((n, l) => n + l.length + 1, 0) + Math.max(Number(column) - 1, 0)
    // `test.each(table)(name, fn)`: the stack points at the second call; the code starts at the first.
    const at = source[origin - 1] === ')' ? callStart(source, origin - 1) : origin
    const start = source.slice(0, at).search(/[\w.$]*$/)
    const tail = callEnd(source.slice(origin))
    if (tail === -1) return ''
    const end = origin + tail - at
    const indent = /[ \t]*$/.exec(source.slice(source.lastIndexOf('\n', start - 1) + 1, start))[0].length
    const code = source.slice(start, at + end).split('\n').map((l, i) => (i > 0 && /^[ \t]*$/.test(l.slice(0, indent)) ? l.slice(indent) : l)).join('\n')
    return cut(code)
  } catch {
    return ''
  }
}

/** Where the parenthesis that closes at `close` opened (a plain count: the tables of `test.each` are data). */
function callStart (source, close) {
  let depth = 0
  for (let i = close; i >= 0 && close - i < 100_000; i--) {
    if (source[i] === ')' || source[i] === ']' || source[i] === '}') depth++
    if (source[i] === '(' || source[i] === '[' || source[i] === '{') { depth--; if (depth === 0) return i }
  }
  return close + 1
}

/** Where the call that `text` starts with ends: past its last balanced parenthesis (strings and comments skipped). */
function callEnd (text) {
  let depth = 0
  let opened = false
  for (let i = 0; i < text.length && i < 100_000; i++) {
    const c = text[i]
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++
      continue
    }
    if (c === '/' && text[i + 1] === '/') { i = text.indexOf('\n', i); if (i === -1) return -1; continue }
    if (c === '/' && text[i + 1] === '*') { i = text.indexOf('*/', i + 2); if (i === -1) return -1; i++; continue }
    if (c === '(') { depth++; opened = true }
    if (c === ')') { depth--; if (opened && depth === 0) return i + 1 }
  }
  return -1
}

const SUITE = process.env.GRADER_SUITE || '/suite'
const SUITE_LINE = new RegExp(`\\(?${SUITE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([^\\s():]+):(\\d+):(\\d+)\\)?`)
const WORKSPACE = process.env.GRADER_WORKSPACE || '/workspace'
const STUDENT_LINE = new RegExp(`\\(?${WORKSPACE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([^\\s():]+):(\\d+):(\\d+)\\)?`)

/** A test's failure in words: Jest's own message, and where it happened (the student's line, or the test's). */
function describeError (error) {
  if (error === null || error === undefined) return 'The test failed.'
  if (typeof error !== 'object' && typeof error !== 'function') return `thrown: ${String(error)}`
  let name = 'Error'
  let message = ''
  let stack = ''
  try { name = String(error.name) } catch {}
  try { message = String(error.message) } catch {}
  try { stack = String(error.stack) } catch {}
  const matcher = error.matcherResult !== undefined || /^expect\(/.test(message)
  const student = stack.split('\n').find(l => STUDENT_LINE.test(l))
  const suite = stack.split('\n').find(l => SUITE_LINE.test(l))
  const at = student ?? suite
  const m = at && (STUDENT_LINE.exec(at) ?? SUITE_LINE.exec(at))
  const location = m ? ` (${m[1]}:${m[2]}:${m[3]})` : ''
  const text = matcher || name === 'StudentFault' ? message : `${name}: ${message}`
  return cut(text + location)
}

function start (options) {
  current = new Session(options)
  return current
}

function session () {
  if (current === null) throw new Error('the grading session was not started')
  return current
}

module.exports = { start, session, fullName, describeError }
