'use strict'
// Grading agent: the container's main process, as `grader` (uid 10001).
//
// It owns the run and writes the only output the worker reads (the twin of the
// Python image's agent.py):
//   1. start the test process (test-process.js, same uid) and the compiler
//      (compile.js) at once, so Jest and Babel load while the job is on its way;
//   2. listen on a unix socket and print {"event": "ready"}: the container can
//      take a job. The worker starts student-side.js as `student` (uid 10002)
//      with `docker exec` right after the container starts; it connects and
//      waits, running nothing of the student's;
//   3. read one JSON line from stdin: the job, validated against the protocol
//      (intake.js writes the student's files to /workspace, read-only to the
//      student, and the suite to /suite, which the student cannot read, and
//      compiles the student's files, so a syntax error is known before any runs);
//   4. accept exactly one connection, the student side's, close the socket,
//      print {"event": "started"} and hand the connection to the test process
//      with the run's settings: from here on student code may run;
//   5. fold the test process's events into results (judge.js), stream each
//      finished test to the worker, watch the kernel limits, and print one
//      {"event": "report"} line.
// When this process exits the container stops, and every process the student
// started dies with it. Everything printed on stdout is one JSON object per line.
const fs = require('node:fs')
const net = require('node:net')
const path = require('node:path')
const { spawn } = require('node:child_process')
const schema = require('./schema.js')
const intake = require('./intake.js')
const { Run, OutOfTurn } = require('./judge.js')

// Overridable only so the harness's tests can run it outside a container.
const RUN_DIR = process.env.GRADER_RUN || '/run/grader'
const SOCKET_PATH = path.join(RUN_DIR, 'student.sock')
/** How long the student side may take to connect once the job is in. */
const CONNECT_TIMEOUT_MS = 15_000
/** How often limits are checked while the run goes on. */
const LIMIT_POLL_MS = 200
/** The container's pids cgroup: "max N" counts forks refused at the limit (cgroup v1, then v2). */
const PIDS_EVENTS = ['/sys/fs/cgroup/pids/pids.events', '/sys/fs/cgroup/pids.events']
/** Private scratch space of the test process, out of the student's reach. */
const TEST_TMP = path.join(RUN_DIR, 'tmp')
const COMPILE_TIMEOUT_MS = 20_000

const pause = new Int32Array(new SharedArrayBuffer(4))

function emit (obj) {
  // Written synchronously, so nothing is lost when the process exits right after; a pipe
  // some other process made non-blocking is waited on rather than given up.
  const data = Buffer.from(JSON.stringify(obj) + '\n')
  for (let offset = 0; offset < data.length;) {
    try {
      offset += fs.writeSync(1, data, offset, data.length - offset)
    } catch (err) {
      if (err.code !== 'EAGAIN') throw err
      Atomics.wait(pause, 0, 0, 2)
    }
  }
}

function finish (report) {
  if (!report.limit && report.fault === undefined && report.verdict === undefined) {
    // A limit hit just before the end (a fork bomb that also ran out of memory) is still the cause worth naming.
    const limit = limitReached()
    if (limit !== null) report.limit = limit
  }
  let out = { event: 'report', protocol: schema.VERSION, ...report }
  try {
    schema.check('report', out)
  } catch (err) {
    // Everything in a report past intake came from the run: the student's, never a fault to retry.
    out = { event: 'report', protocol: schema.VERSION, stopped: `The test run produced a report the grader cannot accept (${String(err.message).slice(0, 200)}).` }
  }
  emit(out)
  process.exit(0)
}

/**
 * A kernel limit the student's code ran into: more processes than allowed, or /tmp full.
 * The student's code gets EAGAIN or ENOSPC and might limp on; the run is stopped instead,
 * so the verdict names the cause rather than a confusing error.
 */
