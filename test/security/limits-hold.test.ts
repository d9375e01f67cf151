// Limits hold: student code tries to exhaust what the container is given, or
// to starve the machine it shares with other gradings: processes (fork bomb),
// memory, CPU, wall time, output (from Python, from stderr, from a C-level
// os.write(1, …), from a child process, from a thread that goes on printing
// after the call returned), disk space and inodes in /tmp. And the smallest
// limits a request may ask for must still fit the grader itself: an honest
// solution graded at the minimum memory is never blamed for the harness.
//
// What stops it: the pids cgroup limit, memory = memory+swap (the OOM killer,
// no swap), the CFS CPU quota, the worker's wall-clock deadline (a SIGKILL
// through the Docker API), the agent's output budget over its socket, and a
// size-limited tmpfs charged to the memory cgroup. Each run must end, in
// bounded time, as `error` with the reason (and a message) naming the limit,
// and neighbouring gradings must keep running meanwhile. The student's
// output reaches the test process through pipes it reads (and counts) while
// a call runs and before each test ends.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ADD_CORRECT, ADD_TESTS } from '../fixtures/security/add-challenge.js'
import { python, type TestGrader } from '../helpers/grader.js'
import { fetchSubmission, py, startReadyGrader, submit, summary, untilContainerRunning, untilDone } from './helpers.js'

let grader: TestGrader
beforeAll(async () => { grader = await startReadyGrader() })
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

const FORK_BOMB = py`
  import os

  def add(a, b):
      while True:
          os.fork()
`

/** A fork bomb whose every process also spins, so the CPU quota is reached too. */
const SPINNING_FORK_BOMB = py`
  import os

  def add(a, b):
      while True:
          try:
              os.fork()
          except OSError:
              pass
`

const CPU_SPIN = py`
  def add(a, b):
      while True:
          pass
`

describe('processes, memory and time', () => {
  it('a fork bomb ends in bounded time with status error and a message about processes', async () => {
    const sub = await grader.grade(python(FORK_BOMB, ADD_TESTS, { limits: { timeoutMs: 3000, pids: 32 } }))
    expect(sub.result?.status, summary(sub)).toBe('error')
    expect(sub.result?.message, summary(sub)).toMatch(/process/i)
  })

  it('a memory bomb ends with error/memory', async () => {
    const sub = await grader.grade(python(py`
      def add(a, b):
          hog = []
          while True:
              hog.append(bytearray(8 << 20))
    `, ADD_TESTS, { limits: { memoryMb: 64, timeoutMs: 5000 } }))
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'memory' })
  })

  it('a CPU spin ends with error/timeout', async () => {
    const sub = await grader.grade(python(CPU_SPIN, ADD_TESTS, { limits: { timeoutMs: 2000 } }))
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'timeout' })
  })

  it('sleeping for eleven days ends with error/timeout', async () => {
    const sub = await grader.grade(python(py`
      import time

      def add(a, b):
          time.sleep(10 ** 6)
    `, ADD_TESTS, { limits: { timeoutMs: 2000 } }))
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'timeout' })
  })
})

