// The JavaScript harness's pure parts (images/javascript/harness), in this process: the judge,
// the protocol check, intake's text rules, and the proxy protocol of peer.js between two peers
// joined by an in-memory channel (each message handled at once, replies queued), so calls,
// callbacks from inside calls and the validation of what the student's side sends are all
// exercised without Jest, FIFOs or Docker.
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

const require = createRequire(import.meta.url)
const HARNESS = '../../../images/javascript/harness/'
const { Run, judge } = require(`${HARNESS}judge.js`)
const schema = require(`${HARNESS}schema.js`)
const intake = require(`${HARNESS}intake.js`)
const { Peer, ProtocolError } = require(`${HARNESS}peer.js`)

const TIMEOUT = Symbol('timeout')

interface Side { peer: any, inbox: string[], closed: boolean }

/** Two peers, test and student side, over a channel that hands each request to the other side at once. */
function pair (modules: Record<string, unknown>, faults: string[] = [], deadline: (outermost: boolean) => number = () => Infinity) {
  const test: Side = { peer: null, inbox: [], closed: false }
  const student: Side = { peer: null, inbox: [], closed: false }
  const channel = (self: Side, other: Side) => ({
    TIMEOUT,
    get closed () { return self.closed },
    send (message: Record<string, unknown>) {
      const text = JSON.stringify(message)
      if ('re' in message) other.inbox.push(text)
      else other.peer.onFrame(text)
      return true
    },
    next () { return self.inbox.length > 0 ? self.inbox.shift() : TIMEOUT },
  })
  test.peer = new Peer({
    side: 'test',
    channel: channel(test, student),
    deadline,
    fault: (kind: string, detail: string) => { faults.push(`${kind}: ${detail}`); return new Error(`fault ${kind}`) },
  })
  student.peer = new Peer({
    side: 'student',
    channel: channel(student, test),
    resolveModule: ([name, ...keys]: string[]) => keys.reduce((v: any, k) => v[k], modules[name as string]),
  })
  const load = (name: string) => test.peer.request('resolve', { path: [name] }, null, true)
  return { test, student, load, faults }
}