function limitReached () {
  for (const file of PIDS_EVENTS) {
    let text
    try { text = fs.readFileSync(file, 'utf8') } catch { continue }
    for (const row of text.split('\n')) {
      const [name, count] = row.split(' ')
      if (name === 'max' && Number(count) > 0) return 'pids'
    }
    break
  }
  try {
    const st = fs.statfsSync('/tmp')
    if (st.bavail * st.bsize < 64 * 1024 || (st.files > 0 && st.ffree < 16)) return 'disk'
  } catch {}
  return null
}

const NODE_ENV = {
  PATH: '/usr/local/bin:/usr/bin:/bin', HOME: TEST_TMP, TMPDIR: TEST_TMP, LANG: 'C.UTF-8', NODE_ENV: 'test', FORCE_COLOR: '0',
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('GRADER_'))),
}

function startTestProcess () {
  fs.mkdirSync(TEST_TMP, { recursive: true, mode: 0o700 })
  // The events come back over Node's IPC channel: a socket other uids cannot open again from /proc.
  return spawn(process.execPath, ['--v8-pool-size=2', '--stack-size=984', path.join(__dirname, 'test-process.js')], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...NODE_ENV, UV_THREADPOOL_SIZE: '2' }, cwd: '/',
  })
}

/** The compiler child: started now, given the files once the job is in, its heap bounded by the run's memory. */
function startCompiler () {
  const child = spawn(process.execPath, ['--v8-pool-size=1', '--max-old-space-size=128', '--stack-size=984', path.join(__dirname, 'compile.js')], {
    stdio: ['pipe', 'pipe', 'ignore'], env: { ...NODE_ENV, UV_THREADPOOL_SIZE: '1' }, cwd: '/',
  })
  const chunks = []
  child.stdout.on('data', c => chunks.push(c))
  const done = new Promise(resolve => child.on('exit', () => resolve(Buffer.concat(chunks).toString('utf8'))))
  child.stdin.on('error', () => {})
  return {
    compile (input) {
      child.stdin.end(JSON.stringify(input))
      const timer = setTimeout(() => child.kill('SIGKILL'), COMPILE_TIMEOUT_MS)
      return done.then(text => {
        clearTimeout(timer)
        try { return JSON.parse(text) } catch {
          return { problem: { whose: 'files', path: Object.keys(input.files)[0] ?? '', line: null, column: null, message: 'it is too large or too deeply nested to compile', text: '' } }
        }
      })
    },
    kill () { child.kill('SIGKILL') },
  }
}

function readJob () {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    const onData = chunk => {
      const newline = chunk.indexOf(10)
      if (newline !== -1) {
        chunks.push(chunk.subarray(0, newline))
        process.stdin.off('data', onData)
        process.stdin.pause()
        resolve(Buffer.concat(chunks).toString('utf8'))
        return
      }
      chunks.push(chunk)
      size += chunk.length
      if (size > intake.MAX_JOB_BYTES) { process.stdin.off('data', onData); reject(new intake.BadJob(`job larger than ${intake.MAX_JOB_BYTES} bytes`)) }
    }
    process.stdin.on('data', onData)
    process.stdin.on('end', () => reject(new intake.BadJob('job missing')))
  })
}

function listen () {
  try { fs.unlinkSync(SOCKET_PATH) } catch {}
  const connections = []
  let waiting = null
  const server = net.createServer({ pauseOnConnect: true }, socket => {
    // One connection and no more: from here on student code may run.
    if (connections.length > 0 || server.closing) { socket.destroy(); return }
    connections.push(socket)
    if (waiting !== null) waiting(socket)
  })
  return new Promise((resolve, reject) => {
    server.on('error', reject)
    // A backlog of one: the student side's connection waits here until the job is in.
    server.listen({ path: SOCKET_PATH, backlog: 1 }, () => {
      fs.chmodSync(SOCKET_PATH, 0o666)
      emit({ event: 'ready', protocol: schema.VERSION })
      resolve({
        accept () {
          return new Promise((resolveAccept) => {
            const timer = setTimeout(() => resolveAccept(null), CONNECT_TIMEOUT_MS)
            const take = socket => {
              clearTimeout(timer)
              server.closing = true
              server.close()
              try { fs.unlinkSync(SOCKET_PATH) } catch {}
              resolveAccept(socket)
            }
            if (connections.length > 0) take(connections[0])
            else waiting = take
          })
        },
      })
    })
  })
}

