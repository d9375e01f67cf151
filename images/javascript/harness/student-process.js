'use strict'
// One student process: the student's modules live here, as `student` (uid 10002).
//
// Started by the launcher (student-side.js) once per test file, and again after
// a test in which it failed (an endless loop, process.exit, an uncaught
// exception). Nothing here is trusted: it serves the tests well and defends
// nothing; the test process validates everything it says (peer.js).
//
// The student's files were compiled by the agent before any of them ran, with
// the same Babel set-up Jest uses (Exercism's preset): ESM `export` becomes
// CommonJS here, so `require` and `import` in the tests both reach it.
const fs = require('node:fs')
const path = require('node:path')
const Module = require('node:module')
const { Channel } = require('./channel.js')
const { Peer, capped } = require('./peer.js')

const WORKSPACE = process.env.GRADER_WORKSPACE || '/workspace'
const COMPILED = path.join(process.env.GRADER_RUN || '/run/grader', 'compiled')

try { fs.writeFileSync('/proc/self/oom_score_adj', '1000') } catch {}

// The student's files run as the agent compiled them (the source stays where it is, for their own reads).
for (const ext of ['.js', '.cjs', '.mjs']) {
  const original = Module._extensions[ext] ?? Module._extensions['.js']
  Module._extensions[ext] = function (module, filename) {
    if (filename.startsWith(WORKSPACE + '/')) {
      let code
      try { code = fs.readFileSync(path.join(COMPILED, path.relative(WORKSPACE, filename)), 'utf8') } catch {}
      if (code !== undefined) return module._compile(code, filename)
    }
    return original(module, filename)
  }
}

const channel = new Channel({ readPath: process.env.GRADER_REQ, writePath: process.env.GRADER_REP, nonBlockingWrite: false })
delete process.env.GRADER_REQ
delete process.env.GRADER_REP

function resolveModule ([rel, ...keys]) {
  const file = path.resolve(WORKSPACE, rel)
  if (!file.startsWith(WORKSPACE + '/')) throw new Error(`${rel} is not among your files`)
  let value = require(file)
  for (const key of keys) value = value[key]
  return value
}

// While the tests use Jest's fake timers, the student's timers and Date run on the tests' clock
// (jest-environment.js hands it over): `jest.advanceTimersByTime` fires them, `jest.setSystemTime` moves Date.
const REAL_TIMERS = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
  setImmediate: globalThis.setImmediate,
  clearImmediate: globalThis.clearImmediate,
  Date: globalThis.Date,
}

function useClock (clock) {
  Object.assign(globalThis, REAL_TIMERS)
  if (clock === null) return
  for (const name of ['setTimeout', 'setInterval']) globalThis[name] = (fn, ms, ...args) => clock[name](typeof fn === 'function' ? fn : () => {}, ms, ...args)
  globalThis.setImmediate = (fn, ...args) => clock.setImmediate(typeof fn === 'function' ? fn : () => {}, ...args)
  for (const name of ['clearTimeout', 'clearInterval', 'clearImmediate']) globalThis[name] = id => (id === undefined || id === null ? undefined : clock[name](id))
  // Dates it makes are real Dates (Date.prototype, instanceof Date), only of the clock's time.
  const RealDate = REAL_TIMERS.Date
  function ClockDate (...args) {
    if (new.target === undefined) return new RealDate(clock.now()).toString()
    return args.length === 0 ? new RealDate(clock.now()) : new RealDate(...args)
  }
  ClockDate.prototype = RealDate.prototype
  ClockDate.now = () => clock.now()
  ClockDate.parse = RealDate.parse
  ClockDate.UTC = RealDate.UTC
  globalThis.Date = ClockDate
}

const peer = new Peer({ side: 'student', channel, resolveModule, timers: useClock })
channel.onFrame = frame => peer.onFrame(frame)
// The test process holds the other ends; when it goes, so does this process.
channel.onClose = () => process.exit(0)

// What the student's code prints goes to the test process in order with the replies,
// so it is counted to the test that was running.
for (const stream of [process.stdout, process.stderr]) {
  stream.write = function write (chunk, encoding, callback) {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    peer.notice({ op: 'out', s: text.slice(0, 1 << 20) })
    const done = typeof encoding === 'function' ? encoding : callback
    if (typeof done === 'function') process.nextTick(done)
    return true
  }
}

function describe (error) {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}${where(error.stack)}`
    return `a thrown ${typeof error}: ${String(error)}`
  } catch {
    return 'an error that cannot be shown'
  }
}

function where (stack) {
  const line = String(stack ?? '').split('\n').find(l => l.includes(WORKSPACE + '/'))
  const match = line && /\/workspace\/([^\s):]+):(\d+):(\d+)/.exec(line)
  return match ? ` (${match[1]}:${match[2]}:${match[3]})` : ''
}

/**
 * Ends this process at once, the test process told why first. Never by a plain exit: Node
 * would wait for the channel's reader thread, which is blocked on its FIFO.
 */
function die (why) {
  try { peer.notice({ op: 'died', m: capped(why) }) } catch {}
  process.kill(process.pid, 'SIGKILL')
}

// Node would print the error and exit.
process.on('uncaughtException', error => die(`an uncaught exception: ${describe(error)}`))
process.on('unhandledRejection', error => die(`a promise rejected with nobody handling it: ${describe(error)}`))
// The student's code called process.exit(): as in Node, the process ends here.
process.on('exit', code => die(`process.exit(${code})`))
// process.reallyExit() skips the 'exit' event, and a plain exit would hang on the reader thread
// (see die): the test would wait out its deadline and be blamed on a slow loop.
process.reallyExit = code => die(`process.exit(${code})`)

// The reader thread does not keep the process alive: this does, so the student's timers run while it waits.
setInterval(() => {}, 1 << 30)