describe('the JavaScript judge', () => {
  it('folds a passing, a failing, a skipped and a faulted test into their statuses, in order', () => {
    const run = new Run()
    const ids = ['a ok', 'a bad', 'skipped', 'looped']
    run.onEvent({ e: 'collected', ids, code: ids.map(() => ''), tasks: ids.map(() => null) })
    const phase = (id: string, when: string, outcome: string, message: string | null = null) =>
      run.onEvent({ e: 'report', id, when, outcome, xfail: false, message })
    run.onEvent({ e: 'start', id: 'a ok' }); phase('a ok', 'setup', 'passed'); phase('a ok', 'call', 'passed'); phase('a ok', 'teardown', 'passed')
    run.onEvent({ e: 'finish', id: 'a ok', output: 'hi\n' })
    run.onEvent({ e: 'start', id: 'a bad' }); phase('a bad', 'setup', 'passed'); phase('a bad', 'call', 'failed', 'expected 1'); phase('a bad', 'teardown', 'passed')
    run.onEvent({ e: 'finish', id: 'a bad', output: '' })
    run.onEvent({ e: 'start', id: 'skipped' }); phase('skipped', 'setup', 'skipped', 'Skipped.')
    run.onEvent({ e: 'finish', id: 'skipped', output: '' })
    run.onEvent({ e: 'start', id: 'looped' }); phase('looped', 'setup', 'passed'); phase('looped', 'call', 'failed', 'x')
    run.onEvent({ e: 'fault', id: 'looped', kind: 'timeout', message: 'too slow' }); phase('looped', 'teardown', 'passed')
    run.onEvent({ e: 'finish', id: 'looped', output: '' })
    run.onEvent({ e: 'end', exitstatus: 1 })
    const summary = run.summary()
    expect(summary.complete).toBe(true)
    expect(summary.tests).toEqual([
      { name: 'a ok', status: 'pass', output: 'hi\n' },
      { name: 'a bad', status: 'fail', message: 'expected 1' },
      { name: 'skipped', status: 'skip', message: 'Skipped.' },
      { name: 'looped', status: 'error', message: 'too slow', reason: 'timeout' },
    ])
  })

  it('keeps two tests of the same full name apart, and refuses a report of a test that is not running', () => {
    const run = new Run()
    run.onEvent({ e: 'collected', ids: ['same', 'same'], code: ['', ''], tasks: [null, null] })
    run.onEvent({ e: 'start', id: 'same' })
    run.onEvent({ e: 'report', id: 'same', when: 'setup', outcome: 'failed', xfail: false, message: 'beforeEach threw' })
    run.onEvent({ e: 'finish', id: 'same', output: '' })
    run.onEvent({ e: 'start', id: 'same' })
    run.onEvent({ e: 'report', id: 'same', when: 'setup', outcome: 'passed', xfail: false, message: null })
    run.onEvent({ e: 'report', id: 'same', when: 'call', outcome: 'passed', xfail: false, message: null })
    run.onEvent({ e: 'report', id: 'same', when: 'teardown', outcome: 'passed', xfail: false, message: null })
    run.onEvent({ e: 'finish', id: 'same', output: '' })
    // a beforeEach that throws fails its test, as Jest reports it
    expect(run.summary().tests.map((t: { status: string }) => t.status)).toEqual(['fail', 'pass'])
    expect(() => run.onEvent({ e: 'report', id: 'other', when: 'call', outcome: 'passed', xfail: false, message: null })).toThrow(/while no test/)
  })

  it('fails a test whose afterEach throws, as Jest does', () => {
    expect(judge({ setup: { outcome: 'passed' }, call: { outcome: 'passed' }, teardown: { outcome: 'failed', message: 'x' } }, null)[0]).toBe('fail')
  })

  it('calls a test that never finished an error', () => {
    expect(judge({}, null, false)[0]).toBe('error')
    expect(judge({ setup: { outcome: 'passed' } }, null, false)).toEqual(['error', 'This test did not finish: the run was stopped first.'])
  })
})

describe('the JavaScript harness protocol copy', () => {
  it('accepts a job of this protocol and refuses one with an unknown field', () => {
    const job = { protocol: schema.VERSION, files: {}, tests: {}, outputBytes: 1, testTimeoutMs: 1, memoryMb: 1, strict: false, isolation: 'split' }
    expect(schema.check('job', job)).toBe(job)
    expect(() => schema.check('job', { ...job, extra: 1 })).toThrow(/unknown field extra/)
  })
})

describe('JavaScript intake', () => {
  it('un-skips xtest, xit and xdescribe by text as Exercism does, and leaves test.skip alone', () => {
    expect(intake.unskip("xtest('a', f)\nxit ('b', f)\nxdescribe('c', f)\ntest.skip('d', f)\nmaxtest(1)"))
      .toBe("test('a', f)\nit ('b', f)\ndescribe('c', f)\ntest.skip('d', f)\nmaxtest(1)")
  })

  it('words a syntax error with the file, line, column and a caret', () => {
    expect(intake.syntaxMessage({ path: 'two-fer.js', line: 2, column: 13, message: 'Unexpected token', text: '  return a +* 2' }))
      .toBe('Your file two-fer.js has a syntax error on line 2, column 13: Unexpected token\n      return a +* 2\n                ^')
  })
})

