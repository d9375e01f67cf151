// JavaScript hostile values: a wrong answer hands the tests values meant to
// lie, to hang or to pollute what the test process is made of: an object with
// an own `__proto__` key, Object.prototype and Array.prototype patched in its
// own process, `constructor`, `__proto__` and `prototype` read through a
// callback of the tests, getters that throw or never return, Proxy objects
// whose traps lie, throw or loop (one posing as an Array, one as a RangeError,
// one listing a key twice), an object posing as a Promise, an endless
// generator, and values too large to carry back: 100 MB of text, ten million
// numbers, a sparse array of 2^32 - 1 slots, a list nested a million deep,
// 190 000 empty arrays, a BigInt of 200 000 digits.
//
// What stops it: values cross by value only as plain data, rebuilt in the
// tests' own realm with defineProperty (a `__proto__` key stays a key, and
// nothing of the student's prototypes comes along); anything else crosses by
// handle, whose every use is a request to the student's process, bounded by
// the test's deadline (testTimeoutMs); the student's process never reaches a
// prototype, constructor or builtin of the tests through a handle; messages
// are capped in size, depth and number of values; a value posing as an array
// or an error is still the student's object, so `toStrictEqual` and `toThrow`
// see through it. Each ends as that test's fail or error, and the tests after
// it are still graded.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import type { TestGrader } from '../helpers/grader.js'
import { expectHonestVerdict, expectStillGrades, gradeAll, startReadyGrader, summary } from './helpers.js'
import { javascript, jestTest, js, JS_ADD_TESTS, JS_ADD_WRONG_FOR_NEGATIVES } from './javascript-helpers.js'

/** Values that lie or pollute: each answers at once, wrongly. */
const LYING = js`
  export const add = (a, b) => a + b
  export const protoKey = () => JSON.parse('{"__proto__": {"answer": 5}}')
  export const pollute = () => { Object.prototype.answer = 5; return {} }
  export const patchedArray = () => { Array.prototype.includes = () => true; return [1, 2] }
  export const throughCallback = callback => {
    const out = []
    for (const key of ['constructor', '__proto__', 'prototype']) {
      try {
        const found = callback[key]
        out.push(key + ' ' + typeof found)
        if (found) found.prototype.answer = 5
      } catch (err) {
        out.push(key + ' ' + err.name)
      }
    }
    console.log(out.join(' | '))
    return 0
  }
  export const throwingGetter = () => ({ get value () { throw new Error('no value for you') } })
  export const lyingProxy = () => new Proxy({}, {
    get: (target, key) => key === 'value' ? 5 : key === 'constructor' ? Object : undefined,
    ownKeys: () => ['value'],
    getOwnPropertyDescriptor: () => ({ value: 5, enumerable: true, configurable: true }),
    getPrototypeOf: () => Object.prototype,
    has: () => true,
  })
  export const throwingProxy = () => new Proxy({}, {
    get () { throw new Error('trap') },
    ownKeys () { throw new Error('trap') },
    getOwnPropertyDescriptor () { throw new Error('trap') },
    getPrototypeOf () { throw new Error('trap') },
    has () { throw new Error('trap') },
  })
  export const arrayProxy = () => new Proxy({}, {
    get: (target, key) => key === Symbol.toStringTag ? 'Array' : key === 'length' ? 1 : key === '0' ? 5 : undefined,
    ownKeys: () => ['0', 'length'],
    getOwnPropertyDescriptor: (target, key) => ({ value: key === '0' ? 5 : 1, enumerable: key === '0', configurable: true }),
  })
  export const throwsDisguised = () => {
    throw new Proxy(new Error('not a range error'), { getPrototypeOf: () => RangeError.prototype, get: (t, k) => k === 'name' ? 'RangeError' : t[k] })
  }
  export const fakePromise = () => ({ [Symbol.toStringTag]: 'Promise', value: 5 })
  export const duplicateKeys = () => new Proxy({}, { ownKeys: () => ['value', 'value'], get: () => 5 })
`

