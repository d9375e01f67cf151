import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../services/shared/config/config.js'
import type { Result, Submission } from '../../../services/shared/contracts/submission-schema.js'
import type { CollectRequest, CollectTests } from '../../../services/api/suite-collector.js'
import type { SuiteCollection } from '../../../services/shared/contracts/job-schema.js'
import { GraderError } from '../../../services/shared/errors/grader-error.js'
import { buildFakeApp, FAKE_API_KEY, FAKE_AUTH, NO_SLA, type FakeApp } from './fake-api-deps.js'

const ADMIN_KEY = 'unit-admin-key-0123456789'
const ADMIN = { authorization: `Bearer ${ADMIN_KEY}` } as const
const SECRET_EXPECTED = '982451653'

const TWO_SUM = {
  language: 'python',
  tests: { 'test_solution.py': `from solution import two_sum\n\ndef test_shown():\n    assert two_sum([2, 7], 9) == [0, 1]\n\ndef test_secret():\n    assert two_sum([1], 2) == ${SECRET_EXPECTED}\n` },
  starter: { 'solution.py': 'def two_sum(nums, target):\n    pass\n' },
  limits: { timeoutMs: 5000 },
  policy: {
    tests: {
      'test_solution.py::test_shown': { points: 2 },
      'test_solution.py::test_secret': { points: 3, visibility: 'hidden' },
    },
    dueAt: '2027-01-15T23:59:00Z',
    feedback: { max: 2, windowS: 3600 },
  },
}

let fake: FakeApp

beforeAll(async () => {
  const config = loadConfig({ GRADER_API_KEYS: FAKE_API_KEY, GRADER_ADMIN_KEYS: ADMIN_KEY, LOG_LEVEL: 'silent', GRADER_SLA_MS: NO_SLA })
  fake = await buildFakeApp({ config })
})
afterAll(async () => { await fake?.close() })

const put = async (id: string, payload: unknown, headers: Record<string, string> = ADMIN) =>
  await fake.app.inject({ method: 'PUT', url: `/v1/challenges/${id}`, headers, payload: payload as Record<string, unknown> })
const submit = async (payload: Record<string, unknown>) =>
  await fake.app.inject({ method: 'POST', url: '/v1/submissions', headers: FAKE_AUTH, payload })

