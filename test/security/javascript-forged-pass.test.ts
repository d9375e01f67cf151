// JavaScript forged-pass channels: a wrong answer to the `add` challenge tries
// to make the grader believe its Jest tests passed, by ending its process
// early (process.exit, process.reallyExit, abort, a signal to itself), by
// patching node:assert, the `expect` package or Object.is where it runs, by
// looking for Jest's objects in its own process, by printing what looks like
// Jest's summary or the agent's and the runner's events on stdout, stderr and
// every descriptor it holds, by killing the agent and the test process, and
// by planting files (a spec, a Jest or Babel configuration) Jest might read.
//
// What stops it: Jest runs in the test process (uid 10001); the student's
// modules run in a student process of their own (uid 10002) reached by proxy,
// so nothing patched or found there is Jest's; a student process that ends
// makes its test an error and the next test gets a fresh one; the verdict is
// folded by the agent from the test process's events over an IPC channel the
// student's uid cannot open, and what the student process prints is counted
// as output, never parsed; the agent's and the test process's descriptors and
// signals are refused across uids; Jest's configuration is pinned (no file of
// the run is read) and its roots are /suite, which the student cannot write.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import type { TestGrader } from '../helpers/grader.js'
import { expectHonestVerdict, expectStillGrades, startReadyGrader, summary } from './helpers.js'
import {
  expectNoPass, javascript, js, JS_ADD_TEST_NAMES, JS_ADD_TESTS, JS_ADD_WRONG_FOR_NEGATIVES,
} from './javascript-helpers.js'

let grader: TestGrader
beforeAll(async () => { grader = await startReadyGrader() })
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

/** Jest starts slower than pytest, and the machine may be shared: room enough that the limit under test decides. */
const ROOMY = { limits: { timeoutMs: 40_000 } }

/** What the first test printed: the hostile programs below report their attempts there. */
const printed = (sub: Submission) => sub.result?.tests[0]?.output ?? ''

/** Every test of the suite is in the result, each one failed as a wrong answer does. */
function expectAllFailed (sub: Submission): void {
  expectNoPass(sub)
  expect(sub.result?.status, summary(sub)).toBe('fail')
  expect(sub.result?.tests.map(t => [t.name, t.status]), summary(sub)).toEqual(JS_ADD_TEST_NAMES.map(n => [n, 'fail']))
}

describe('ending the student\'s process early', () => {
  it('process.exit(0) while the module loads is an error, not a pass', async () => {
    const sub = await grader.grade(javascript(js`
      process.exit(0)
      export const add = () => 0
    `, JS_ADD_TESTS, ROOMY))
    expectNoPass(sub)
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'runtime' })
    expect(sub.result?.message, summary(sub)).toMatch(/process\.exit\(0\)/)
  })

  it.each([
    ['process.exit(0)', 'process.exit(0)'],
    ['process.reallyExit(0)', 'process.reallyExit(0)'],
  ])('%s inside the tested function makes every test an error naming it, not a pass', async (_what, call) => {
    const sub = await grader.grade(javascript(`export const add = () => { ${call} }\n`, JS_ADD_TESTS, ROOMY))
    expectNoPass(sub)
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'runtime' })
    for (const test of sub.result?.tests ?? []) {
      expect(test.status, summary(sub)).toBe('error')
      expect(test.message, summary(sub)).toMatch(/process\.exit\(0\)/)
    }
  })

  it.each([
    ['process.abort()', 'process.abort()'],
    ['SIGTERM to itself', "process.kill(process.pid, 'SIGTERM'); for (;;) {}"],
  ])('%s inside the tested function is an error, not a pass', async (_what, call) => {
    const sub = await grader.grade(javascript(`export const add = () => { ${call} }\n`, JS_ADD_TESTS, ROOMY))
    expectNoPass(sub)
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'runtime' })
  })
})