const LYING_SPEC = js`
  import * as s from './solution'

  test('an own __proto__ key is no prototype', () => { expect(s.protoKey().answer).toBe(5) })
  test('Object.prototype of the tests is not polluted', () => { expect(s.pollute().answer).toBe(5); expect(({}).answer).toBe(5) })
  test('Array.prototype of the tests is not patched', () => { expect(s.patchedArray().includes(5)).toBe(true) })
  test('no prototype of the tests through a callback', () => { s.throughCallback(() => 1); expect(({}).answer).toBe(5) })
  test('a getter that throws', () => { expect(s.throwingGetter()).toEqual({ value: 5 }) })
  test('a proxy whose traps lie', () => { expect(s.lyingProxy()).toStrictEqual({ value: 5 }) })
  test('a proxy whose traps throw', () => { expect(s.throwingProxy()).toEqual({ value: 5 }) })
  test('a proxy posing as an array', () => { expect(s.arrayProxy()).toStrictEqual([5]) })
  test('a proxy posing as a RangeError', () => { expect(() => s.throwsDisguised()).toThrow(RangeError) })
  test('an object posing as a promise', () => { expect(s.fakePromise()).toEqual({ value: 5 }) })
  test('a proxy listing a key twice', () => { expect(s.duplicateKeys()).toEqual({ value: 5 }) })
  test('still graded after lying values', () => { expect(s.add(2, 3)).toBe(5) })
`

const LYING_NAMES = [
  'an own __proto__ key is no prototype', 'Object.prototype of the tests is not polluted', 'Array.prototype of the tests is not patched',
  'no prototype of the tests through a callback', 'a getter that throws', 'a proxy whose traps lie', 'a proxy whose traps throw',
  'a proxy posing as an array', 'a proxy posing as a RangeError', 'an object posing as a promise', 'a proxy listing a key twice',
]

/** Values that never finish: a getter, every trap of a proxy, a generator. */
const ENDLESS = js`
  export const add = (a, b) => a + b
  export const loopingGetter = () => ({ get value () { for (;;) {} } })
  export const loopingProxy = () => new Proxy({}, { get () { for (;;) {} }, ownKeys () { for (;;) {} }, getPrototypeOf () { for (;;) {} } })
  export function * endless () { for (let i = 0; ; i++) yield i }
`

const ENDLESS_SPEC = js`
  import * as s from './solution'

  test('a getter that never returns', () => { expect(s.loopingGetter()).toEqual({ value: 5 }) })
  test('a proxy whose traps never return', () => { expect(s.loopingProxy()).toEqual({ value: 5 }) })
  test('an endless generator', () => { expect([...s.endless()]).toEqual([0]) })
  test('still graded after endless values', () => { expect(s.add(2, 3)).toBe(5) })
`

const ENDLESS_NAMES = ['a getter that never returns', 'a proxy whose traps never return', 'an endless generator']

/** Values too large to carry back, each built in the student's process. */
const LARGE = js`
  export const add = (a, b) => a + b
  export const hugeString = () => 'x'.repeat(100 << 20)
  export const hugeArray = () => new Array(10_000_000).fill(1)
  export const sparse = () => { const a = []; a.length = 2 ** 32 - 1; a[0] = 1; return a }
  export const deeplyNested = () => { let v = []; for (let i = 0; i < 1_000_000; i++) v = [v]; return v }
  export const manyContainers = () => Array.from({ length: 190_000 }, () => [])
  export const hugeBigInt = () => 10n ** 200_000n
`

