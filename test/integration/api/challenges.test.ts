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