describe('PUT/GET/DELETE /v1/challenges/:id', () => {
  it('stores a version named by its content hash, and the same content keeps the same version', async () => {
    const res = await put('two-sum', TWO_SUM)
    expect(res.statusCode).toBe(200)
    const { id, version } = res.json()
    expect(id).toBe('two-sum')
    expect(version).toMatch(/^[0-9a-f]{16}$/)
    expect((await put('two-sum', TWO_SUM)).json().version).toBe(version)
  })

  it('answers the latest version in full, and lists every version', async () => {
    const first = (await put('listed', TWO_SUM)).json().version
    const second = (await put('listed', { ...TWO_SUM, limits: { timeoutMs: 4000 } })).json().version
    expect(second).not.toBe(first)
    const got = await fake.app.inject({ method: 'GET', url: '/v1/challenges/listed', headers: ADMIN })
    expect(got.statusCode).toBe(200)
    expect(got.json()).toMatchObject({ id: 'listed', version: second, tests: TWO_SUM.tests, starter: TWO_SUM.starter, policy: TWO_SUM.policy, limits: { timeoutMs: 4000 } })
    const versions = await fake.app.inject({ method: 'GET', url: '/v1/challenges/listed/versions', headers: ADMIN })
    expect(versions.json()).toEqual([{ version: first, createdAt: expect.any(String) }, { version: second, createdAt: expect.any(String) }])
  })

  it('deletes a challenge, then answers 404 not_found for it', async () => {
    await put('doomed', TWO_SUM)
    expect((await fake.app.inject({ method: 'DELETE', url: '/v1/challenges/doomed', headers: ADMIN })).statusCode).toBe(204)
    for (const url of ['/v1/challenges/doomed', '/v1/challenges/doomed/versions']) {
      const res = await fake.app.inject({ method: 'GET', url, headers: ADMIN })
      expect(res.statusCode).toBe(404)
      expect(res.json().error.code).toBe('not_found')
    }
    expect((await fake.app.inject({ method: 'DELETE', url: '/v1/challenges/doomed', headers: ADMIN })).statusCode).toBe(404)
  })

  it('refuses a key that is not an admin key with 403 forbidden, reading included: a challenge holds its hidden tests', async () => {
    const res = await put('two-sum', TWO_SUM, FAKE_AUTH)
    expect(res.statusCode).toBe(403)
    expect(res.json().error.code).toBe('forbidden')
    expect((await fake.app.inject({ method: 'DELETE', url: '/v1/challenges/two-sum', headers: FAKE_AUTH })).statusCode).toBe(403)
    expect((await put('two-sum', TWO_SUM)).statusCode).toBe(200)
    expect((await fake.app.inject({ method: 'GET', url: '/v1/challenges/two-sum', headers: FAKE_AUTH })).statusCode).toBe(403)
  })

  it('refuses a bad id, a bad test path, negative points, an unknown visibility and a bad due date with 400', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['Two_Sum', TWO_SUM, 'invalid_request'],
      ['ok', { ...TWO_SUM, tests: { '../escape.py': 'x' } }, 'invalid_path'],
      ['ok', { ...TWO_SUM, tests: {} }, 'invalid_request'],
      ['ok', { ...TWO_SUM, policy: { tests: { '*': { points: -1 } } } }, 'invalid_request'],
      ['ok', { ...TWO_SUM, policy: { tests: { '*': { visibility: 'secret' } } } }, 'invalid_request'],
      ['ok', { ...TWO_SUM, policy: { dueAt: 'tomorrow' } }, 'invalid_request'],
      ['ok', { ...TWO_SUM, extra: true }, 'invalid_request'],
    ]
    for (const [id, body, code] of cases) {
      const res = await put(id, body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.json().error.code).toBe(code)
    }
  })
})

describe('POST /v1/submissions with a challenge', () => {
  it('queues the stored suite and limits, and records challenge, version and student', async () => {
    const { version } = (await put('two-sum', TWO_SUM)).json()
    const res = await submit({ challenge: 'two-sum', files: { 'solution.py': 'x = 1\n' }, student: 's-job' })
    expect(res.statusCode).toBe(202)
    const job = fake.queued.at(-1)
    expect(job).toMatchObject({ language: 'python', tests: TWO_SUM.tests, limits: { timeoutMs: 5000 } })
    expect(fake.stored.get(res.json().id)).toMatchObject({ challenge: 'two-sum', version, student: 's-job' })
    expect((await submit({ challenge: `two-sum@${version}`, files: { 'solution.py': 'x = 1\n' } })).statusCode).toBe(202)
  })

  it('runs the locally skipped tests when the challenge says so, unless the submission says otherwise', async () => {
    await put('skips', { ...TWO_SUM, options: { runSkipped: true } })
    const files = { 'solution.py': 'x = 1\n' }
    expect((await submit({ challenge: 'skips', files })).statusCode).toBe(202)
    expect(fake.queued.at(-1)?.runSkipped).toBe(true)
    expect((await submit({ challenge: 'skips', files, options: { runSkipped: false } })).statusCode).toBe(202)
    expect(fake.queued.at(-1)).not.toHaveProperty('runSkipped')
    // and a challenge without the option runs them only when the submission asks
    await put('plain', TWO_SUM)
    expect((await submit({ challenge: 'plain', files })).statusCode).toBe(202)
    expect(fake.queued.at(-1)).not.toHaveProperty('runSkipped')
    expect((await submit({ challenge: 'plain', files, options: { runSkipped: true } })).statusCode).toBe(202)
    expect(fake.queued.at(-1)?.runSkipped).toBe(true)
    // an option a challenge does not have is refused
    expect((await put('bad', { ...TWO_SUM, options: { runSkipped: 'yes' } })).statusCode).toBe(400)
    expect((await put('bad', { ...TWO_SUM, options: { isolation: 'in-process' } })).statusCode).toBe(400)
  })

  it('answers 404 not_found for an unknown challenge or version', async () => {
    for (const challenge of ['no-such', 'two-sum@0000000000000000']) {
      const res = await submit({ challenge, files: { 'solution.py': 'x = 1\n' } })
      expect(res.statusCode).toBe(404)
      expect(res.json().error.code).toBe('not_found')
    }
  })

  it('answers 400 unless exactly one of tests and challenge is given', async () => {
    const files = { 'solution.py': 'x = 1\n' }
    for (const body of [{ language: 'python', files }, { language: 'python', files, tests: { 't.py': 'x' }, challenge: 'two-sum' }, { files, tests: { 't.py': 'x' } }, { challenge: 'two-sum', files, student: 'x'.repeat(201) }]) {
      const res = await submit(body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.json().error.code).toBe('invalid_request')
    }
  })

  it('answers 429 feedback_budget with Retry-After past the budget of one student', async () => {
    await put('budget', { ...TWO_SUM, policy: { feedback: { max: 2, windowS: 600 } } })
    const body = { challenge: 'budget', files: { 'solution.py': 'x = 1\n' }, student: 's-budget' }
    expect((await submit(body)).statusCode).toBe(202)
    expect((await submit(body)).statusCode).toBe(202)
    const refused = await submit(body)
    expect(refused.statusCode).toBe(429)
    expect(refused.json().error.code).toBe('feedback_budget')
    const retryAfter = Number(refused.headers['retry-after'])
    expect(retryAfter).toBeGreaterThan(590)
    expect(retryAfter).toBeLessThanOrEqual(600)
    // another student has a budget of their own
    expect((await submit({ ...body, student: 's-other' })).statusCode).toBe(202)
  })
})

