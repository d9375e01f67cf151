import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { LIMITS } from '../../../services/shared/config/limits.js'
import type { GradingJob } from '../../../services/shared/contracts/job-schema.js'
import { standInWorker } from './stand-in-worker.js'
import { SUBMISSION_BOUNDS, type Result } from '../../../services/shared/contracts/submission-schema.js'
import { AUTH, buildTestApp, validSubmission, type TestApp, jobsWaiting } from './build-test-app.js'

const RESULT: Result = {
  status: 'fail',
  tests: [
    { name: 'test_add', status: 'pass', test_code: 'assert add(1, 1) == 2' },
    { name: 'test_later', status: 'skip' },
    { name: 'test_negative', status: 'fail', message: 'assert 0 == -2', output: 'debug print', test_code: 'assert add(-1, -1) == -2' },
  ],
  durationMs: 120,
}

let t: TestApp

beforeAll(async () => {
  t = await buildTestApp({ GRADER_WAIT_MAX_MS: '300' })
  await t.deps.registry.publish({ workerId: 'test', languages: ['python'], usableHosts: 1 })
})
afterAll(async () => { await t?.close() })

const post = async (payload: unknown, url = '/v1/submissions') =>
  await t.app.inject({ method: 'POST', url, headers: AUTH, payload: payload as Record<string, unknown> })

const postRaw = async (body: string, contentType = 'application/json') =>
  await t.app.inject({ method: 'POST', url: '/v1/submissions', headers: { ...AUTH, 'content-type': contentType }, payload: body })

const get = async (url: string) => await t.app.inject({ method: 'GET', url, headers: AUTH })

describe('POST /v1/submissions refusals', () => {
  it('returns 400 invalid_json when the body is not valid JSON', async () => {
    const res = await postRaw('{"language": "python",')
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ error: { code: 'invalid_json', message: expect.any(String) } })
  })

  it('returns 400 invalid_json when the body is JSON but not an object', async () => {
    const res = await postRaw('[1, 2]')
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_json')
  })

  it('returns 400 invalid_json when the content type is not JSON', async () => {
    const res = await postRaw('<submission/>', 'application/xml')
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_json')
  })

  it('returns 400 invalid_request naming the field when a file content is not a string', async () => {
    const res = await post(validSubmission({ files: { 'solution.py': 42 } }))
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ error: { code: 'invalid_request', message: 'body/files/solution.py must be string' } })
  })

  it('returns 400 invalid_request when a limit is not a number', async () => {
    const res = await post(validSubmission({ limits: { timeoutMs: 'soon' } }))
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toEqual({ code: 'invalid_request', message: 'body/limits/timeoutMs must be number' })
  })

  it('returns 400 invalid_request when tests is empty', async () => {
    const res = await post(validSubmission({ tests: {} }))
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_request')
    expect(res.json().error.message).toMatch(/tests/)
  })

  it('returns 400 invalid_request when tests is missing', async () => {
    const { tests: _tests, ...withoutTests } = validSubmission()
    const res = await post(withoutTests)
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_request')
  })

  it('returns 400 unknown_language listing the languages available', async () => {
    const res = await post(validSubmission({ language: 'cobol' }))
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('unknown_language')
    expect(res.json().error.message).toMatch(/cobol.*python/)
  })

  it.each([
    ['a parent segment', '../x'],
    ['an absolute path', '/etc/passwd'],
    ['a newline', 'a\nb'],
    ['a 4000-character name', 'a'.repeat(4000)],
    ['a lone dot', '.'],
    ['a backslash', 'a\\b'],
    ['an empty segment', 'a//b'],
  ])('returns 400 invalid_path for %s', async (_what, path) => {
    const res = await post(validSubmission({ files: { [path]: 'x = 1\n' } }))
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_path')
    // the message quotes the path JSON-escaped and cut, so it stays one short readable line
    expect(res.json().error.message).not.toMatch(/\n/)
    expect(res.json().error.message.length).toBeLessThan(200)
  })

  it('returns 400 invalid_path when the same path is in files and tests', async () => {
    const res = await post(validSubmission({ files: { 'test_solution.py': 'x' } }))
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_path')
  })

  it('returns 413 when there are more files than allowed', async () => {
    const files = Object.fromEntries(Array.from({ length: SUBMISSION_BOUNDS.maxFiles }, (_, i) => [`f${i}.py`, '']))
    const res = await post(validSubmission({ files }))
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toBe('payload_too_large')
  })

  it('returns 413 when files exceed the total size counted in UTF-8 bytes', async () => {
    // 600k characters, but 1.2 MB in UTF-8: over the byte bound, under the character count
    const res = await post(validSubmission({ files: { 'solution.py': 'é'.repeat(600_000) } }))
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toBe('payload_too_large')
  })

  it('returns 413 when the body is larger than the server accepts', async () => {
    const res = await post(validSubmission({ files: { 'solution.py': 'x'.repeat(SUBMISSION_BOUNDS.maxTotalBytes * 3) } }))
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toBe('payload_too_large')
  })

  it('returns 400 invalid_metadata, not 500, when metadata is nested thousands of levels deep', async () => {
    // this used to reach SubmissionStore.create, whose JSON.stringify overflowed the stack
    const levels = 5_000
    const body = JSON.stringify(validSubmission()).slice(0, -1) + `,"metadata":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}`
    const res = await postRaw(body)
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_metadata')
  })

  it('returns 400 invalid_content when a file content holds a lone surrogate', async () => {
    const before = await jobsWaiting(t)
    const res = await postRaw(JSON.stringify(validSubmission()).replace('return a + b', 'return \\"\\ud800\\"'))
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'invalid_content', message: expect.stringContaining('"solution.py"') })
    expect(await jobsWaiting(t)).toBe(before)
  })

  it('stores nothing and queues nothing when it refuses a submission', async () => {
    const before = await jobsWaiting(t)
    await post(validSubmission({ files: { '../escape.py': '' } }))
    expect(await jobsWaiting(t)).toBe(before)
  })
})

