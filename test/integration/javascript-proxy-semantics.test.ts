// The JavaScript split harness runs unmodified Jest suites: what a suite does with the student's
// code through the proxies behaves as under plain Jest (graded through the public API), and a
// student process that fails in one test fails that test only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGrader, type TestGrader } from '../helpers/grader.js'

let grader: TestGrader
beforeAll(async () => { grader = await startTestGrader() })
afterAll(async () => { await grader?.close() })

const SOLUTION = `
export class StackUnderflowError extends Error {
  constructor (message) { super(message); this.name = 'StackUnderflowError' }
}

export class Clock {
  constructor (hour, minute) { this.hour = hour; this.minute = minute }
  get minutes () { return this.hour * 60 + this.minute }
  plus (minutes) { return new Clock(this.hour + Math.floor((this.minute + minutes) / 60), (this.minute + minutes) % 60) }
  toString () { return String(this.hour).padStart(2, '0') + ':' + String(this.minute).padStart(2, '0') }
}

export const pop = (stack) => {
  if (stack.length === 0) throw new StackUnderflowError('Insufficient number of items in stack.')
  return stack.pop()
}

export const check = (n) => {
  if (n < 0) throw new RangeError('number must be positive')
  return n
}

export const hello = () => { console.log('hello'); process.stdout.write('world\\n') }
export const apply = (callback, value) => callback(value) + 1
export const kind = (value) => [typeof value, value instanceof Function, value instanceof Object]
export function * squares (n) { for (let i = 0; i < n; i++) yield i * i }
export const later = async (value) => { await new Promise(resolve => setTimeout(resolve, 20)); return value * 2 }
export const fails = async () => { throw new TypeError('no luck') }
export const values = () => ({ nan: NaN, zero: -0, inf: -Infinity, big: 2n ** 70n, nothing: undefined, when: new Date(86400000), map: new Map([['a', [1]]]), set: new Set([1, 2]), bytes: new Uint16Array([1, 65535]) })
export const counter = { count: 0, bump () { return ++this.count } }
export default function twoFer (name = 'you') { return \`One for \${name}, one for me.\` }
`

const SPEC = `
import twoFer, { Clock, StackUnderflowError, pop, check, hello, apply, kind, squares, later, fails, values, counter } from './solution'
const cjs = require('./solution.js')

describe('values', () => {
  test('cross by value, as they are', () => {
    expect(values()).toStrictEqual({ nan: NaN, zero: -0, inf: -Infinity, big: 2n ** 70n, nothing: undefined, when: new Date(86400000), map: new Map([['a', [1]]]), set: new Set([1, 2]), bytes: new Uint16Array([1, 65535]) })
  })
  test('default and named exports, by import and by require', () => {
    expect(twoFer()).toBe('One for you, one for me.')
    expect(cjs.default('Alice')).toBe('One for Alice, one for me.')
    expect(cjs.pop).toBe(pop)
  })
})

describe('handles', () => {
  test('class instances: methods, getters, new, instanceof and equality', () => {
    const clock = new Clock(8, 0)
    expect(clock.minutes).toBe(480)
    expect(clock.plus(90).toString()).toBe('09:30')
    expect(clock.plus(90)).toEqual(new Clock(9, 30))
    expect(clock).toBeInstanceOf(Clock)
  })
  test('state of the module lives in the student process', () => {
    expect(counter.bump()).toBe(1)
    expect(counter.bump()).toBe(2)
  })
  test('generators iterate', () => {
    expect([...squares(4)]).toEqual([0, 1, 4, 9])
  })
})

describe('errors', () => {
  test('builtin classes are the tests\\' own', () => {
    expect(() => check(-1)).toThrow(RangeError)
    expect(() => check(-1)).toThrow('number must be positive')
  })
  test.each([[[]], [[]]])('student classes are mirrored (%#)', (stack) => {
    expect(() => pop(stack)).toThrow(StackUnderflowError)
    expect(() => pop(stack)).toThrow(/Insufficient/)
  })
})

test('mutation of a passed array is seen', () => {
  const stack = [1, 2]
  expect(pop(stack)).toBe(2)
  expect(stack).toEqual([1])
})

test('callbacks run in the test process, and mocks record them', () => {
  const callback = jest.fn(x => x * 10)
  expect(apply(callback, 4)).toBe(41)
  expect(callback).toHaveBeenCalledWith(4)
  expect(kind(callback)).toEqual(['function', true, true])
  expect(kind(new (class Point { constructor () { this.x = 1 } })())).toEqual(['object', false, true])
})

test('spies on the module\\'s exports', () => {
  const spy = jest.spyOn(counter, 'bump')
  counter.bump()
  expect(spy).toHaveBeenCalledTimes(1)
  spy.mockRestore()
})

test('promises settle: await, resolves, rejects', async () => {
  expect(await later(2)).toBe(4)
  await expect(later(3)).resolves.toBe(6)
  await expect(fails()).rejects.toThrow(TypeError)
})

test('output is counted to its test', () => {
  hello()
})
`

