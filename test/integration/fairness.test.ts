// Fair queues and priority lanes end to end, with a real worker on real Docker: a tenant's flood
// delays another tenant's submission by about one grading per host slot, and an exam submission
// goes before a tenant's practice backlog. Submissions are queued the way the API queues them
// (the record in the store, the job in the fair queue), under two tenants.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { resolveLimits } from '../../services/shared/config/limits.js'
import type { Lane } from '../../services/shared/contracts/vocabulary.js'
import { FairQueue } from '../../services/shared/queue/fair-queue.js'
import { SubmissionStore } from '../../services/shared/store/submission-store.js'
import { ADD_CORRECT, ADD_TESTS } from '../fixtures/python/add.js'
import { startTestGrader, type TestGrader } from '../helpers/grader.js'

let grader: TestGrader
let redis: Redis
let listener: Redis
let store: SubmissionStore
let fair: FairQueue
/** Submission ids in the order their results were stored. */
const finished: string[] = []

beforeAll(async () => {
  grader = await startTestGrader()
  redis = new Redis(grader.config.redisUrl, { maxRetriesPerRequest: 3 })
  store = new SubmissionStore(redis, grader.config.prefix, grader.config.resultTtlS)
  fair = grader.fair
  listener = redis.duplicate()
  listener.on('message', (_channel: string, id: string) => { finished.push(id) })
  await listener.subscribe(store.doneChannel)
})
afterAll(async () => {
  await listener?.quit()
  await redis?.quit()
  await grader?.close()
})
afterEach(async () => {
  expect(await grader.fairLeftovers()).toBe(0)
  expect(await grader.leftovers()).toEqual([])
})

/** Queues one correct submission for `tenant` in `lane`, as the API does; returns its id. */
async function post (tenant: string, lane: Lane = 'practice'): Promise<string> {
  const id = randomUUID()
  const files = { 'solution.py': ADD_CORRECT }
  const tests = { 'test_solution.py': ADD_TESTS }
  await store.create({ id, state: 'queued', language: 'python', createdAt: new Date().toISOString(), metadata: {}, tenant, priority: lane }, { files, tests })
  await fair.add({ submissionId: id, language: 'python', files, tests, limits: resolveLimits('python'), tenant, lane, enqueuedAt: Date.now() }, 1)
  return id
}

async function allFinished (ids: readonly string[], timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!ids.every(id => finished.includes(id))) {
    if (Date.now() > deadline) throw new Error(`${ids.filter(id => !finished.includes(id)).length} of ${ids.length} submissions not graded in time`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

describe('fair queues and priority lanes', () => {
  it('grades tenant B\'s one submission before all but (host slots + 1) of tenant A\'s flood of 20', async () => {
    const flood: string[] = []
    for (let i = 0; i < 20; i++) flood.push(await post('tenant-a'))
    const b = await post('tenant-b')
    await allFinished([...flood, b])
    const aheadOfB = finished.slice(0, finished.indexOf(b)).filter(id => flood.includes(id)).length
    const slots = grader.worker.pool.capacity
    expect(aheadOfB).toBeLessThanOrEqual(slots + 1)
    // and graded as any other submission (read from the store: the test key is not tenant B's)
    expect(await store.get(b)).toMatchObject({ id: b, state: 'done', tenant: 'tenant-b', result: { status: 'pass' } })
  })

  it('grades an exam submission posted after a tenant\'s 10 practice ones before them, except those already running', async () => {
    finished.length = 0
    const practice: string[] = []
    for (let i = 0; i < 10; i++) practice.push(await post('tenant-c', 'practice'))
    const exam = await post('tenant-c', 'exam')
    await allFinished([...practice, exam])
    const aheadOfExam = finished.slice(0, finished.indexOf(exam)).filter(id => practice.includes(id)).length
    expect(aheadOfExam).toBeLessThanOrEqual(grader.worker.pool.capacity + 1)
  })
})
