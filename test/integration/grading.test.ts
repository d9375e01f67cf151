// Grades real Python submissions end to end: HTTP API → Redis queue → worker →
// a fresh container on the real Docker engine → verdict.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ADD_CORRECT, ADD_TESTS, ADD_WRONG_FOR_NEGATIVES } from '../fixtures/python/add.js'
import { python, startTestGrader, type TestGrader } from '../helpers/grader.js'

let grader: TestGrader
beforeAll(async () => { grader = await startTestGrader() })
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  // Every run removes its own container before the result is stored.
  expect(await grader.leftovers()).toEqual([])
})

describe('grading a Python submission', () => {
  it('passes a correct solution with one result per test, in file order', async () => {
    const sub = await grader.grade(python(ADD_CORRECT, ADD_TESTS, { metadata: { student: 's-1' } }))
    expect(sub.state).toBe('done')
    expect(sub.metadata).toEqual({ student: 's-1' })
    expect(sub.result?.status).toBe('pass')
    expect(sub.result?.tests.map(t => [t.name, t.status])).toEqual([
      ['test_solution.py::test_adds_small_numbers', 'pass'],
      ['test_solution.py::test_adds_negative_numbers', 'pass'],
      ['test_solution.py::TestZero::test_zero_is_neutral', 'pass'],
    ])
    // What the student printed is kept per test, and the test's code is shown.
    expect(sub.result?.tests[0]?.output).toBe('adding 2 3\n')
    expect(sub.result?.tests[1]?.output).toBe('adding -2 -3\n')
    expect(sub.result?.tests[0]?.test_code).toContain('assert add(2, 3) == 5')
    const t = sub.result!.timings!
    for (const stage of ['queueMs', 'createMs', 'startMs', 'uploadMs', 'runMs', 'collectMs'] as const) {
      expect(t[stage]).toBeGreaterThanOrEqual(0)
    }
    expect(t.runMs).toBeGreaterThan(0)
  })

  it('runs a pytest suite as it is with options.runSkipped (Jest\'s marks only): a skip stays a skip', async () => {
    const tests = `${ADD_TESTS}\n\nimport pytest\n\n@pytest.mark.skip(reason="later")\ndef test_later():\n    assert add(1, 1) == 3\n`
    const sub = await grader.grade(python(ADD_CORRECT, tests, { options: { runSkipped: true } }))
    expect(sub.result?.status).toBe('pass')
    expect(sub.result?.tests.map(t => t.status)).toEqual(['pass', 'pass', 'pass', 'skip'])
  })

  it('fails a wrong solution, naming the failing test and its assertion', async () => {
    const sub = await grader.grade(python(ADD_WRONG_FOR_NEGATIVES, ADD_TESTS))
    expect(sub.result?.status).toBe('fail')
    const failing = sub.result!.tests.filter(t => t.status !== 'pass')
    expect(failing).toHaveLength(1)
    expect(failing[0]?.name).toBe('test_solution.py::test_adds_negative_numbers')
    expect(failing[0]?.status).toBe('fail')
    expect(failing[0]?.message).toContain('assert 5 == -5')
  })

  it('reports a syntax error with the file and line, without running tests', async () => {
    const sub = await grader.grade(python('def add(a, b)\n    return a + b\n', ADD_TESTS))
    expect(sub.result).toMatchObject({ status: 'error', reason: 'syntax', tests: [] })
    expect(sub.result?.message).toMatch(/solution\.py has a syntax error on line 1/)
  })

  it('stops an infinite loop at the timeout and says which test was running', async () => {
    const sub = await grader.grade(python('def add(a, b):\n    while True:\n        pass\n', ADD_TESTS, { limits: { timeoutMs: 2000 } }))
    expect(sub.result).toMatchObject({ status: 'error', reason: 'timeout' })
    expect(sub.result?.message).toContain('more than 2 s while running test_solution.py::test_adds_small_numbers')
  })

  it('stops a memory bomb at the memory limit', async () => {
    const bomb = 'def add(a, b):\n    hog = []\n    while True:\n        hog.append(bytearray(8 * 1024 * 1024))\n'
    const sub = await grader.grade(python(bomb, ADD_TESTS, { limits: { memoryMb: 64 } }))
    expect(sub.result).toMatchObject({ status: 'error', reason: 'memory' })
    expect(sub.result?.message).toContain('more than 64 MB')
  })

  it('stops a print flood at the output limit', async () => {
    const flood = 'def add(a, b):\n    while True:\n        print("spam" * 100)\n'
    const sub = await grader.grade(python(flood, ADD_TESTS, { limits: { outputKb: 16 } }))
    expect(sub.result).toMatchObject({ status: 'error', reason: 'output' })
    // What is kept for the student is capped (500 characters and a note).
    const shown = sub.result?.tests[0]?.output ?? ''
    expect(shown.length).toBeLessThan(600)
    expect(shown).toContain('Output was truncated')
  })

  it('truncates a long but bounded output and still gives the right verdict', async () => {
    const chatty = 'def add(a, b):\n    print("x" * 3000)\n    return a + b\n'
    const sub = await grader.grade(python(chatty, ADD_TESTS))
    expect(sub.result?.status).toBe('pass')
    expect(sub.result?.tests[0]?.output).toMatch(/^x{500}\n\[Output was truncated/)
  })

  it('reports a test file with no tests as error/no_tests', async () => {
    const sub = await grader.grade(python(ADD_CORRECT, 'from solution import add\n\n# nothing to see\n'))
    expect(sub.result).toMatchObject({ status: 'error', reason: 'no_tests' })
  })

  it('reports an import error as error/runtime with the cause', async () => {
    const sub = await grader.grade(python('def plus(a, b):\n    return a + b\n', ADD_TESTS))
    expect(sub.result).toMatchObject({ status: 'error', reason: 'runtime' })
    expect(sub.result?.message).toContain("cannot import name 'add'")
  })

  it('offers the Exercism results.json of a graded submission', async () => {
    const sub = await grader.grade(python(ADD_WRONG_FOR_NEGATIVES, ADD_TESTS))
    const res = await grader.request(`/v1/submissions/${sub.id}/results.json`)
    expect(res.status).toBe(200)
    const doc = await res.json() as Record<string, unknown>
    expect(doc).toMatchObject({ version: 2, status: 'fail' })
    expect(Object.keys(doc).sort()).toEqual(['status', 'tests', 'version'])
  })
})

describe('requests refused over HTTP', () => {
  it('answers 401, 400, 404 and 413 with the error shape', async () => {
    const cases: Array<[Promise<Response>, number, string]> = [
      [grader.request('/v1/submissions/x', { key: 'wrong' }), 401, 'unauthorized'],
      [grader.request('/v1/submissions', { method: 'POST', body: '{not json' }), 400, 'invalid_json'],
      [grader.request('/v1/submissions', { method: 'POST', body: JSON.stringify(python(ADD_CORRECT, ADD_TESTS, { language: 'cobol' })) }), 400, 'unknown_language'],
      [grader.request('/v1/submissions', { method: 'POST', body: JSON.stringify({ language: 'python', files: { '../evil.py': '' }, tests: { 'test_a.py': '' } }) }), 400, 'invalid_path'],
      [grader.request('/v1/submissions/00000000-0000-4000-8000-000000000000'), 404, 'not_found'],
      [grader.request('/v1/submissions', { method: 'POST', body: JSON.stringify(python('x = 1\n' + '#'.repeat(2 * 1024 * 1024), ADD_TESTS)) }), 413, 'payload_too_large'],
    ]
    for (const [pending, status, code] of cases) {
      const res = await pending
      expect(res.status).toBe(status)
      expect((await res.json() as { error: { code: string } }).error.code).toBe(code)
    }
  })
})