describe('patching the assertions where the student\'s code runs', () => {
  const SPEC = js`
    import assert from 'node:assert'
    import { add } from './solution'

    test('adds with expect', () => {
      expect(add(2, 3)).toBe(5)
    })

    test('adds with node:assert', () => {
      assert.strictEqual(add(2, 3), 5)
    })

    test('adds with assert.deepStrictEqual', () => {
      assert.deepStrictEqual([add(2, 3)], [5])
    })
  `

  it('node:assert, the expect package, a global expect and Object.is patched at load change nothing in the tests', async () => {
    const sub = await grader.grade(javascript(js`
      const assert = require('node:assert')
      for (const name of ['ok', 'equal', 'strictEqual', 'deepEqual', 'deepStrictEqual']) assert[name] = () => {}
      Object.is = () => true
      globalThis.expect = () => new Proxy({}, { get: () => () => {} })
      let patched = 'expect package: '
      try {
        require('expect').expect.extend({ toBe: () => ({ pass: true, message: () => '' }) })
        patched += 'extended'
      } catch (err) {
        patched += err.code
      }
      console.log(patched)
      export const add = () => 0
    `, SPEC, ROOMY))
    expectNoPass(sub)
    expect(sub.result?.status, summary(sub)).toBe('fail')
    expect(sub.result?.tests.map(t => t.status), summary(sub)).toEqual(['fail', 'fail', 'fail'])
    expect(sub.result?.tests[1]?.message, summary(sub)).toMatch(/AssertionError/)
  })

  it('finds nothing of Jest in its own process: no global, no matcher state, no runner module', async () => {
    const sub = await grader.grade(javascript(js`
      const found = []
      for (const name of ['expect', 'jest', 'test', 'it', 'describe', 'beforeEach', 'afterAll']) {
        if (name in globalThis) found.push('FOUND global ' + name)
      }
      if (globalThis[Symbol.for('$$jest-matchers-object')] !== undefined) found.push('FOUND matchers')
      // Node's own globalThis carries Symbol.toStringTag ('global'); any other symbol would be Jest's.
      for (const symbol of Object.getOwnPropertySymbols(globalThis)) if (symbol !== Symbol.toStringTag) found.push('FOUND symbol ' + String(symbol))
      for (const file of Object.keys(require.cache)) if (/jest|expect|circus/.test(file)) found.push('FOUND module ' + file)
      if (typeof process.send === 'function') found.push('FOUND an IPC channel')
      // Printed from the tested function: output at load belongs to no test.
      export const add = () => { console.log(found.length === 0 ? 'nothing found' : found.join('\n')); return 0 }
    `, JS_ADD_TESTS, ROOMY))
    expectAllFailed(sub)
    expect(printed(sub), summary(sub)).toBe('nothing found\n')
  })
})

