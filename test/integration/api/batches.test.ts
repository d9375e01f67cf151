// POST /v1/submissions/batch and GET /v1/batches/:id, against real Redis and the real queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Queue } from 'bullmq'
import { DELIVERY_QUEUE_NAME, type DeliveryJob } from '../../../services/delivery/delivery-job-schema.js'
import { DeliveryQueue } from '../../../services/delivery/delivery-queue.js'
import type { GradingJob } from '../../../services/shared/contracts/job-schema.js'
import { AUTH, buildTestApp, validSubmission, type TestApp, jobsWaiting } from './build-test-app.js'
import { FAIL, PASS, standInWorker } from './stand-in-worker.js'

let t: TestApp

beforeAll(async () => {
  t = await buildTestApp({ GRADER_BATCH_MAX: '6', GRADER_CALLBACK_ALLOW: '127.0.0.0/8' })
  await t.deps.registry.publish({ workerId: 'test', languages: ['python'], usableHosts: 1 })
})
afterAll(async () => { await t?.close() })

const postBatch = async (payload: unknown) =>
  await t.app.inject({ method: 'POST', url: '/v1/submissions/batch', headers: AUTH, payload: payload as Record<string, unknown> })
const get = async (url: string) => await t.app.inject({ method: 'GET', url, headers: AUTH })

describe('POST /v1/submissions/batch', () => {
  it('accepts a mix of valid and invalid entries entry by entry, answering in order', async () => {
    const res = await postBatch({
      submissions: [
        validSubmission({ metadata: { n: 0 } }),
        validSubmission({ files: { 'solution.py': 42 } }),
        validSubmission({ files: { '../escape.py': 'x = 1\n' } }),
        validSubmission({ tests: undefined, language: undefined, challenge: 'no-such-challenge' }),
        'not an object',
        validSubmission({ metadata: { n: 5 } }),
      ],
    })
    expect(res.statusCode).toBe(202)
    const body = res.json()
    expect(body.accepted).toBe(2)
    expect(res.headers.location).toBe(`/v1/batches/${body.id}`)
    expect(body.submissions.map((s: { id?: string, error?: { code: string } }) => s.error?.code ?? 'accepted'))
      .toEqual(['accepted', 'invalid_request', 'invalid_path', 'not_found', 'invalid_request', 'accepted'])
    expect(body.submissions[1].error.message).toContain('submissions/1/files/solution.py')
    // each accepted entry is a submission of its own, with its own metadata, in the batch
    const first = await get(`/v1/submissions/${body.submissions[0].id}`)
    expect(first.json()).toMatchObject({ state: 'queued', metadata: { n: 0 }, batch: body.id })
    const last = await get(`/v1/submissions/${body.submissions[5].id}`)
    expect(last.json()).toMatchObject({ metadata: { n: 5 }, batch: body.id })
  })

  it('returns 413 batch_too_large past GRADER_BATCH_MAX, queueing nothing', async () => {
    const before = await jobsWaiting(t)
    const res = await postBatch({ submissions: Array.from({ length: 7 }, () => validSubmission()) })
    expect(res.statusCode).toBe(413)
    expect(res.json()).toEqual({ error: { code: 'batch_too_large', message: expect.stringContaining('at most 6') } })
    expect(await jobsWaiting(t)).toBe(before)
  })

  it('returns 400 invalid_request when submissions is not an array', async () => {
    const res = await postBatch({ submissions: { a: validSubmission() } })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_request')
  })
})

