// POST /v1/challenges/:id/regrade: every kept submission graded again, below live traffic, results side by side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GradingJob } from '../../../services/shared/contracts/job-schema.js'
import { ADMIN_KEY, API_KEY, buildTestApp, validSubmission, type TestApp } from './build-test-app.js'
import { FAIL, PASS, standInWorker } from './stand-in-worker.js'

let t: TestApp
const ADMIN = { authorization: `Bearer ${ADMIN_KEY}` }

beforeAll(async () => {
  t = await buildTestApp({ GRADER_ADMIN_KEYS: ADMIN_KEY })
  await t.deps.registry.publish({ workerId: 'test', languages: ['python'], usableHosts: 1 })
})
afterAll(async () => { await t?.close() })

const inject = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = ADMIN) =>
  await t.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) })

const suite = (expected: number) => ({ 'test_solution.py': `from solution import add\n\ndef test_add():\n    assert add(1, 1) == ${expected}\n` })

describe('POST /v1/challenges/:id/regrade', () => {
  it('grades every submission again against the new version, after live traffic, keeping old results beside new ones', async () => {
    const v1 = (await inject('PUT', '/v1/challenges/two-sum', { language: 'python', tests: suite(2), policy: { feedback: { max: 2, windowS: 3600 } } })).json().version
    const originals: string[] = []
    for (const n of [1, 2]) {
      const res = await inject('POST', '/v1/submissions', { challenge: 'two-sum', student: 's-1', files: { 'solution.py': `# ${n}\ndef add(a, b):\n    return a + b\n` }, limits: { timeoutMs: 4000 } })
      expect(res.statusCode).toBe(202)
      originals.push(res.json().id)
    }
    // the student's feedback budget is spent: a regrade must not need it
    expect((await inject('POST', '/v1/submissions', { challenge: 'two-sum', student: 's-1', files: { 'solution.py': 'x = 1\n' } })).statusCode).toBe(429)
    const v2 = (await inject('PUT', '/v1/challenges/two-sum', { language: 'python', tests: suite(3), policy: { feedback: { max: 2, windowS: 3600 } } })).json().version
    expect(v2).not.toBe(v1)

    const regrade = await inject('POST', '/v1/challenges/two-sum/regrade', {})
    expect(regrade.statusCode).toBe(202)
    expect(regrade.json()).toEqual({ id: expect.any(String), count: 2, version: v2 })
    // live traffic queued after the regrade
    const live = (await inject('POST', '/v1/submissions', validSubmission(), { authorization: `Bearer ${API_KEY}` })).json().id as string

    const worker = standInWorker(t, (job: GradingJob) => (job.tests['test_solution.py']?.includes('== 3') === true ? FAIL : PASS))
    try {
      await worker.completed(5)
    } finally {
      await worker.close()
    }
    // the regrade lane only takes capacity no other lane wants: the originals, then the live one, first
    const order = worker.taken.map(j => j.submissionId)
    expect(order.slice(0, 3)).toEqual([...originals, live])
    const regrades = worker.taken.slice(3)
    expect(regrades).toHaveLength(2)
    for (const job of regrades) {
      expect(job.tests).toEqual(suite(3))
      expect(job.limits.timeoutMs).toBe(4000)
    }

    for (const [i, originalId] of originals.entries()) {
      const original = (await inject('GET', `/v1/submissions/${originalId}`)).json()
      expect(original).toMatchObject({ version: v1, state: 'done', result: { status: 'pass' } })
      expect(original.regrades).toHaveLength(1)
      const again = (await inject('GET', `/v1/submissions/${original.regrades[0]}`)).json()
      expect(again).toMatchObject({ regradeOf: originalId, challenge: 'two-sum', version: v2, student: 's-1', state: 'done', result: { status: 'fail' }, batch: regrade.json().id })
      expect(regrades[i]?.submissionId).toBe(again.id)
    }
    const progress = (await inject('GET', `/v1/batches/${regrade.json().id}`)).json()
    expect(progress).toMatchObject({ kind: 'regrade', state: 'done', total: 2, done: 2, challenge: 'two-sum', version: v2, counts: { fail: 2 } })
  })

  it('queues regrade jobs in the regrade lane, live ones in their own', async () => {
    await inject('PUT', '/v1/challenges/prio', { language: 'python', tests: suite(2) })
    const original = (await inject('POST', '/v1/submissions', { challenge: 'prio', files: { 'solution.py': 'x = 1\n' } })).json().id as string
    const regrade = (await inject('POST', '/v1/challenges/prio/regrade', {})).json()
    const progress = (await inject('GET', `/v1/batches/${regrade.id}`)).json()
    const [liveJob, regradeJob] = await Promise.all([t.deps.fair!.job(original), t.deps.fair!.job(progress.submissions[0].id)])
    expect(liveJob?.lane).toBe('practice')
    expect(regradeJob?.lane).toBe('regrade')
    expect(await t.deps.store.get(progress.submissions[0].id)).toMatchObject({ priority: 'regrade' })
  })

  it('regrades against a named version', async () => {
    const first = (await inject('PUT', '/v1/challenges/named', { language: 'python', tests: suite(2) })).json().version
    await inject('POST', '/v1/submissions', { challenge: 'named', files: { 'solution.py': 'x = 1\n' } })
    await inject('PUT', '/v1/challenges/named', { language: 'python', tests: suite(5) })
    const res = await inject('POST', '/v1/challenges/named/regrade', { version: first })
    expect(res.json()).toMatchObject({ count: 1, version: first })
  })

  it('takes a POST with no body at all as the latest version', async () => {
    await inject('PUT', '/v1/challenges/bodiless', { language: 'python', tests: suite(2) })
    await inject('POST', '/v1/submissions', { challenge: 'bodiless', files: { 'solution.py': 'x = 1\n' } })
    const latest = (await inject('PUT', '/v1/challenges/bodiless', { language: 'python', tests: suite(4) })).json().version
    const res = await inject('POST', '/v1/challenges/bodiless/regrade')
    expect(res.statusCode).toBe(202)
    expect(res.json()).toMatchObject({ count: 1, version: latest })
  })

  it.each([
    ['an unknown challenge', '/v1/challenges/no-such/regrade', {}],
    ['an unknown version', '/v1/challenges/named/regrade', { version: '0000000000000000' }],
  ])('returns 404 not_found for %s', async (_what, url, body) => {
    const res = await inject('POST', url, body)
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('not_found')
  })

  it('returns 403 forbidden without an admin key', async () => {
    const res = await inject('POST', '/v1/challenges/named/regrade', {}, { authorization: `Bearer ${API_KEY}` })
    expect(res.statusCode).toBe(403)
  })
})