describe('the JavaScript split harness runs an unmodified Jest suite as plain Jest would', () => {
  it('passes every test of a suite using values, handles, errors, callbacks, mocks and promises', async () => {
    const sub = await grader.grade({ language: 'javascript', files: { 'solution.js': SOLUTION }, tests: { 'solution.spec.js': SPEC } })
    const failing = (sub.result?.tests ?? []).filter(t => t.status !== 'pass')
    expect(failing).toEqual([])
    expect(sub.result?.status).toBe('pass')
    expect(sub.result?.isolation).toBe('split')
    expect(sub.result?.tests.map(t => t.name)).toEqual([
      'values cross by value, as they are',
      'values default and named exports, by import and by require',
      'handles class instances: methods, getters, new, instanceof and equality',
      'handles state of the module lives in the student process',
      'handles generators iterate',
      'errors builtin classes are the tests\' own',
      'errors student classes are mirrored (0)',
      'errors student classes are mirrored (1)',
      'mutation of a passed array is seen',
      'callbacks run in the test process, and mocks record them',
      'spies on the module\'s exports',
      'promises settle: await, resolves, rejects',
      'output is counted to its test',
    ])
    expect(sub.result?.tests.at(-1)?.output).toBe('hello\nworld\n')
    expect(await grader.leftovers()).toEqual([])
  })

  it('fails exactly the tests a wrong solution fails', async () => {
    const wrong = SOLUTION.replace("throw new RangeError('number must be positive')", "throw new TypeError('number must be positive')")
    const sub = await grader.grade({ language: 'javascript', files: { 'solution.js': wrong }, tests: { 'solution.spec.js': SPEC } })
    const failed = (sub.result?.tests ?? []).filter(t => t.status !== 'pass').map(t => [t.name, t.status])
    expect(failed).toEqual([['errors builtin classes are the tests\' own', 'fail']])
    expect(sub.result?.status).toBe('fail')
  })
})

describe('Jest\'s fake timers over the student\'s timers', () => {
  const TIMERS = `
export const delayed = (callback) => { setTimeout(() => callback('done'), 1000) }
export const later = (value) => new Promise(resolve => setTimeout(() => resolve(value * 2), 60_000))
export const stamp = () => [Date.now(), new Date().getTime()]
export const ticker = (callback) => { const id = setInterval(callback, 100); return () => clearInterval(id) }
export const soon = () => new Promise(resolve => setTimeout(() => resolve('real'), 50))
`
  const TIMERS_SPEC = `
import { delayed, later, stamp, ticker, soon } from './timers'
describe('fake', () => {
  beforeEach(() => { jest.useFakeTimers() })
  afterEach(() => { jest.useRealTimers() })
  test('a timeout fires when the tests advance the clock, not before', () => {
    const callback = jest.fn()
    delayed(callback)
    jest.advanceTimersByTime(999)
    expect(callback).not.toHaveBeenCalled()
    jest.advanceTimersByTime(1)
    expect(callback).toHaveBeenCalledWith('done')
  })
  test('a promise a timer resolves settles once the clock passes it', async () => {
    const promise = later(21)
    jest.advanceTimersByTime(60_000)
    await expect(promise).resolves.toBe(42)
  })
  test('Date follows setSystemTime', () => {
    jest.setSystemTime(new Date('2020-01-01T00:00:00Z'))
    expect(stamp()).toEqual([Date.parse('2020-01-01T00:00:00Z'), Date.parse('2020-01-01T00:00:00Z')])
  })
  test('an interval ticks with the clock and stops when cleared', () => {
    const callback = jest.fn()
    const stop = ticker(callback)
    jest.advanceTimersByTime(350)
    expect(callback).toHaveBeenCalledTimes(3)
    stop()
    jest.advanceTimersByTime(1000)
    expect(callback).toHaveBeenCalledTimes(3)
  })
})
test("with real timers, the student's timers are its own again", async () => {
  await expect(soon()).resolves.toBe('real')
  expect(Math.abs(stamp()[0] - Date.now())).toBeLessThan(5000)
})
`
  it('fires the student\'s timeouts and intervals and moves its Date with the tests\' clock', async () => {
    const sub = await grader.grade({ language: 'javascript', files: { 'timers.js': TIMERS }, tests: { 'timers.spec.js': TIMERS_SPEC } })
    expect((sub.result?.tests ?? []).map(t => [t.name, t.status, t.message ?? '']), JSON.stringify(sub.result).slice(0, 2000)).toEqual([
      ['fake a timeout fires when the tests advance the clock, not before', 'pass', ''],
      ['fake a promise a timer resolves settles once the clock passes it', 'pass', ''],
      ['fake Date follows setSystemTime', 'pass', ''],
      ['fake an interval ticks with the clock and stops when cleared', 'pass', ''],
      ['with real timers, the student\'s timers are its own again', 'pass', ''],
    ])
  })
})

