// Fair queues and priority lanes end to end, through the API with real tenant keys, a real worker
// and real Docker: a tenant's flood delays another tenant's submission by about one grading per
// host slot, and an exam submission goes before its tenant's practice backlog.
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Lane } from '../../services/shared/contracts/vocabulary.js'
import { SubmissionStore } from '../../services/shared/store/submission-store.js'
import { ADD_CORRECT, ADD_TESTS } from '../fixtures/python/add.js'
import { python, startTestGrader, type TestGrader } from '../helpers/grader.js'

let grader: TestGrader
let listener: Redis
/** Submission ids in the order their results were stored. */
const finished: string[] = []

beforeAll(async () => {
  // a flood is the point here: no lane's SLA may refuse it (honest backpressure has its own tests)
  grader = await startTestGrader({ GRADER_SLA_MS: '600000' })
  listener = new Redis(grader.config.redisUrl, { maxRetriesPerRequest: 3 })
  listener.on('message', (_channel: string, id: string) => { finished.push(id) })
  await listener.subscribe(new SubmissionStore(listener, grader.config.prefix, grader.config.resultTtlS).doneChannel)
})
afterAll(async () => {
  await listener?.quit()
  await grader?.close()
})
afterEach(async () => {
  expect(await grader.fairLeftovers()).toBe(0)
  expect(await grader.leftovers()).toEqual([])
})

/** A new tenant (the test key is the grader's own admin) and a submit key of it. */
async function tenantKey (name: string): Promise<string> {
  const tenant = await grader.request('/v1/tenants', { method: 'POST', body: JSON.stringify({ name }) })
  expect(tenant.status).toBe(201)
  const { id } = await tenant.json() as { id: string }
  const key = await grader.request(`/v1/tenants/${id}/keys`, { method: 'POST', body: JSON.stringify({ roles: ['submit'] }) })
  expect(key.status).toBe(201)
  return (await key.json() as { key: string }).key
}

/** Posts one correct submission with `key` in `lane` (taking `slowS` seconds longer); returns its id. */
async function post (key: string, lane: Lane = 'practice', slowS = 0): Promise<string> {
  const solution = slowS > 0 ? `import time\ntime.sleep(${slowS})\n${ADD_CORRECT}` : ADD_CORRECT
  const res = await grader.request('/v1/submissions', { method: 'POST', key, body: JSON.stringify(python(solution, ADD_TESTS, { priority: lane })) })
  const body = await res.json() as { id: string }
  expect(res.status, JSON.stringify(body)).toBe(202)
  return body.id
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
    const [a, b] = [await tenantKey('flooding course'), await tenantKey('quiet course')]
    const flood: string[] = []
    for (let i = 0; i < 20; i++) flood.push(await post(a))
    // the flood's first gradings may finish while the rest of it is still being posted: only
    // those finishing after B's submission delay it
    const finishedBeforeB = finished.length
    const quiet = await post(b)
    await allFinished([...flood, quiet])
    const aheadOfB = finished.slice(finishedBeforeB, finished.indexOf(quiet)).filter(id => flood.includes(id)).length
    expect(aheadOfB).toBeLessThanOrEqual(grader.worker.pool.capacity + 1)
    // and graded as any other submission, read back with its own tenant's key
    const res = await grader.request(`/v1/submissions/${quiet}`, { key: b })
    expect(await res.json()).toMatchObject({ id: quiet, state: 'done', result: { status: 'pass' } })
  })

  it('grades an interactive submission in the hosts\' reserve while a flood holds every shared slot, and never lets the flood into it', async () => {
    finished.length = 0
    const pool = grader.worker.pool
    expect(pool.reserve).toBeGreaterThan(0)
    const [a, b] = [await tenantKey('slow flood'), await tenantKey('keyboard')]
    const flood: string[] = []
    for (let i = 0; i < pool.capacity + 2; i++) flood.push(await post(a, 'practice', 4))
    // the flood never runs more at once than the shared slots, whatever the reserve holds
    let mostFlood = 0
    const sampler = setInterval(() => {
      for (const h of pool.hosts) mostFlood = Math.max(mostFlood, h.inFlight - h.interactiveInFlight)
    }, 20)
    try {
      while (pool.hosts.reduce((n, h) => n + h.inFlight, 0) < pool.capacity) await new Promise(resolve => setTimeout(resolve, 50))
      const interactive = await post(b, 'interactive')
      await allFinished([interactive])
      // it did not wait for a slot: every flood run that was going when it came is still going
      expect(finished.filter(id => flood.includes(id))).toEqual([])
      await allFinished(flood)
    } finally {
      clearInterval(sampler)
    }
    expect(mostFlood).toBeLessThanOrEqual(Math.max(...pool.hosts.map(h => h.concurrency)))
  }, 120_000)

  it('grades an exam submission posted after a tenant\'s 10 practice ones before them, except those already running', async () => {
    finished.length = 0
    const key = await tenantKey('exam course')
    const practice: string[] = []
    for (let i = 0; i < 10; i++) practice.push(await post(key, 'practice'))
    // as for the flood above: only those finishing after the exam was posted went before it
    const finishedBeforeExam = finished.length
    const exam = await post(key, 'exam')
    await allFinished([...practice, exam])
    const aheadOfExam = finished.slice(finishedBeforeExam, finished.indexOf(exam)).filter(id => practice.includes(id)).length
    expect(aheadOfExam).toBeLessThanOrEqual(grader.worker.pool.capacity + 1)
  })
})