describe('POST /v1/submissions acceptance', () => {
  it('returns 202 with the id and queues the job with limits clamped to the server maxima', async () => {
    const res = await post(validSubmission({ limits: { timeoutMs: 10_000_000, memoryMb: 64 }, metadata: { student: 'ada' } }))
    expect(res.statusCode).toBe(202)
    const body = res.json()
    expect(body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), state: 'queued' })
    expect(res.headers.location).toBe(`/v1/submissions/${body.id}`)

    // waiting in the fair queue, in the bootstrap tenant's practice lane, for a worker's free slot
    expect(await t.deps.fair!.depths()).toEqual([{ tenant: 'default', lane: 'practice', pending: 1 }])
    const data = await t.deps.fair!.job(body.id) as GradingJob
    expect(data).toMatchObject({ tenant: 'default', lane: 'practice' })
    expect(data.submissionId).toBe(body.id)
    expect(data.files).toEqual(validSubmission().files)
    expect(data.tests).toEqual(validSubmission().tests)
    expect(data.limits.timeoutMs).toBe(LIMITS.timeoutMs.max)
    expect(data.limits.memoryMb).toBe(64)
    expect(data.limits.pids).toBe(LIMITS.pids.default)

    const stored = await t.deps.store.get(body.id)
    expect(stored).toMatchObject({ id: body.id, state: 'queued', language: 'python', metadata: { student: 'ada' } })
  })

  it('returns 503 and forgets the submission when it cannot be queued', async () => {
    let attemptedId: string | undefined
    const add = vi.spyOn(t.deps.fair!, 'add').mockImplementationOnce(async data => {
      attemptedId = data.submissionId
      throw new Error('queue refused the job')
    })
    try {
      const res = await post(validSubmission())
      expect(res.statusCode).toBe(503)
      expect(res.json().error.code).toBe('unavailable')
    } finally {
      add.mockRestore()
    }
    expect(attemptedId).toBeDefined()
    expect(await t.deps.store.get(attemptedId as string)).toBeNull()
  })
})