describe('GET /v1/submissions/:id of a challenge submission', () => {
  const RESULT: Result = {
    status: 'fail',
    message: `assert None == ${SECRET_EXPECTED}`,
    tests: [
      { name: 'test_solution.py::test_shown', status: 'pass', test_code: 'assert two_sum([2, 7], 9) == [0, 1]' },
      { name: 'test_solution.py::test_secret', status: 'fail', message: `assert None == ${SECRET_EXPECTED}`, output: 'dbg', test_code: `assert two_sum([1], 2) == ${SECRET_EXPECTED}` },
    ],
    durationMs: 10,
  }

  it('scores the result, and the student view hides the hidden test', async () => {
    await put('two-sum', TWO_SUM)
    const res = await submit({ challenge: 'two-sum', files: { 'solution.py': 'x = 1\n' }, student: 's-view' })
    const id = res.json().id as string
    const stored = fake.stored.get(id) as Submission
    fake.stored.set(id, { ...stored, state: 'done', result: RESULT })

    const full = (await fake.app.inject({ method: 'GET', url: `/v1/submissions/${id}`, headers: FAKE_AUTH })).json()
    expect(full.result).toMatchObject({ score: 2, maxScore: 5, tests: [{ points: 2 }, { points: 0, message: expect.any(String) }] })

    const student = (await fake.app.inject({ method: 'GET', url: `/v1/submissions/${id}?view=student`, headers: FAKE_AUTH })).json()
    expect(student.result.tests[1]).toEqual({ name: 'test_solution.py::test_secret', status: 'fail', points: 0 })
    expect(student.result).toMatchObject({ score: 2, maxScore: 5 })
    expect(JSON.stringify(student)).not.toContain(SECRET_EXPECTED)
  })

  it('leaves a submission with its own tests unscored', async () => {
    const res = await submit({ language: 'python', files: { 'solution.py': 'x = 1\n' }, tests: { 'test_solution.py': 'def test_a():\n    pass\n' } })
    const id = res.json().id as string
    fake.stored.set(id, { ...(fake.stored.get(id) as Submission), state: 'done', result: RESULT })
    const got = (await fake.app.inject({ method: 'GET', url: `/v1/submissions/${id}?view=student`, headers: FAKE_AUTH })).json()
    expect(got.result.score).toBeUndefined()
    expect(got.result.tests[1].points).toBeUndefined()
  })
})