const LARGE_SPEC = js`
  import * as s from './solution'

  test('100 MB of text', () => { expect(s.hugeString()).toBe('x') })
  test('ten million numbers', () => { expect(s.hugeArray()).toEqual([1]) })
  test('a sparse array of 2^32 - 1 slots', () => { expect(s.sparse()).toEqual([1]) })
  test('a list nested a million deep', () => { expect(s.deeplyNested()).toEqual([[]]) })
  test('190 000 empty arrays', () => { expect(s.manyContainers().length).toBe(1) })
  test('a BigInt of 200 000 digits', () => { expect(s.hugeBigInt()).toBe(5n) })
  test('still graded after large values', () => { expect(s.add(2, 3)).toBe(5) })
`

const LARGE_NAMES = ['100 MB of text', 'ten million numbers', 'a sparse array of 2^32 - 1 slots', 'a list nested a million deep', '190 000 empty arrays', 'a BigInt of 200 000 digits']

let grader: TestGrader
let lying: Submission
let endless: Submission
let large: Submission
let tookMs = 0
beforeAll(async () => {
  grader = await startReadyGrader()
  const started = Date.now()
  const graded = await gradeAll(grader, [
    // Room for Jest's start on a shared machine: the test deadlines, not the run's, are under test.
    javascript(LYING, LYING_SPEC, { limits: { timeoutMs: 60_000, testTimeoutMs: 15_000 } }),
    javascript(ENDLESS, ENDLESS_SPEC, { limits: { timeoutMs: 60_000, testTimeoutMs: 6000 } }),
    javascript(LARGE, LARGE_SPEC, { limits: { timeoutMs: 60_000, testTimeoutMs: 15_000 } }),
  ])
  lying = graded[0]!
  endless = graded[1]!
  large = graded[2]!
  tookMs = Date.now() - started
})
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

describe('values that lie or pollute', () => {
  it('are graded to the end: not a pass, and no error of ours', () => {
    expectHonestVerdict(lying)
    expect(lying.result?.status, summary(lying)).toBe('fail')
  })

  it.each(LYING_NAMES)('%s is that test\'s failure', (name) => {
    expect(jestTest(lying, name)?.status, summary(lying)).toBe('fail')
    expect(jestTest(lying, name)?.message, summary(lying)).toBeTruthy()
  })

  it('reaches no constructor, prototype or __proto__ of the tests through a callback', () => {
    const out = jestTest(lying, 'no prototype of the tests through a callback')?.output ?? ''
    expect(out, summary(lying)).toMatch(/^constructor TypeError \| __proto__ TypeError \| prototype TypeError$/m)
  })

  it('the test after them is graded', () => {
    expect(jestTest(lying, 'still graded after lying values')?.status, summary(lying)).toBe('pass')
  })
})

describe('values that never finish', () => {
  it('are graded to the end in bounded time: not a pass, and no error of ours', () => {
    expectHonestVerdict(endless)
    expect(tookMs).toBeLessThan(120_000)
  })

  it.each(ENDLESS_NAMES)('%s is stopped at the test\'s deadline', (name) => {
    expect(jestTest(endless, name)?.status, summary(endless)).toBe('error')
    expect(jestTest(endless, name)?.message, summary(endless)).toMatch(/ran for more than 6 s/)
  })

  it('the test after them is graded', () => {
    expect(jestTest(endless, 'still graded after endless values')?.status, summary(endless)).toBe('pass')
  })
})

describe('values too large to carry back', () => {
  it('are graded to the end: not a pass, and no error of ours', () => {
    expectHonestVerdict(large)
  })

  it.each(LARGE_NAMES)('%s is that test\'s fail or error', (name) => {
    expect(['fail', 'error'], summary(large)).toContain(jestTest(large, name)?.status)
    expect(jestTest(large, name)?.message, summary(large)).toBeTruthy()
  })

  it('the test after them is graded', () => {
    expect(jestTest(large, 'still graded after large values')?.status, summary(large)).toBe('pass')
  })
})

describe('after the hostile values', () => {
  it('the grader still grades: the next submission gets its honest verdict', async () => {
    await expectStillGrades(grader, javascript(JS_ADD_WRONG_FOR_NEGATIVES, JS_ADD_TESTS))
  })
})