describe('output', () => {
  it.each([
    ['stdout', 'sys.stdout'],
    ['stderr', 'sys.stderr'],
  ])('a flood of gigabytes on %s ends with error/output', async (_stream, target) => {
    const sub = await grader.grade(python(py`
      import sys

      def add(a, b):
          while True:
              ${target}.write('x' * (1 << 20))
    `, ADD_TESTS, { limits: { timeoutMs: 5000 } }))
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'output' })
  })

  it('a flood written with os.write(1, …), below Python\'s sys.stdout, ends with error/output', async () => {
    const sub = await grader.grade(python(py`
      import os

      def add(a, b):
          while True:
              os.write(1, b'x' * 65536)
    `, ADD_TESTS, { limits: { timeoutMs: 5000 } }))
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'output' })
  })

  it('a flood from os.system(\'yes\') ends with error/output', async () => {
    const sub = await grader.grade(python(py`
      import os

      def add(a, b):
          os.system('yes')
    `, ADD_TESTS, { limits: { timeoutMs: 5000 } }))
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'output' })
  })

  it('a thread that goes on printing after the call returned ends with error/output', async () => {
    const sub = await grader.grade(python(py`
      import threading

      def flood():
          while True:
              print('x' * 1000)

      def add(a, b):
          threading.Thread(target=flood, daemon=True).start()
          return a + b
    `, ADD_TESTS, { limits: { timeoutMs: 5000 } }))
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'output' })
  })

  it('a flood from a child process (yes) ends with error/output', async () => {
    const sub = await grader.grade(python(py`
      import subprocess
      import time

      def add(a, b):
          subprocess.Popen(['yes'])
          time.sleep(60)
    `, ADD_TESTS, { limits: { timeoutMs: 5000 } }))
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'output' })
  })
})

describe('/tmp', () => {
  it('filling /tmp until ENOSPC ends with status error and a message about disk space', async () => {
    const sub = await grader.grade(python(py`
      import itertools

      def add(a, b):
          chunk = b'x' * (1 << 20)
          for i in itertools.count():
              with open('/tmp/fill-%d' % i, 'wb') as f:
                  f.write(chunk)
    `, ADD_TESTS, { limits: { memoryMb: 64, timeoutMs: 5000 } }))
    expect(sub.result?.status, summary(sub)).toBe('error')
    expect(sub.result?.message, summary(sub)).toMatch(/disk|space|storage/i)
  })

  it('creating empty files in /tmp until an error ends with status error and a message about it', async () => {
    const sub = await grader.grade(python(py`
      import itertools

      def add(a, b):
          for i in itertools.count():
              open('/tmp/%d' % i, 'w').close()
    `, ADD_TESTS, { limits: { memoryMb: 64, timeoutMs: 5000 } }))
    expect(sub.result?.status, summary(sub)).toBe('error')
    expect(sub.result?.message, summary(sub)).toMatch(/files|inode|disk|space|memory/i)
  })
})

describe('the smallest limits a request may ask for', () => {
  it('a correct solution graded with the minimum memory passes: the harness fits in it', async () => {
    const sub = await grader.grade(python(ADD_CORRECT, ADD_TESTS, { limits: { memoryMb: 32 } }))
    expect(sub.result?.status, summary(sub)).toBe('pass')
  })
})

describe('the host stays responsive', () => {
  it('a correct solution is graded while a CPU spin runs next to it', async () => {
    // Each test of the spin stops at its 5 s deadline: the run holds its slot well past the honest one.
    const attackId = await submit(grader, python(CPU_SPIN, ADD_TESTS, { limits: { timeoutMs: 10_000 } }))
    await untilContainerRunning(grader, attackId)

    const honest = await grader.grade(python(ADD_CORRECT, ADD_TESTS))
    expect(honest.result?.status, summary(honest)).toBe('pass')
    // The honest one finished while the attack still held its slot.
    expect((await fetchSubmission(grader, attackId)).state).not.toBe('done')

    const attack = await untilDone(grader, attackId)
    expect(attack.result, summary(attack)).toMatchObject({ status: 'error', reason: 'timeout' })
  })

  it('a correct solution is graded while a spinning fork bomb runs next to it', async () => {
    const attackId = await submit(grader, python(SPINNING_FORK_BOMB, ADD_TESTS, { limits: { timeoutMs: 5000 } }))
    await untilContainerRunning(grader, attackId)

    const honest = await grader.grade(python(ADD_CORRECT, ADD_TESTS))
    expect(honest.result?.status, summary(honest)).toBe('pass')

    // The fork bomb is stopped as soon as it reaches the process limit, well before its timeout.
    const attack = await untilDone(grader, attackId)
    expect(attack.result, summary(attack)).toMatchObject({ status: 'error', reason: 'runtime' })
    expect(attack.result?.message).toMatch(/processes or threads/)
  })
})