describe('PUT /v1/challenges/:id checks policy.tests against the suite', () => {
  // what pytest would collect, as the collectTests seam answers it
  const IDS = ['test_solution.py::test_shown', 'test_solution.py::test_secret', 'test_solution.py::TestCase::test_p[1]', 'sub/test_more.py::test_x']
  let answer: SuiteCollection | Error = { ok: true, tests: IDS }
  const asked: CollectRequest[] = []
  const collectTests: CollectTests = async request => {
    asked.push(request)
    if (answer instanceof Error) throw answer
    return answer
  }
  let checked: FakeApp
  beforeAll(async () => {
    const config = loadConfig({ GRADER_API_KEYS: FAKE_API_KEY, GRADER_ADMIN_KEYS: ADMIN_KEY, LOG_LEVEL: 'silent', GRADER_SLA_MS: NO_SLA })
    checked = await buildFakeApp({ config, collectTests })
  })
  afterAll(async () => { await checked?.close() })
  const putChecked = async (id: string, tests: Record<string, unknown> | undefined) => {
    const body = { ...TWO_SUM, policy: tests === undefined ? { dueAt: TWO_SUM.policy.dueAt } : { tests } }
    return await checked.app.inject({ method: 'PUT', url: `/v1/challenges/${id}`, headers: ADMIN, payload: body })
  }

  it('stores a policy whose exact ids and globs all name collected tests, collecting with the starter files', async () => {
    answer = { ok: true, tests: IDS }
    asked.length = 0
    const res = await putChecked('all-known', { 'test_solution.py::test_shown': { points: 2 }, 'test_solution.py::TestCase::*': { points: 3 }, 'sub/*': { visibility: 'hidden' } })
    expect(res.statusCode).toBe(200)
    expect(asked).toEqual([{ language: 'python', tests: TWO_SUM.tests, starter: TWO_SUM.starter, limits: TWO_SUM.limits }])
  })

  it('refuses with 400 unknown_tests, listing every exact id and glob that names no test', async () => {
    answer = { ok: true, tests: IDS }
    const res = await putChecked('typos', { 'test_solution.py::test_shown': {}, 'test_solution.py::test_shwon': { points: 2 }, 'tests/*': {} })
    expect(res.statusCode).toBe(400)
    const { code, message } = res.json().error
    expect(code).toBe('unknown_tests')
    expect(message).toContain('"test_solution.py::test_shwon"')
    expect(message).toContain('"tests/*"')
    expect(message).toContain('2 tests the suite does not have')
    const [unknownPart, knownPart] = (message as string).split('. The suite\'s tests are: ')
    expect(unknownPart).not.toContain('"test_solution.py::test_shown"')
    expect(knownPart).toContain('"sub/test_more.py::test_x"')
    // nothing stored
    expect(checked.challenges.has('typos')).toBe(false)
  })

  it('refuses a suite that does not collect with 400 invalid_suite and pytest\'s reason', async () => {
    answer = { ok: false, problem: 'pytest could not collect test_solution.py:\nE   SyntaxError' }
    const res = await putChecked('broken', { 'test_solution.py::test_shown': {} })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_suite')
    expect(res.json().error.message).toContain('SyntaxError')
  })

  it('collects nothing for a policy that names no test, nor for a version already stored', async () => {
    asked.length = 0
    answer = new Error('must not be asked')
    expect((await putChecked('no-names', undefined)).statusCode).toBe(200)
    answer = { ok: true, tests: IDS }
    expect((await putChecked('twice', { 'test_solution.py::test_shown': {} })).statusCode).toBe(200)
    expect((await putChecked('twice', { 'test_solution.py::test_shown': {} })).statusCode).toBe(200)
    expect(asked).toHaveLength(1)
  })

  it('answers 503 unavailable when no worker can collect, and stores nothing', async () => {
    answer = new GraderError('unavailable', 'no grading worker is running')
    const res = await putChecked('no-worker', { 'test_solution.py::test_shown': {} })
    expect(res.statusCode).toBe(503)
    expect(res.json().error.code).toBe('unavailable')
    expect(checked.challenges.has('no-worker')).toBe(false)
  })
})
