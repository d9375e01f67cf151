import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGrader, type TestGrader } from '../../helpers/grader.js'

const SECRET_EXPECTED = '982451653'

const TESTS = `from solution import two_sum

def test_shown():
    assert two_sum([2, 7, 11], 9) == [0, 1]

def test_secret():
    assert two_sum([3, 3], 6) == ${SECRET_EXPECTED}

def test_extra():
    assert two_sum([1, 2], 3) == [0, 1]
`

const CHALLENGE = {
  language: 'python',
  tests: { 'test_solution.py': TESTS },
  starter: { 'solution.py': 'def two_sum(nums, target):\n    pass\n' },
  limits: { timeoutMs: 20000 },
  policy: {
    tests: {
      'test_solution.py::test_shown': { points: 2 },
      'test_solution.py::test_secret': { points: 3, visibility: 'hidden' },
    },
    dueAt: '2999-01-15T23:59:00Z',
    feedback: { max: 2, windowS: 3600 },
  },
}

const SOLUTION = `def two_sum(nums, target):
    seen = {}
    for i, n in enumerate(nums):
        if target - n in seen:
            return [seen[target - n], i]
        seen[n] = i
    print("looked for", target)
`

let g: TestGrader

beforeAll(async () => { g = await startTestGrader() })
afterAll(async () => { await g?.close() })

describe('challenges end to end', () => {
  it('grades a challenge submission with the policy: points, score, and a student view without the hidden test', async () => {
    const put = await g.request('/v1/challenges/two-sum', { method: 'PUT', body: JSON.stringify(CHALLENGE) })
    expect(put.status).toBe(200)
    const { version } = await put.json() as { version: string }
    expect(version).toMatch(/^[0-9a-f]{16}$/)

    const versions = await (await g.request('/v1/challenges/two-sum/versions')).json() as Array<{ version: string }>
    expect(versions.map(v => v.version)).toEqual([version])

    const done = await g.grade({ challenge: 'two-sum', files: { 'solution.py': SOLUTION }, student: 's-123' })
    expect(done).toMatchObject({ state: 'done', challenge: 'two-sum', version, student: 's-123' })
    const result = done.result!
    expect(result.status).toBe('fail')
    expect(result.tests.map(t => [t.name, t.status, t.points])).toEqual([
      ['test_solution.py::test_shown', 'pass', 2],
      ['test_solution.py::test_secret', 'fail', 0],
      ['test_solution.py::test_extra', 'pass', 1],
    ])
    expect(result).toMatchObject({ score: 3, maxScore: 6 })
    // the full view keeps the hidden test's details
    expect(JSON.stringify(result)).toContain(SECRET_EXPECTED)

    const student = await (await g.request(`/v1/submissions/${done.id}?view=student`)).json() as typeof done
    const secret = student.result!.tests.find(t => t.name === 'test_solution.py::test_secret')
    expect(secret).toEqual({ name: 'test_solution.py::test_secret', status: 'fail', points: 0 })
    expect(student.result).toMatchObject({ score: 3, maxScore: 6 })
    expect(JSON.stringify(student)).not.toContain(SECRET_EXPECTED)
    expect(student.result!.message).toBeUndefined()
    // visible tests keep their details
    expect(student.result!.tests[0]?.test_code).toContain('two_sum([2, 7, 11], 9)')
  })

  it('counts the feedback budget per student in Redis: the third submission in the window is 429', async () => {
    const body = JSON.stringify({ challenge: 'two-sum', files: { 'solution.py': SOLUTION }, student: 's-budget' })
    expect((await g.request('/v1/submissions', { method: 'POST', body })).status).toBe(202)
    expect((await g.request('/v1/submissions', { method: 'POST', body })).status).toBe(202)
    const refused = await g.request('/v1/submissions', { method: 'POST', body })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3500)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('feedback_budget')
  })

  it('deletes the challenge; then it is not found', async () => {
    expect((await g.request('/v1/challenges/two-sum', { method: 'DELETE' })).status).toBe(204)
    expect((await g.request('/v1/challenges/two-sum')).status).toBe(404)
    const res = await g.request('/v1/submissions', { method: 'POST', body: JSON.stringify({ challenge: 'two-sum', files: { 'solution.py': SOLUTION } }) })
    expect(res.status).toBe(404)
  })
})

