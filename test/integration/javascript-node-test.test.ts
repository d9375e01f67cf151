// node:test suites, graded through the API, against node's own runner on the same files: a suite
// written with node:test (describe/it/test, hooks, skips, callback tests, node:assert) gets, test
// by test, the outcome `node --test` gives it, with describe titles and the test's joined as
// Jest's full names are. The runner here is the host's Node (the test process's), the grading the
// image's: both run node:test's semantics as the harness maps them (images/javascript/harness/node-test.js).
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGrader, type TestGrader } from '../helpers/grader.js'

let grader: TestGrader
beforeAll(async () => { grader = await startTestGrader() })
afterAll(async () => { await grader?.close() })

const SOLUTION = `
export const add = (a, b) => a + b
export const greet = name => \`Hello, \${name}!\`
export const later = async v => { await new Promise(r => setTimeout(r, 5)); return v * 2 }
export class Counter { constructor () { this.n = 0 } bump () { return ++this.n } }
`
const SUITE = `
import { describe, it, test, before, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { add, greet, later, Counter } from './calc.mjs'

describe('calc', () => {
  let base
  let counter
  before(() => { counter = new Counter() })
  beforeEach(() => { base = 1 })
  afterEach(() => { base = undefined })
  it('adds', () => { assert.equal(add(base, 2), 3) })
  it('greets', () => { assert.equal(greet('Ann'), 'Hello, Ann!') })
  it('waits for a promise', async () => { assert.equal(await later(2), 4) })
  it('keeps state across tests of a suite', () => { counter.bump(); assert.equal(counter.bump(), 2) })
  it.skip('is skipped', () => { assert.fail('never') })
  describe('nested', () => {
    it('fails on a wrong answer', () => { assert.deepEqual(greet('Bo'), 'Hi Bo') })
    it('fails on a throw', () => { throw new TypeError('nope') })
  })
})
test('callback style', (t, done) => { setTimeout(() => { assert.equal(add(1, 1), 2); done() }, 10) })
test('callback style that fails', (t, done) => { setTimeout(() => done(new Error('late failure')), 10) })
test('skipped by its options', { skip: true }, () => { assert.fail('never') })
test('a subtest', async (t) => { await t.test('inner', () => { assert.equal(add(2, 2), 4) }) })
test(function namedByItsFunction () { assert.ok(true) })
`

/** node's own runner on the files: each leaf test's full name and outcome, in the order node reports them. */
async function nodeTestOutcomes (files: Record<string, string>): Promise<Array<[string, string]>> {
  const dir = await mkdtemp(join(tmpdir(), 'node-test-'))
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
    await writeFile(join(dir, 'reporter.mjs'), `export default async function * (source) {
  for await (const e of source) {
    if (e.type === 'test:pass' || e.type === 'test:fail') yield JSON.stringify({ type: e.type, name: e.data.name, nesting: e.data.nesting, suite: e.data.details?.type === 'suite', skip: e.data.skip !== undefined || e.data.todo !== undefined }) + '\\n'
  }
}
`)
    const { stdout } = await promisify(execFile)(process.execPath, ['--test', '--test-reporter=./reporter.mjs', 'calc.test.mjs'], { cwd: dir })
      .catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }))
    const events = stdout.trim().split('\n').map(l => JSON.parse(l) as { type: string, name: string, nesting: number, suite: boolean, skip: boolean })
    // Children report before their parent. A suite's title goes in front of the names of the
    // reports just below it; a test's own subtests (reported by node, counted by the grader in
    // their parent) are dropped when their parent reports.
    let items: Array<{ name: string, top: number, status: string }> = []
    for (const e of events) {
      if (e.suite) {
        for (const t of items) if (t.top === e.nesting + 1) { t.name = `${e.name} ${t.name}`; t.top = e.nesting }
        continue
      }
      items = items.filter(t => t.top !== e.nesting + 1)
      items.push({ name: e.name, top: e.nesting, status: e.skip ? 'skip' : e.type === 'test:pass' ? 'pass' : 'fail' })
    }
    return items.map(t => [t.name, t.status])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('a node:test suite', () => {
  it('gets, test by test, the outcome node --test gives it, under the same full names', async () => {
    const expected = await nodeTestOutcomes({ 'calc.mjs': SOLUTION, 'calc.test.mjs': SUITE })
    // the runner itself ran: the suite has passing, failing and skipped tests
    expect(new Set(expected.map(([, status]) => status))).toEqual(new Set(['pass', 'fail', 'skip']))
    const sub = await grader.grade({ language: 'javascript', files: { 'calc.mjs': SOLUTION }, tests: { 'calc.test.mjs': SUITE } })
    const got = (sub.result?.tests ?? []).map(t => [t.name, t.status === 'error' ? 'fail' : t.status])
    expect(got, JSON.stringify(sub.result).slice(0, 1500)).toEqual(expected)
    expect(sub.result?.status).toBe('fail')
    const byName = new Map((sub.result?.tests ?? []).map(t => [t.name, t]))
    expect(byName.get('calc nested fails on a wrong answer')?.status).toBe('fail')
    expect(byName.get('callback style that fails')?.message).toMatch(/late failure/)
  })

  it('passes when the student\'s code is right', async () => {
    const right = SUITE.replace("'Hi Bo'", "'Hello, Bo!'").replace("it('fails on a throw', () => { throw new TypeError('nope') })", '').replace("done(new Error('late failure'))", 'done()')
    const sub = await grader.grade({ language: 'javascript', files: { 'calc.mjs': SOLUTION }, tests: { 'calc.test.mjs': right } })
    expect(sub.result?.status, JSON.stringify(sub.result).slice(0, 1500)).toBe('pass')
    expect(await nodeTestOutcomes({ 'calc.mjs': SOLUTION, 'calc.test.mjs': right })).toEqual((sub.result?.tests ?? []).map(t => [t.name, t.status]))
  })
})
