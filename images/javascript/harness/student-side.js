'use strict'
// The student's side of the harness: everything here runs as `student` (uid 10002).
//
// Nothing in this file is trusted by the rest of the harness. Started by the
// worker with `docker exec` as soon as the container runs (in a warm container,
// long before there is a job), it connects to the agent's socket (the only
// connection the agent accepts) and waits there while the job arrives. The
// agent then hands the connection to the test process, and this process
// becomes the *launcher*: the test process asks it, one JSON line each, to
// `spawn` a fresh student process (student-process.js) on two FIFOs the test
// process made, and to `stop` every student process. It forwards what a
// student process writes to its own stdout or stderr, and says how it ended.
const net = require('node:net')
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

// Overridable only so the harness's tests can run it outside a container.
const SOCKET_PATH = path.join(process.env.GRADER_RUN || '/run/grader', 'student.sock')
// How long to wait for the agent to bind its socket (it starts with the container, as this does).
const CONNECT_WAIT_MS = 15_000
const WORKSPACE = process.env.GRADER_WORKSPACE || '/workspace'
const STUDENT_UID = 10002
const EXIT_DRAIN_MS = 200
const NODE_MODULES = path.join(__dirname, '..', 'node_modules')

try { fs.writeFileSync('/proc/self/oom_score_adj', '500') } catch {}

function connect (deadline) {
  const socket = net.createConnection(SOCKET_PATH)
  socket.once('connect', () => serve(socket))
  socket.once('error', () => {
    socket.destroy()
    if (Date.now() > deadline) process.exit(1)
    setTimeout(() => connect(deadline), 5)
  })
}

function serve (socket) {
  let child = null
  let number = 0
  // What this run's student processes wrote to their own stdout and stderr, against the run's
  // output budget. The tests count it again as it arrives; this side stops a flood at once, even
  // while the tests wait inside one long call and read nothing.
  const budget = { left: Infinity }
  let pending = ''
  const send = message => socket.write(JSON.stringify(message) + '\n')
  socket.setEncoding('utf8')
  socket.on('data', data => {
    pending += data
    let newline
    while ((newline = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, newline)
      pending = pending.slice(newline + 1)
      let request
      try { request = JSON.parse(line) } catch { continue }
      if (request.mode !== undefined) continue // the agent's word that the run is split: nothing else to do
      if (request.op === 'spawn') {
        if (child !== null) killAll(child)
        number = request.n
        child = start(request, send, budget)
      } else if (request.op === 'sync') {
        // Two turns of the loop: whatever a student process wrote before the tests asked is in its
        // pipe by now, and is read (and sent on) in the poll between them, before this answer.
        setImmediate(() => setImmediate(() => send({ op: 'synced', n: request.n })))
      } else if (request.op === 'stop') {
        if (child !== null) killAll(child)
        child = null
        send({ op: 'stopped', n: request.n })
      }
    }
  })
  socket.on('close', () => { if (child !== null) killAll(child); process.exit(0) })
  return number
}

function start (request, send, budget) {
  const n = request.n
  if (Number.isSafeInteger(request.budget) && budget.left === Infinity) budget.left = request.budget
  // The heap's bound comes from the tests (a share of the run's memory), so a JS-heap bomb ends
  // in V8's own clear abort rather than in the kernel's OOM killer, which might pick any process.
  const heap = Number.isSafeInteger(request.heapMb) && request.heapMb >= 16 ? [`--max-old-space-size=${request.heapMb}`] : []
  const proc = spawn(process.execPath, ['--v8-pool-size=1', '--stack-size=984', ...heap, path.join(__dirname, 'student-process.js')], {
    cwd: WORKSPACE,
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/tmp', TMPDIR: '/tmp', LANG: 'C.UTF-8', NODE_ENV: 'test',
      UV_THREADPOOL_SIZE: '2', NODE_PATH: NODE_MODULES, GRADER_REQ: String(request.req), GRADER_REP: String(request.rep),
      ...Object.fromEntries(['GRADER_RUN', 'GRADER_WORKSPACE'].filter(k => process.env[k]).map(k => [k, process.env[k]])),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // Writes past the forwarded process.stdout (fs.writeSync(1, …)) still reach the tests, a little later.
  const ended = []
  for (const stream of [proc.stdout, proc.stderr]) {
    stream.setEncoding('utf8')
    stream.on('data', text => {
      if (budget.left < 0) return
      budget.left -= Buffer.byteLength(text)
      send({ op: 'out', n, s: text })
      // Past the budget: the tests have all they need to say so, and nothing more is read.
      if (budget.left < 0) killAll(proc)
    })
    ended.push(new Promise(resolve => { stream.once('end', resolve); stream.once('error', resolve) }))
  }
  proc.on('spawn', () => send({ op: 'spawned', n, pid: proc.pid }))
  proc.on('error', err => send({ op: 'exit', n, code: null, signal: null, error: String(err.message) }))
  proc.on('exit', (code, signal) => {
    // Its last words (V8's "heap out of memory" before an abort) go first; a child of its own
    // that holds the pipes open cannot hold the news back for long.
    const drained = Promise.all(ended)
    const late = new Promise(resolve => setTimeout(resolve, EXIT_DRAIN_MS))
    Promise.race([drained, late]).then(() => send({ op: 'exit', n, code, signal }))
  })
  return proc
}

function killAll (child) {
  // kill(-1) reaches every process of this uid but the caller: the student process, whatever
  // it started, and anything that left its process group. Only ever as the student's uid:
  // anywhere else (a unit test) it would reach far more, so there only the child goes.
  try {
    if (process.getuid() === STUDENT_UID) process.kill(-1, 'SIGKILL')
    else child.kill('SIGKILL')
  } catch {}
}

connect(Date.now() + CONNECT_WAIT_MS)
