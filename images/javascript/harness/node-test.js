'use strict'
// `node:test` for suites graded by Jest: the test process maps `require('node:test')` and
// `import … from 'node:test'` here (test-process.js, moduleNameMapper), so a node:test suite
// runs on the same harness as a Jest one: the student's code in its own process behind the
// proxies, output counted per test, faults and time limits per test, Jest's full names.
//
// Loaded inside each test file's realm (never transformed). What maps onto Jest:
//   test/it(name?, options?, fn?) → test; describe/suite → describe; before/after → beforeAll/
//   afterAll; beforeEach/afterEach; `.skip`, `.todo`, `.only`; options.skip / options.todo →
//   skipped / todo; options.timeout → the test's timeout; a test function taking (t, done) is a
//   callback test; `mock` is node:test's own.
// What differs from node's runner, on purpose or for now:
//   - `t.test(…)` subtests run inside their parent, awaited in order: a failing subtest fails
//     the parent, and subtests are not listed as tests of their own;
//   - `t.skip()` and `t.todo()` called while a test runs do not turn it into a skip: the test is
//     graded on what it asserts. Student code handed `t` could otherwise skip its own failures;
//   - `only` is ignored (node honours it only with --test-only), `run()` is not offered.
const { createRequire } = require('node:module')

// node's own module, past Jest's module registry (which maps node:test to this file)
const real = createRequire(__filename)('node:test')

function parse (args) {
  let [name, options, fn] = args
  if (typeof name === 'function') { fn = name; name = fn.name || '<anonymous>'; options = {} }
  else if (typeof options === 'function') { fn = options; options = {} }
  if (name === undefined || name === null) name = typeof fn === 'function' && fn.name ? fn.name : '<anonymous>'
  return { name: String(name), options: options ?? {}, fn }
}

/** node:test's TestContext, as far as a test's own code uses it. */
function context (name) {
  const controller = new AbortController()
  const t = {
    name,
    fullName: name,
    signal: controller.signal,
    mock: real.mock,
    diagnostic () {},
    plan () {},
    skip () {},
    todo () {},
    runOnly () {},
    before () { throw new Error('t.before() inside a test is not supported by this grader') },
    after () { throw new Error('t.after() inside a test is not supported by this grader') },
    beforeEach () { throw new Error('t.beforeEach() inside a test is not supported by this grader') },
    afterEach () { throw new Error('t.afterEach() inside a test is not supported by this grader') },
    async test (...args) {
      const sub = parse(args)
      if (sub.options.skip || sub.options.todo || typeof sub.fn !== 'function') return
      await call(sub.fn, context(sub.name))
    },
  }
  return t
}

/** Runs a node:test function: `(t)` returning maybe a promise, or `(t, done)` with a callback. */
function call (fn, t) {
  if (fn.length >= 2) {
    return new Promise((resolve, reject) => {
      let settled = false
      const done = err => { if (settled) return; settled = true; if (err) reject(err); else resolve() }
      try {
        const r = fn(t, done)
        if (r && typeof r.then === 'function') r.then(undefined, done)
      } catch (err) { done(err) }
    })
  }
  return fn(t)
}

function makeTest (jestTest) {
  const define = (...args) => {
    const { name, options, fn } = parse(args)
    if (options.todo || typeof fn !== 'function') return jestTest.todo(name)
    const body = async () => { await call(fn, context(name)) }
    const timeout = Number.isFinite(options.timeout) ? options.timeout : undefined
    if (options.skip) return jestTest.skip(name, body, timeout)
    return jestTest(name, body, timeout)
  }
  define.skip = (...args) => { const { name, fn } = parse(args); return jestTest.skip(name, typeof fn === 'function' ? fn : () => {}) }
  define.todo = (...args) => jestTest.todo(parse(args).name)
  define.only = define
  return define
}

function makeDescribe (jestDescribe) {
  const define = (...args) => {
    const { name, options, fn } = parse(args)
    const body = () => { if (typeof fn === 'function') return fn({ name, signal: new AbortController().signal }) }
    if (options.skip || options.todo) return jestDescribe.skip(name, body)
    return jestDescribe(name, body)
  }
  define.skip = (...args) => { const { name, fn } = parse(args); return jestDescribe.skip(name, typeof fn === 'function' ? fn : () => {}) }
  define.todo = define.skip
  define.only = define
  return define
}

const hook = jestHook => (fn, options = {}) => {
  const timeout = Number.isFinite(options?.timeout) ? options.timeout : undefined
  return jestHook(async () => { await call(fn, context('<hook>')) }, timeout)
}

const test = makeTest(globalThis.test)
const describe = makeDescribe(globalThis.describe)
Object.assign(test, {
  test,
  it: test,
  describe,
  suite: describe,
  before: hook(globalThis.beforeAll),
  after: hook(globalThis.afterAll),
  beforeEach: hook(globalThis.beforeEach),
  afterEach: hook(globalThis.afterEach),
  mock: real.mock,
  run () { throw new Error('run() is not offered inside a graded suite') },
  default: test,
})
Object.defineProperty(test, '__esModule', { value: true })

module.exports = test