// pytest's own ids: a unittest class, a parametrized function, a file in a subfolder. The
// student's module does not exist when the suite is put (no starter): collection still works.
const NODE_ID_SUITE = {
  'test_shapes.py': `import unittest
import pytest
from shapes import area

class AreaTest(unittest.TestCase):
    def test_square(self):
        self.assertEqual(area(2), 4)

@pytest.mark.parametrize('side, expected', [(1, 1), (3, 9)])
def test_many(side, expected):
    assert area(side) == expected
`,
  'more/test_more.py': 'from shapes import area\n\ndef test_zero():\n    assert area(0) == 0\n',
}

describe('policy.tests checked against the suite, as pytest collects it in a grading container', () => {
  const putShapes = async (id: string, body: Record<string, unknown>) =>
    await g.request(`/v1/challenges/${id}`, { method: 'PUT', body: JSON.stringify({ language: 'python', tests: NODE_ID_SUITE, ...body }) })

  it('accepts exact node ids of unittest classes, parametrized tests and subfolders, and globs that match', async () => {
    const res = await putShapes('shapes', {
      policy: {
        tests: {
          'test_shapes.py::AreaTest::test_square': { points: 2 },
          'test_shapes.py::test_many[3-9]': { visibility: 'hidden' },
          'more/*': { points: 5 },
        },
      },
    })
    expect(res.status, await res.clone().text()).toBe(200)
    // and the ids are the ones grading reports: the policy's points land on them
    const done = await g.grade({ challenge: 'shapes', files: { 'shapes.py': 'def area(side):\n    return side * side\n' } })
    expect(done.result!.tests.map(t => [t.name, t.points])).toEqual([
      ['test_shapes.py::AreaTest::test_square', 2],
      ['test_shapes.py::test_many[1-1]', 1],
      ['test_shapes.py::test_many[3-9]', 1],
      ['more/test_more.py::test_zero', 5],
    ])
    expect(done.result).toMatchObject({ score: 9, maxScore: 9 })
  })

  it('refuses with 400 unknown_tests a policy naming ids the suite does not have, listing them', async () => {
    const res = await putShapes('shapes-typo', {
      policy: { tests: { 'test_shapes.py::test_square': { points: 2 }, 'test_shapes.py::test_many[3-9]': {}, 'tests/*': {} } },
    })
    expect(res.status).toBe(400)
    const { error } = await res.json() as { error: { code: string, message: string } }
    expect(error.code).toBe('unknown_tests')
    expect(error.message).toContain('"test_shapes.py::test_square"')
    expect(error.message).toContain('"tests/*"')
    expect(error.message).toContain('"test_shapes.py::AreaTest::test_square"')
    expect((await g.request('/v1/challenges/shapes-typo')).status).toBe(404)
  })

  it('refuses with 400 invalid_suite a suite that does not collect, and one with no test', async () => {
    const broken = await g.request('/v1/challenges/broken', {
      method: 'PUT',
      body: JSON.stringify({ language: 'python', tests: { 'test_x.py': 'import pytest\nraise RuntimeError("setup of the suite is broken")\n' }, policy: { tests: { 'test_x.py::test_a': {} } } }),
    })
    expect(broken.status).toBe(400)
    const error = (await broken.json() as { error: { code: string, message: string } }).error
    expect(error.code).toBe('invalid_suite')
    expect(error.message).toContain('setup of the suite is broken')

    const empty = await g.request('/v1/challenges/empty', {
      method: 'PUT',
      body: JSON.stringify({ language: 'python', tests: { 'test_x.py': 'X = 1\n' }, policy: { tests: { 'test_x.py::test_a': {} } } }),
    })
    expect(empty.status).toBe(400)
    expect((await empty.json() as { error: { code: string } }).error.code).toBe('invalid_suite')
    expect(await g.leftovers()).toEqual([])
  })
})

describe('policy.tests without a worker', () => {
  it('answers 503 unavailable: the suite cannot be collected, and nothing is stored', async () => {
    const alone = await startTestGrader({}, { worker: false })
    try {
      const res = await alone.request('/v1/challenges/lonely', {
        method: 'PUT',
        body: JSON.stringify({ language: 'python', tests: NODE_ID_SUITE, policy: { tests: { 'more/*': {} } } }),
      })
      expect(res.status).toBe(503)
      expect((await res.json() as { error: { code: string } }).error.code).toBe('unavailable')
      expect((await alone.request('/v1/challenges/lonely')).status).toBe(404)
      // a policy that names no test needs no collection
      const plain = await alone.request('/v1/challenges/lonely', { method: 'PUT', body: JSON.stringify({ language: 'python', tests: NODE_ID_SUITE }) })
      expect(plain.status).toBe(200)
    } finally {
      await alone.close()
    }
  })
})
