// JavaScript limits hold: the student's code, in its own Node process, tries to exhaust what
// the container is given: processes (a fork bomb of child_process, a spawn bomb), memory (a
// Buffer bomb and a JS-heap bomb), output (console.log, process.stderr.write, a setInterval
// that goes on printing after the call returned), and the network (TCP, DNS, fetch, UDP).
//
// What stops it: the pids cgroup limit, memory = memory+swap (the OOM killer), the agent's
// output budget (the student process's writes travel with its replies and are counted by the
// test process), and a container with no network. Each ends as `error` with the reason naming
// the limit, or as an ordinary failure for the network (the call throws), never a pass.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestGrader } from '../helpers/grader.js'
import { startReadyGrader, summary } from './helpers.js'
import { expectNoPass, javascript, js, JS_ADD_TESTS } from './javascript-helpers.js'

let grader: TestGrader
beforeAll(async () => { grader = await startReadyGrader() })
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

/** Room enough that the limit under test decides, not Jest's start-up on a shared machine. */
const ROOMY = { timeoutMs: 40_000 }

describe('processes and memory', () => {
  it('a fork bomb of child_process ends with status error and a message about processes', async () => {
    const sub = await grader.grade(javascript(js`
      const { fork } = require('node:child_process')
      export const add = () => { for (;;) { try { fork(__filename) } catch {} } }
    `, JS_ADD_TESTS, { limits: { ...ROOMY, pids: 32 } }))
    expect(sub.result?.status, summary(sub)).toBe('error')
    expect(sub.result?.message, summary(sub)).toMatch(/process/i)
  })

  it('a spawn bomb of sleeping children ends with status error and a message about processes', async () => {
    const sub = await grader.grade(javascript(js`
      const { spawn } = require('node:child_process')
      export const add = () => { for (;;) spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' }) }
    `, JS_ADD_TESTS, { limits: { ...ROOMY, pids: 32 } }))
    expect(sub.result?.status, summary(sub)).toBe('error')
    expect(sub.result?.message, summary(sub)).toMatch(/process/i)
  })

  it('a Buffer bomb ends with error/memory', async () => {
    const sub = await grader.grade(javascript(js`
      const kept = []
      export const add = () => { for (;;) kept.push(Buffer.alloc(16 << 20, 1)) }
    `, JS_ADD_TESTS, { limits: ROOMY }))
    expect(sub.result?.status, summary(sub)).toBe('error')
    expect(sub.result?.reason, summary(sub)).toBe('memory')
  })

  // The student process's heap is bounded below the container's memory: V8 aborts first, and
  // its "heap out of memory" end is told apart from a student's own abort.
  it('a JS-heap bomb ends with error/memory, naming the heap', async () => {
    const sub = await grader.grade(javascript(js`
      const kept = []
      export const add = () => { for (;;) kept.push(new Array(1 << 20).fill(Math.random())) }
    `, JS_ADD_TESTS, { limits: ROOMY }))
    expect(sub.result?.status, summary(sub)).toBe('error')
    expect(sub.result?.reason, summary(sub)).toBe('memory')
    expect(sub.result?.message, summary(sub)).toMatch(/heap/)
  })

  it('process.abort() is an error of its own, not memory', async () => {
    const sub = await grader.grade(javascript(js`
      export const add = () => process.abort()
    `, JS_ADD_TESTS, { limits: ROOMY }))
    expect(sub.result?.status, summary(sub)).toBe('error')
    expect(sub.result?.reason, summary(sub)).toBe('runtime')
    expect(sub.result?.message, summary(sub)).toMatch(/SIGABRT/)
  })
})

describe('output', () => {
  for (const [what, write] of [['console.log', "console.log('x'.repeat(1 << 16))"], ['process.stderr.write', "process.stderr.write('x'.repeat(1 << 16))"]] as const) {
    it(`a flood from ${what} ends with error/output`, async () => {
      const sub = await grader.grade(javascript(js`
        export const add = () => { for (;;) ${write} }
      `, JS_ADD_TESTS, { limits: ROOMY }))
      expect(sub.result?.status, summary(sub)).toBe('error')
      expect(sub.result?.reason, summary(sub)).toBe('output')
    })
  }

  // Writes that pass the forwarded process.stdout: straight to fd 1, or by a child of the
  // student's process on the pipes it inherited. The launcher reads them, not the test process.
  const PAST_THE_STREAMS = {
    'fs.writeSync(1) until the deadline': "export const add = () => { const fs = require('node:fs'); for (;;) fs.writeSync(1, 'x'.repeat(1 << 16)) }",
    'a child running yes': "export const add = (a, b) => { require('node:child_process').spawn('yes', { stdio: 'inherit' }); const until = Date.now() + 2000; while (Date.now() < until) {} return a + b }",
    'one burst past the budget, then an answer': "export const add = (a, b) => { require('node:fs').writeSync(1, 'z'.repeat(200 << 10)); return a + b }",
  }
  // One test only: a flood in the last test must be counted before the run's report.
  const ONE_TEST = js`
    import { add } from './solution'
    test('adds', () => { expect(add(2, 3)).toBe(5) })
  `
  for (const [what, solution] of Object.entries(PAST_THE_STREAMS)) {
    it(`output past the streams, ${what}, ends with error/output`, async () => {
      const sub = await grader.grade(javascript(solution, ONE_TEST, { limits: { ...ROOMY, outputKb: 64 } }))
      expect(sub.result?.status, summary(sub)).toBe('error')
      expect(sub.result?.reason, summary(sub)).toBe('output')
    })
  }

  it('an interval that goes on printing after the call returned ends with error/output', async () => {
    const sub = await grader.grade(javascript(js`
      export const add = (a, b) => { setInterval(() => console.log('y'.repeat(1 << 16)), 1); return a + b }
    `, js`
      import { add } from './solution'
      test('adds', async () => { expect(add(2, 3)).toBe(5); await new Promise(r => setTimeout(r, 3000)) })
    `, { limits: ROOMY }))
    expect(sub.result?.status, summary(sub)).toBe('error')
    expect(sub.result?.reason, summary(sub)).toBe('output')
  })
})

describe('the network', () => {
  const reach = {
    'a TCP connection': "await new Promise((resolve, reject) => { const s = require('node:net').connect(443, '1.1.1.1', () => resolve(s)); s.on('error', reject) })",
    'a DNS lookup': "await require('node:dns').promises.lookup('example.com')",
    'fetch': "await fetch('http://1.1.1.1/')",
    'a UDP datagram': "await new Promise((resolve, reject) => require('node:dgram').createSocket('udp4').send('x', 53, '1.1.1.1', err => (err ? reject(err) : resolve())))",
  }
  for (const [what, code] of Object.entries(reach)) {
    it(`${what} fails, so the answer that needs it is no pass`, async () => {
      const sub = await grader.grade(javascript(js`
        export const add = async (a, b) => { ${code}; return a + b }
      `, js`
        import { add } from './solution'
        test('reached the network', async () => { expect(await add(2, 3)).toBe(5) })
      `, { limits: ROOMY }))
      expectNoPass(sub)
    })
  }
})
