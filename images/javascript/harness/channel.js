'use strict'
// The wire between the test process and a student process: framing over two
// FIFOs, read by a thread of its own so that either side can wait for a reply
// synchronously (a test calls `twoFer('Alice')` and expects the answer back
// before the next line runs) while its event loop still hears what arrives
// unasked (a promise that settled, a callback from the student's timer).
//
// A frame is a 4-byte big-endian length, then one JSON object as UTF-8. The
// reader thread hands each frame over through a shared buffer: the main thread
// takes it either in `next` (blocking, with a deadline, Atomics.wait) or, when
// it is not waiting, from the 'message' event that follows every frame. What
// the frames mean, and the validation of everything the student's side sends,
// is peer.js's; this file only moves bytes, and refuses oversized frames.
const fs = require('node:fs')
const { Worker } = require('node:worker_threads')
// The clock as it was when the harness loaded: fake timers (the tests' Jest, or the student
// process's clock while they are on) replace the global Date, and a deadline must not follow them.
const now = Date.now

/** Largest frame either side accepts: a value bigger than this cannot cross. */
const MAX_FRAME_BYTES = 8 * 1024 * 1024
const TIMEOUT = Symbol('timeout')
const CLOSED = Symbol('closed')
const EMPTY = 0
const FULL = 1
const ENDED = 2
const OVERSIZED = 3

// The reader thread: blocking reads on the FIFO, one frame at a time into the shared buffer.
const READER = `(() => {
const { workerData, parentPort } = require('node:worker_threads')
const fs = require('node:fs')
const { path, sab, max } = workerData
const ctrl = new Int32Array(sab, 0, 2)
const data = new Uint8Array(sab, 8)
function handOver (state) {
  while (Atomics.load(ctrl, 0) === ${FULL}) Atomics.wait(ctrl, 0, ${FULL})
  Atomics.store(ctrl, 0, state)
  Atomics.notify(ctrl, 0)
  parentPort.postMessage(0)
}
let fd
try { fd = fs.openSync(path, 'r') } catch { handOver(${ENDED}); return }
let pending = Buffer.alloc(0)
const chunk = Buffer.allocUnsafe(1 << 16)
for (;;) {
  let n
  try { n = fs.readSync(fd, chunk, 0, chunk.length, null) } catch (err) { if (err.code === 'EAGAIN' || err.code === 'EINTR') continue; n = 0 }
  if (n === 0) { handOver(${ENDED}); break }
  pending = pending.length === 0 ? Buffer.from(chunk.subarray(0, n)) : Buffer.concat([pending, chunk.subarray(0, n)])
  let stop = false
  while (pending.length >= 4) {
    const size = pending.readUInt32BE(0)
    if (size > max) { handOver(${OVERSIZED}); stop = true; break }
    if (pending.length < 4 + size) break
    while (Atomics.load(ctrl, 0) === ${FULL}) Atomics.wait(ctrl, 0, ${FULL})
    data.set(pending.subarray(4, 4 + size))
    ctrl[1] = size
    Atomics.store(ctrl, 0, ${FULL})
    Atomics.notify(ctrl, 0)
    parentPort.postMessage(0)
    pending = pending.subarray(4 + size)
  }
  if (stop) break
}
})()
`

const sleeper = new Int32Array(new SharedArrayBuffer(4))
const pause = ms => Atomics.wait(sleeper, 0, 0, ms)

class Channel {
  /**
   * @param {object} options
   * @param {string} options.readPath FIFO this side reads
   * @param {string} options.writePath FIFO this side writes
   * @param {boolean} options.nonBlockingWrite writes never block past a deadline (the test side: a stuck peer must not hang the tests)
   */
  constructor ({ readPath, writePath, nonBlockingWrite }) {
    this.sab = new SharedArrayBuffer(8 + MAX_FRAME_BYTES)
    this.ctrl = new Int32Array(this.sab, 0, 2)
    this.data = new Uint8Array(this.sab, 8)
    this.closed = false
    this.why = null
    this.TIMEOUT = TIMEOUT
    this.CLOSED = CLOSED
    this.onFrame = null
    this.onClose = null
    this.reader = new Worker(READER, { eval: true, workerData: { path: readPath, sab: this.sab, max: MAX_FRAME_BYTES } })
    // The reader thread must never keep a process alive that is otherwise done.
    this.reader.unref()
    this.reader.on('message', () => this.drain())
    this.reader.on('error', () => this.end('the channel failed'))
    this.nonBlockingWrite = nonBlockingWrite
    const flags = nonBlockingWrite ? fs.constants.O_RDWR | fs.constants.O_NONBLOCK : fs.constants.O_WRONLY
    this.fd = fs.openSync(writePath, flags)
  }

  /** Frames that arrived while nobody waited: to `onFrame`, in order. */
  drain () {
    for (;;) {
      const frame = this.take()
      if (frame === null) break
      if (frame === CLOSED) return
      if (this.onFrame !== null) this.onFrame(frame)
    }
  }

  take () {
    if (this.closed) return CLOSED
    const state = Atomics.load(this.ctrl, 0)
    if (state === EMPTY) return null
    if (state !== FULL) {
      this.end(state === OVERSIZED ? `a message larger than ${MAX_FRAME_BYTES} bytes` : 'the other side closed the channel')
      return CLOSED
    }
    const size = this.ctrl[1]
    const text = Buffer.from(this.data.subarray(0, size)).toString('utf8')
    Atomics.store(this.ctrl, 0, EMPTY)
    Atomics.notify(this.ctrl, 0)
    return text
  }

  end (why) {
    if (this.closed) return
    this.closed = true
    this.why = why
    if (this.onClose !== null) this.onClose(why)
  }

  /** The next frame's text, waiting at most `timeoutMs`; TIMEOUT or CLOSED otherwise. */
  next (timeoutMs = Infinity) {
    const deadline = now() + timeoutMs
    for (;;) {
      const frame = this.take()
      if (frame !== null) return frame
      const left = deadline - now()
      if (left <= 0) return TIMEOUT
      Atomics.wait(this.ctrl, 0, EMPTY, Number.isFinite(left) ? left : undefined)
    }
  }

  /** Sends one message; false when it cannot go (closed, or the peer took no bytes before the deadline). */
  send (message, deadlineMs = Infinity) {
    if (this.closed) return false
    const body = Buffer.from(JSON.stringify(message), 'utf8')
    if (body.length > MAX_FRAME_BYTES) throw new RangeError(`a value too large to pass between processes (${MAX_FRAME_BYTES / 2 ** 20} MB at most)`)
    const frame = Buffer.allocUnsafe(4 + body.length)
    frame.writeUInt32BE(body.length, 0)
    body.copy(frame, 4)
    let offset = 0
    while (offset < frame.length) {
      try {
        offset += fs.writeSync(this.fd, frame, offset, frame.length - offset)
      } catch (err) {
        if (err.code !== 'EAGAIN') { this.end('the other side closed the channel'); return false }
        if (now() >= deadlineMs) return false
        pause(1)
      }
    }
    return true
  }

  close () {
    this.end('closed')
    try { fs.closeSync(this.fd) } catch {}
    this.reader.terminate().catch(() => {})
  }
}

module.exports = { Channel, MAX_FRAME_BYTES, TIMEOUT, CLOSED }