/** Folds the test process's events into `run` until it ends; resolves to the report's extra fields. */
function follow (run, testProcess) {
  return new Promise(resolve => {
    let stderrTail = ''
    let settled = false
    const done = extra => {
      if (settled) return
      settled = true
      clearInterval(poll)
      resolve(extra)
    }
    const poll = setInterval(() => {
      const limit = limitReached()
      if (limit !== null) done({ limit })
    }, LIMIT_POLL_MS)
    testProcess.stderr.setEncoding('utf8')
    testProcess.stderr.on('data', text => { stderrTail = (stderrTail + text).slice(-2000) })
    // What the tests printed themselves: not the student's, not reported.
    testProcess.stdout.resume()
    testProcess.on('message', raw => {
      if (settled) return
      let event
      try {
        event = schema.check('runnerEvent', raw)
      } catch (err) {
        done({ stopped: `The test run sent a message out of protocol (${String(err.message).slice(0, 200)}), so it was stopped.` })
        return
      }
      if (event.e === 'output_exceeded') { done({ outputExceeded: true }); return }
      if (event.e === 'collected') emit({ event: 'collected', tests: event.ids })
      if (event.e === 'start') emit({ event: 'test', id: event.id })
      let finished
      try {
        finished = run.onEvent(event)
      } catch (err) {
        if (err instanceof OutOfTurn) { done({ stopped: `The test run reported out of turn (${err.message}), so it was stopped.` }); return }
        throw err
      }
      if (finished !== null) emit({ event: 'result', test: run.outcome(finished) })
      if (event.e === 'end') done({})
    })
    testProcess.on('exit', code => {
      setTimeout(() => {
        if (run.ended !== null) { done({}); return }
        const tail = stderrTail.trim().split('\n').slice(-1)[0] ?? ''
        done({ stopped: `The test run ended early (exit status ${code})${tail ? `: ${tail.slice(0, 300)}` : ''}.` })
      }, 50)
    })
  })
}

async function main () {
  const testProcess = startTestProcess()
  const compiler = startCompiler()
  const listener = await listen()
  let job
  try {
    job = intake.parseJob(await readJob())
  } catch (err) {
    finish({ fault: `bad job: ${err.message}` })
  }
  try {
    await intake.take(job, input => compiler.compile(input))
  } catch (err) {
    if (err instanceof intake.StudentProblem) finish({ verdict: err.verdict, message: err.message })
    finish({ fault: String(err.message) })
  }
  if (job.collectOnly === true) {
    // The suite's test names as Jest collects them; no student side is started, nothing runs.
    const run = new Run()
    testProcess.send({ mode: 'collect', testTimeoutMs: job.testTimeoutMs, outputBytes: job.outputBytes, memoryMb: job.memoryMb })
    const extra = await follow(run, testProcess)
    // The tests were collected, not run: there are no outcomes to report.
    finish({ ...run.summary(), tests: [], isolation: 'split', ...extra })
  }
  const socket = await listener.accept()
  if (socket === null) finish({ fault: 'the student side never connected' })
  emit({ event: 'started' })
  const run = new Run()
  // The student's code always runs in a process of its own here: `in-process` is not offered for JavaScript.
  testProcess.send({ mode: 'split', testTimeoutMs: job.testTimeoutMs, outputBytes: job.outputBytes, memoryMb: job.memoryMb }, socket)
  const extra = await follow(run, testProcess)
  finish({ ...run.summary(), isolation: 'split', outsideOutput: '', ...extra })
}

main().catch(err => finish({ fault: `the agent failed: ${String(err && err.message).slice(0, 300)}` }))