describe('GET /v1/batches/:id', () => {
  it('reports progress from queued to done, with counts by status and each member', async () => {
    const res = await postBatch({ submissions: [validSubmission({ metadata: { want: 'pass' } }), validSubmission({ metadata: { want: 'fail' } }), validSubmission({ files: 7 })] })
    const batch = res.json()
    const queued = (await get(`/v1/batches/${batch.id}`)).json()
    expect(queued).toMatchObject({
      id: batch.id, kind: 'submissions', state: 'running', total: 2, done: 0,
      counts: { queued: 2, running: 0, done: 0, pass: 0, fail: 0, error: 0 },
    })
    expect(queued.submissions.map((s: { id: string }) => s.id)).toEqual([batch.submissions[0].id, batch.submissions[1].id])

    const mine = new Set<string>([batch.submissions[0].id, batch.submissions[1].id])
    const worker = standInWorker(t, (job: GradingJob) => (job.submissionId === batch.submissions[0].id ? PASS : FAIL))
    try {
      // the queue may also hold other tests' jobs: wait for this batch's two
      for (let i = 0; i < 200; i++) {
        if (worker.taken.filter(j => mine.has(j.submissionId)).length === 2 && (await get(`/v1/batches/${batch.id}`)).json().state === 'done') break
        await new Promise(resolve => setTimeout(resolve, 50))
      }
    } finally {
      await worker.close()
    }
    const done = (await get(`/v1/batches/${batch.id}`)).json()
    expect(done).toMatchObject({
      state: 'done', total: 2, done: 2, completedAt: expect.any(String),
      counts: { queued: 0, running: 0, done: 2, pass: 1, fail: 1, error: 0 },
      submissions: [
        { id: batch.submissions[0].id, state: 'done', status: 'pass' },
        { id: batch.submissions[1].id, state: 'done', status: 'fail' },
      ],
    })
  })

  it('reports a batch of only invalid entries as done at once', async () => {
    const res = await postBatch({ submissions: [validSubmission({ files: 1 })] })
    expect(res.json().accepted).toBe(0)
    const progress = (await get(`/v1/batches/${res.json().id}`)).json()
    expect(progress).toMatchObject({ state: 'done', total: 0, done: 0, submissions: [] })
  })

  it.each([
    ['an unknown batch', crypto.randomUUID()],
    ['an id that is not a UUID', 'not-a-batch'],
  ])('returns 404 not_found for %s', async (_what, id) => {
    const res = await get(`/v1/batches/${id}`)
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('not_found')
  })
})

describe('a batch callbackUrl', () => {
  const HOOK = 'http://127.0.0.1:9/batch-hook'

  it('queues one signed batch.done delivery, with the batch\'s progress, once the last member is done', async () => {
    const deliveryJobs = new Queue<DeliveryJob>(DELIVERY_QUEUE_NAME, { connection: t.deps.redis, prefix: t.config.prefix })
    const worker = standInWorker(t, () => PASS, { deliveries: new DeliveryQueue(deliveryJobs, t.config) })
    try {
      const batch = (await postBatch({ submissions: [validSubmission(), validSubmission()], callbackUrl: HOOK })).json()
      const webhookId = `msg_batch_${batch.id}`
      for (let i = 0; i < 200 && (await deliveryJobs.getJob(webhookId)) === undefined; i++) await new Promise(resolve => setTimeout(resolve, 50))
      const job = await deliveryJobs.getJob(webhookId)
      expect(job?.data).toMatchObject({
        webhookId, url: HOOK, logId: batch.id,
        payload: { type: 'batch.done', data: { id: batch.id, state: 'done', total: 2, done: 2, counts: { pass: 2 } } },
      })
      expect(await deliveryJobs.count()).toBe(1)
    } finally {
      await worker.close()
      await deliveryJobs.obliterate({ force: true })
      await deliveryJobs.close()
    }
  })

  it('queues it at once for a batch with no entry accepted', async () => {
    const deliveryJobs = new Queue<DeliveryJob>(DELIVERY_QUEUE_NAME, { connection: t.deps.redis, prefix: t.config.prefix })
    try {
      const batch = (await postBatch({ submissions: [validSubmission({ files: 1 })], callbackUrl: HOOK })).json()
      const job = await deliveryJobs.getJob(`msg_batch_${batch.id}`)
      expect(job?.data.payload).toMatchObject({ type: 'batch.done', data: { id: batch.id, state: 'done', total: 0 } })
    } finally {
      await deliveryJobs.obliterate({ force: true })
      await deliveryJobs.close()
    }
  })

  it('returns 400 invalid_callback for a target the grader may not call, accepting nothing', async () => {
    const before = await jobsWaiting(t)
    const res = await postBatch({ submissions: [validSubmission()], callbackUrl: 'http://10.1.2.3/hook' })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_callback')
    expect(await jobsWaiting(t)).toBe(before)
  })
})