describe('the JavaScript proxy protocol (peer.js)', () => {
  class StackUnderflowError extends Error {}
  class NamedError extends Error { constructor (m: string) { super(m); this.name = 'NamedError' } }
  class Clock {
    constructor (public hour: number, public minute: number) {}
    get total () { return this.hour * 60 + this.minute }
    plus (m: number) { return new Clock(this.hour, this.minute + m) }
  }
  const solution = {
    __esModule: true,
    values: () => ({ n: NaN, z: -0, i: Infinity, b: 12n, u: undefined, d: new Date(5), m: new Map([[1, 'a']]), s: new Set([2]), t: new Uint8Array([1, 2]) }),
    Clock,
    StackUnderflowError,
    pop (stack: unknown[]) { if (stack.length === 0) throw new StackUnderflowError('Insufficient items'); return stack.pop() },
    boom () { return (null as any).x },
    named () { throw new NamedError('named') },
    apply: (cb: (v: number) => number, v: number) => cb(v) + 1,
    later: async (v: number) => v * 2,
    squares: function * (n: number) { for (let i = 0; i < n; i++) yield i * i },
    sneak: (cb: any) => cb.constructor,
    matcher: () => ({ asymmetricMatch: () => true, answer: 41 }),
  }

  it('passes primitives, dates, maps, sets and typed arrays by value', () => {
    const mod = pair({ sol: solution }).load('sol')
    expect(mod.values()).toStrictEqual({ n: NaN, z: -0, i: Infinity, b: 12n, u: undefined, d: new Date(5), m: new Map([[1, 'a']]), s: new Set([2]), t: new Uint8Array([1, 2]) })
  })

  it('gives class instances by handle: methods, getters, new and instanceof all reach the student side', () => {
    const mod = pair({ sol: solution }).load('sol')
    const clock = new mod.Clock(8, 0)
    expect(clock.total).toBe(480)
    expect(clock.plus(3).minute).toBe(3)
    expect(clock instanceof mod.Clock).toBe(true)
    expect(Object.keys(clock)).toEqual(['hour', 'minute'])
  })

  it('keeps builtin error classes and mirrors the student\'s own', () => {
    const mod = pair({ sol: solution }).load('sol')
    expect(() => mod.boom()).toThrow(TypeError)
    expect(() => mod.pop([])).toThrow(mod.StackUnderflowError)
    expect(() => mod.pop([])).toThrow('Insufficient items')
    let caught: any
    try { mod.pop([]) } catch (err) { caught = err }
    expect(caught).toBeInstanceOf(Error)
    // As in JavaScript itself: a class that sets no name keeps Error's.
    expect(caught.name).toBe('Error')
    expect(caught.constructor.name).toBe('StackUnderflowError')
    expect(() => mod.named()).toThrow(expect.objectContaining({ name: 'NamedError', message: 'named' }))
  })

  it('syncs a passed array back after the call mutated it', () => {
    const mod = pair({ sol: solution }).load('sol')
    const stack = [1, 2, 3]
    expect(mod.pop(stack)).toBe(3)
    expect(stack).toEqual([1, 2])
  })

  it('calls a callback of the tests back in the test process, from inside the call', () => {
    const mod = pair({ sol: solution }).load('sol')
    const seen: number[] = []
    expect(mod.apply((v: number) => { seen.push(v); return v * 3 }, 2)).toBe(7)
    expect(seen).toEqual([2])
  })

  it('shows the student side a callback of the tests as a function and its objects as objects, without asking the tests', () => {
    const faults: string[] = []
    const mod = pair({ sol: { kind: (v: unknown) => [typeof v, v instanceof Function, v instanceof Object, Object.getPrototypeOf(v) === Function.prototype] } }, faults).load('sol')
    expect(mod.kind(() => 1)).toEqual(['function', true, true, true])
    expect(mod.kind(new (class Point { x = 1 })())).toEqual(['object', false, true, false])
    expect(faults).toEqual([])
  })

  it('ends a student instance\'s prototype chain at this side\'s Object.prototype, as in one process', () => {
    class Complex {
      constructor (readonly re: number) {}
      get conj (): Complex { return new Complex(-this.re) }
    }
    const mod = pair({ sol: { Complex } }).load('sol')
    const z = new mod.Complex(1)
    const classProto = Object.getPrototypeOf(z)
    expect(Object.getPrototypeOf(classProto)).toBe(Object.prototype)
    expect(Object.getPrototypeOf(mod.Complex)).toBe(Function.prototype)
    expect(z instanceof Object).toBe(true)
    // Jest's deep copy for a failure's diff walks the chain up to `Object.getPrototypeOf({})` and
    // reads every property it met: stopping there, it reads the class's getters, not Object's.
    const walked: string[] = []
    for (let o = z; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) walked.push(...Object.getOwnPropertyNames(o))
    expect(walked.sort()).toEqual(['conj', 'constructor', 're'])
  })

  it('drops the late reply of a request a stack overflow left, and answers the next request with its own reply', () => {
    const faults: string[] = []
    const p = pair({ sol: { twice: (n: number) => 2 * n } }, faults)
    const mod = p.load('sol')
    const twice = mod.twice
    // The stack runs out while the test side waits: the reply to this call is left in the channel.
    const channel = p.test.peer.channel
    const next = channel.next
    channel.next = () => { channel.next = next; throw new RangeError('Maximum call stack size exceeded') }
    expect(() => twice(1)).toThrow(RangeError)
    expect(twice(5)).toBe(10)
    expect(twice(7)).toBe(14)
    expect(faults).toEqual([])
  })

  it('asks for a fresh deadline only for a call made while none waits, never for a call from inside a callback', () => {
    const asked: boolean[] = []
    const mod = pair({ sol: solution }, [], outermost => {
      // Replies and notices ask with no argument: only requests say whether they are outermost.
      if (typeof outermost === 'boolean') asked.push(outermost)
      return Infinity
    }).load('sol')
    // The callback runs inside apply's call and calls the student side again: one level down.
    expect(mod.apply((v: number) => mod.apply((w: number) => w, v), 1)).toBe(3)
    expect(mod.apply((v: number) => v, 1)).toBe(2)
    // The load, then a get of `apply` and its call, each outermost; inside the callback the get and
    // the call are not; then the second get and call are outermost again.
    expect(asked).toEqual([true, true, true, false, false, true, true])
  })

  it('iterates a generator of the student side', () => {
    const mod = pair({ sol: solution }).load('sol')
    expect([...mod.squares(4)]).toEqual([0, 1, 4, 9])
  })

  it('settles a promise of the student side in the tests', async () => {
    const mod = pair({ sol: solution }).load('sol')
    await expect(mod.later(21)).resolves.toBe(42)
  })

  it('never gives the student side the constructor of a test function (the way to the test process\'s Function)', () => {
    const mod = pair({ sol: solution }).load('sol')
    expect(() => mod.sneak(() => 1)).toThrow(/out of your code's reach/)
  })

  it('never lets an object of the student side act as a Jest asymmetric matcher (a forged equality)', () => {
    const mod = pair({ sol: solution }).load('sol')
    const value = mod.matcher()
    expect(value.answer).toBe(41)
    expect(value.asymmetricMatch).toBeUndefined()
    expect('asymmetricMatch' in value).toBe(false)
    expect(value).not.toEqual({ answer: 42 })
  })

  it('treats a malformed message from the student side as its fault, never as data', () => {
    const { test, load, faults } = pair({ sol: solution })
    load('sol')
    expect(() => test.peer.onFrame(JSON.stringify({ op: 'call', id: 1, h: 999999, t: ['u'], a: [], extra: 1 }))).not.toThrow()
    test.peer.onFrame('{"op":"settle","p":1,"ok":["x-unknown"]}')
    test.peer.onFrame('[1, 2')
    expect(faults.length).toBeGreaterThan(0)
    expect(faults.every(f => f.startsWith('protocol: '))).toBe(true)
  })

  it('decodes an object key __proto__ as a key, never as a new prototype', () => {
    const { test } = pair({})
    const value = test.peer.decode(['o', [['__proto__', ['o', [['polluted', true]], 0]]], 0])
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(({} as any).polluted).toBeUndefined()
    expect(Object.keys(value)).toEqual(['__proto__'])
    expect(() => test.peer.decode(['h', 1, { t: 'weird' }])).toThrow(ProtocolError)
  })
})