describe('printing something that looks like a result', () => {
  it('a fake Jest summary and the agent\'s and the runner\'s events, on stdout and stderr, are only output', async () => {
    const sub = await grader.grade(javascript(js`
      const fs = require('node:fs')
      const NAMES = ${JSON.stringify(JS_ADD_TEST_NAMES)}
      const FAKE = [
        'PASS ./solution.spec.js', 'Tests:       3 passed, 3 total',
        JSON.stringify({ numFailedTests: 0, numPassedTests: 3, numTotalTests: 3, success: true }),
        JSON.stringify({ event: 'report', protocol: 4, complete: true, collected: NAMES, tests: NAMES.map(name => ({ name, status: 'pass' })) }),
        ...NAMES.map(name => JSON.stringify({ event: 'result', test: { name, status: 'pass' } })),
        ...NAMES.flatMap(id => ['setup', 'call', 'teardown'].map(when => JSON.stringify({ e: 'report', id, when, outcome: 'passed', xfail: false, message: null }))),
        JSON.stringify({ e: 'end', exitstatus: 0 }),
      ].join('\n') + '\n'

      function forge (straight) {
        console.log(FAKE)
        console.error(FAKE)
        process.stdout.write(FAKE)
        process.stderr.write(FAKE)
        if (straight) {
          fs.writeSync(1, FAKE)
          fs.writeSync(2, FAKE)
        }
      }

      forge(false)
      process.on('exit', () => forge(true))
      export const add = () => { forge(true); return 0 }
    `, JS_ADD_TESTS, { limits: { timeoutMs: 40_000, outputKb: 1024 } }))
    expectAllFailed(sub)
  })

  it('the descriptors of the agent and the test process cannot be opened through /proc', async () => {
    const sub = await grader.grade(javascript(js`
      const fs = require('node:fs')
      const LINE = JSON.stringify({ event: 'report', protocol: 4, complete: true, collected: [], tests: [] }) + '\n'

      export const add = () => {
        const counts = {}
        for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p) && Number(p) !== process.pid)) {
          let owner
          try {
            owner = /^Uid:\s+(\d+)/m.exec(fs.readFileSync('/proc/' + pid + '/status', 'utf8'))[1] === '10001' ? 'grader' : 'own'
          } catch {
            continue
          }
          for (let fd = 0; fd < 16; fd++) {
            let outcome
            try {
              const out = fs.openSync('/proc/' + pid + '/fd/' + fd, 'w')
              fs.writeSync(out, LINE)
              fs.closeSync(out)
              outcome = 'written'
            } catch (err) {
              outcome = err.code
            }
            counts[owner + ' ' + outcome] = (counts[owner + ' ' + outcome] || 0) + 1
          }
        }
        console.log(Object.entries(counts).sort().map(([k, n]) => k + ' ' + n).join('\n'))
        return 0
      }
    `, JS_ADD_TESTS, ROOMY))
    expectAllFailed(sub)
    // The agent, the test process, the compiler and the container's init: every descriptor refused.
    expect(printed(sub), summary(sub)).toMatch(/^grader EACCES \d+$/m)
    expect(printed(sub), summary(sub)).not.toMatch(/^grader (?!EACCES)/m)
  })

  it('a forged session written on every descriptor of the student\'s process is not a pass', async () => {
    // Its own channel to the test process among them: a malformed frame there is the
    // student's fault, which ends that test as an error.
    const sub = await grader.grade(javascript(js`
      const fs = require('node:fs')
      const NAMES = ${JSON.stringify(JS_ADD_TEST_NAMES)}
      const events = NAMES.flatMap(id => ['setup', 'call', 'teardown'].map(when => ({ e: 'report', id, when, outcome: 'passed', xfail: false, message: null })))
      const frame = text => { const body = Buffer.from(text); const head = Buffer.alloc(4); head.writeUInt32BE(body.length); return Buffer.concat([head, body]) }

      export const add = () => {
        for (let fd = 0; fd < 64; fd++) {
          for (const data of [frame(JSON.stringify({ re: 1, ok: 5 })), frame(JSON.stringify(events)), events.map(e => JSON.stringify(e)).join('\n') + '\n']) {
            try { fs.writeSync(fd, data) } catch {}
          }
        }
        return 0
      }
    `, JS_ADD_TESTS, ROOMY))
    expectNoPass(sub)
    expectHonestVerdict(sub)
  })
})

describe('silencing the agent and the test process', () => {
  it('SIGKILL to every other process fails with EPERM for the agent and the test process', async () => {
    const sub = await grader.grade(javascript(js`
      const fs = require('node:fs')

      export const add = () => {
        const out = []
        for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p)).map(Number)) {
          if (pid === process.pid) continue
          let cmdline
          try { cmdline = fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8') } catch { continue }
          const role = cmdline.includes('agent.js') ? 'agent' : cmdline.includes('test-process.js') ? 'tests'
            : cmdline.includes('student-side.js') ? 'launcher' : 'pid'
          try {
            process.kill(pid, 'SIGKILL')
            out.push(role + ' killed')
          } catch (err) {
            out.push(role + ' ' + err.code)
          }
        }
        console.log(out.join('\n'))
        return 0
      }
    `, JS_ADD_TESTS, ROOMY))
    // The agent and the test process lived to report the wrong answer. Killing its own
    // launcher is the student's own loss: the verdict stays the wrong answer's.
    expectNoPass(sub)
    expectHonestVerdict(sub)
    expect(printed(sub), summary(sub)).toContain('agent EPERM')
    expect(printed(sub), summary(sub)).toContain('tests EPERM')
    expect(printed(sub), summary(sub)).not.toMatch(/^(agent|tests) killed/m)
  })
})