describe('a student process that fails fails its test only', () => {
  const FAILING = `
export const ok = () => 1
export const exit = () => process.exit(0)
export const loop = () => { for (;;) {} }
export const crash = () => { setTimeout(() => { throw new Error('late boom') }, 5); return 2 }
`
  const FAILING_SPEC = `
import { ok, exit, loop, crash } from './solution'
test('exit', () => { exit() })
test('after exit', () => { expect(ok()).toBe(1) })
test('loop', () => { loop() })
test('after loop', () => { expect(ok()).toBe(1) })
test('uncaught', async () => { crash(); await new Promise(r => setTimeout(r, 200)); ok() })
test('after uncaught', () => { expect(ok()).toBe(1) })
`
  it('makes process.exit, an endless loop and an uncaught exception errors with their reasons, and restarts the process', async () => {
    const sub = await grader.grade({
      language: 'javascript',
      files: { 'solution.js': FAILING },
      tests: { 'solution.spec.js': FAILING_SPEC },
      limits: { testTimeoutMs: 1500, timeoutMs: 30_000 },
    })
    const tests = sub.result?.tests ?? []
    expect(tests.map(t => [t.name, t.status])).toEqual([
      ['exit', 'error'], ['after exit', 'pass'], ['loop', 'error'], ['after loop', 'pass'], ['uncaught', 'error'], ['after uncaught', 'pass'],
    ])
    expect(tests[0]?.message).toMatch(/process\.exit\(0\)/)
    expect(tests[2]?.message).toMatch(/ran for more than 1\.5 s/)
    expect(tests[4]?.message).toMatch(/uncaught exception: Error: late boom/)
    expect(sub.result?.status).toBe('fail')
  })
})

describe('verdicts decided before any test runs', () => {
  it('reports a syntax error of the student with file, line, column and a caret', async () => {
    const sub = await grader.grade({
      language: 'javascript',
      files: { 'solution.js': 'export const f = (a) => {\n  return a +* 2\n}\n' },
      tests: { 'solution.spec.js': "import { f } from './solution'\ntest('f', () => expect(f(1)).toBe(3))\n" },
    })
    expect(sub.result?.status).toBe('error')
    expect(sub.result?.reason).toBe('syntax')
    expect(sub.result?.message).toBe('Your file solution.js has a syntax error on line 2, column 13: Unexpected token\n      return a +* 2\n                ^')
  })

  it('gives a call made outside any test a test\'s time of its own, from when it is made', async () => {
    // The spec's module scope spends longer than a test may in the test process before it calls the
    // student's code: that is Jest's time (on a loaded host, transforming the spec is too), not the student's.
    const spec = "import twoFer from './solution'\n" +
      'const started = Date.now()\nwhile (Date.now() - started < 2500) {}\n' +
      'const greeting = twoFer()\n' +
      "test('greets', () => expect(greeting).toBe('One for you, one for me.'))\n"
    const sub = await grader.grade({
      language: 'javascript',
      files: { 'solution.js': "export default (name = 'you') => `One for ${name}, one for me.`\n" },
      tests: { 'solution.spec.js': spec },
      limits: { testTimeoutMs: 1500, timeoutMs: 30_000 },
    })
    expect(sub.result?.status).toBe('pass')
  })

  it('stops a module that loops while it is loaded, with the test\'s time limit, as an error with no test', async () => {
    const sub = await grader.grade({
      language: 'javascript',
      files: { 'solution.js': 'for (;;) {}\nexport const f = () => 1\n' },
      tests: { 'solution.spec.js': "import { f } from './solution'\ntest('f', () => expect(f()).toBe(1))\n" },
      limits: { testTimeoutMs: 1500, timeoutMs: 30_000 },
    })
    expect(sub.result?.status).toBe('error')
    expect(sub.result?.message).toMatch(/ran for more than 1\.5 s/)
    expect(sub.result?.tests).toEqual([])
  })

  it('makes a spec that throws while Jest collects it an error with no test', async () => {
    const sub = await grader.grade({
      language: 'javascript',
      files: { 'solution.js': 'export const f = () => 1\n' },
      tests: { 'solution.spec.js': "import { f } from './solution'\ndescribe('d', () => { throw new Error('collect boom') })\n" },
    })
    expect(sub.result?.status).toBe('error')
    expect(sub.result?.reason).toBe('runtime')
    expect(sub.result?.message).toMatch(/collect boom/)
    expect(sub.result?.tests).toEqual([])
  })
})