describe('GET /v1/submissions/:id', () => {
  it('returns 404 not_found for an unknown id', async () => {
    const res = await get('/v1/submissions/00000000-0000-4000-8000-000000000000')
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('not_found')
  })

  it('returns 404 not_found for an id that is not a UUID', async () => {
    const res = await get('/v1/submissions/..%2F..%2Fetc')
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('not_found')
  })

  it('returns the queued submission, then the result once it is done', async () => {
    const { id } = (await post(validSubmission({ metadata: { attempt: 1 } }))).json()
    const queued = await get(`/v1/submissions/${id}`)
    expect(queued.statusCode).toBe(200)
    expect(queued.json()).toEqual({
      id, state: 'queued', language: 'python', createdAt: expect.any(String), metadata: { attempt: 1 },
      // the keys of the environment are the bootstrap tenant's; `env:` + a digest prefix, never the key
      tenant: 'default', submittedBy: expect.stringMatching(/^env:[0-9a-f]{12}$/), priority: 'practice',
    })

    await t.deps.store.complete(id, RESULT)
    const done = await get(`/v1/submissions/${id}`)
    expect(done.statusCode).toBe(200)
    expect(done.json()).toMatchObject({ id, state: 'done', result: RESULT })
  })
})

describe('GET /v1/submissions/:id/results.json', () => {
  it('returns 404 saying the results are not ready while the submission is queued', async () => {
    const { id } = (await post(validSubmission())).json()
    const res = await get(`/v1/submissions/${id}/results.json`)
    expect(res.statusCode).toBe(404)
    expect(res.json().error).toEqual({ code: 'not_found', message: 'results are not ready yet: the submission is queued' })
  })

  it('returns the Exercism v2 document without skipped tests once done', async () => {
    const { id } = (await post(validSubmission())).json()
    await t.deps.store.complete(id, RESULT)
    const res = await get(`/v1/submissions/${id}/results.json`)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      version: 2,
      status: 'fail',
      tests: [
        { name: 'test_add', status: 'pass', test_code: 'assert add(1, 1) == 2' },
        { name: 'test_negative', status: 'fail', message: 'assert 0 == -2', output: 'debug print', test_code: 'assert add(-1, -1) == -2' },
      ],
    })
  })
})

describe('POST /v1/submissions?wait=true', () => {
  it('returns 200 with the result when the submission is done during the wait', async () => {
    // its own app: a long wait, and a queue no other test puts jobs on
    const own = await buildTestApp({ GRADER_WAIT_MAX_MS: '20000' })
    // a stand-in worker: feeds the job from the fair queue, takes it and completes it, as services/worker does
    const worker = standInWorker(own, () => RESULT)
    try {
      await own.deps.registry.publish({ workerId: 'test', languages: ['python'], usableHosts: 1 })
      const res = await own.app.inject({ method: 'POST', url: '/v1/submissions?wait=true', headers: AUTH, payload: validSubmission() })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toMatchObject({ id: expect.any(String), state: 'done', language: 'python', result: RESULT })
    } finally {
      await worker.close()
      await own.close()
    }
  })

  it('returns 202 with the current state when waitMaxMs elapses', async () => {
    const started = Date.now()
    const res = await post(validSubmission(), '/v1/submissions?wait=true')
    expect(res.statusCode).toBe(202)
    expect(res.json()).toEqual({ id: expect.any(String), state: 'queued' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(t.config.waitMaxMs - 20)
  })

  it('returns 400 when wait is not a boolean', async () => {
    const res = await post(validSubmission(), '/v1/submissions?wait=soon')
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_request')
  })
})