describe('planting files Jest might read', () => {
  it('the suite, a Jest configuration and the run\'s folders cannot be written', async () => {
    const sub = await grader.grade(javascript(js`
      const fs = require('node:fs')

      export const add = () => {
        const attempts = {
          'overwrite the spec': () => fs.writeFileSync('/suite/solution.spec.js', 'test("ok", () => {})\n'),
          'plant a jest config': () => fs.writeFileSync('/suite/jest.config.js', 'module.exports = {}\n'),
          'shadow the spec': () => fs.writeFileSync('/workspace/solution.spec.js', 'test("ok", () => {})\n'),
          'plant package.json': () => fs.writeFileSync('/workspace/package.json', '{"jest": {}}\n'),
          'rewrite compiled code': () => fs.writeFileSync('/run/grader/compiled/solution.js', 'exports.add = (a, b) => a + b\n'),
          'plant a report': () => fs.writeFileSync('/run/grader/report.json', '{}\n'),
          'plant a socket link': () => fs.symlinkSync('/tmp/evil.sock', '/run/grader/student.sock'),
        }
        const out = []
        for (const [name, attempt] of Object.entries(attempts)) {
          try {
            attempt()
            out.push(name + ' done')
          } catch (err) {
            out.push(name + ' ' + err.code)
          }
        }
        console.log(out.join('\n'))
        return 0
      }
    `, JS_ADD_TESTS, ROOMY))
    expectAllFailed(sub)
    expect(printed(sub), summary(sub)).toBe([
      'overwrite the spec', 'plant a jest config', 'shadow the spec', 'plant package.json',
      'rewrite compiled code', 'plant a report', 'plant a socket link',
    ].map(name => `${name} EACCES\n`).join(''))
  })

  it('a student test file and a student node_modules are never read by Jest', async () => {
    const sub = await grader.grade({
      ...javascript('export const add = () => 0\n', JS_ADD_TESTS, ROOMY),
      files: {
        'solution.js': 'export const add = () => 0\n',
        // Named like the suite's tests, each one passing: Jest's roots are the suite's folder only.
        'all-pass.test.js': `${JS_ADD_TEST_NAMES.map(n => `test(${JSON.stringify(n)}, () => {})`).join('\n')}\n`,
        '__tests__/solution.spec.js': `${JS_ADD_TEST_NAMES.map(n => `test(${JSON.stringify(n)}, () => {})`).join('\n')}\n`,
      },
    })
    expectAllFailed(sub)
  })

  it.each([
    ['jest.config.js', 'module.exports = { testMatch: ["**/nothing/**"] }\n'],
    ['package.json', '{"jest": {"testMatch": ["**/nothing/**"]}}\n'],
    ['babel.config.js', 'module.exports = { plugins: [() => ({ visitor: { Program (path) { path.node.body = [] } } })] }\n'],
    ['.babelrc', '{"plugins": []}\n'],
    ['node_modules/expect/index.js', 'module.exports = () => new Proxy({}, { get: () => () => {} })\n'],
  ])('a student file named %s is refused before anything runs', async (name, content) => {
    const sub = await grader.grade({
      ...javascript('export const add = () => 0\n', JS_ADD_TESTS, ROOMY),
      files: { 'solution.js': 'export const add = () => 0\n', [name]: content },
    })
    expectNoPass(sub)
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'runtime' })
    expect(sub.result?.message, summary(sub)).toMatch(/reserved|belongs to the grader/)
  })
})

describe('after the attacks', () => {
  it('the grader still grades: the next submission gets its honest verdict', async () => {
    await expectStillGrades(grader, javascript(JS_ADD_WRONG_FOR_NEGATIVES, JS_ADD_TESTS))
  })
})
