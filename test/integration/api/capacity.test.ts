// Honest backpressure end to end, with real Redis and Docker: a grader with
// one slot and a 4 s SLA refuses what it could not grade in time (503
// over_capacity with Retry-After), grades what it accepted within the SLA,
// and counts a late one with its cause.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MetricsStore } from '../../../services/shared/observability/metrics-store.js'
import type { Submission } from '../../../services/shared/contracts/submission-schema.js'
import { python, startTestGrader, type TestGrader } from '../../helpers/grader.js'
import type { CapacityView } from '../../../services/api/routes/v1/capacity/capacity-schema.js'
import { Redis } from 'ioredis'

const SLA_MS = 6_000
const QUICK = python('def add(a, b):\n    return a + b\n', 'from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n')

let g: TestGrader
beforeAll(async () => {
  g = await startTestGrader({ GRADER_HOST_CONCURRENCY: '1', GRADER_SLA_MS: String(SLA_MS) })
  // one grading first, so the estimate has a measured grading time; the worker
  // records it just after storing the result, and the API reuses a reading for a second
  await g.grade(QUICK)
  await sleep(1_500)
}, 120_000)
afterAll(async () => { await g?.close() })

const post = async (body: unknown) => await g.request('/v1/submissions', { method: 'POST', body: JSON.stringify(body) })
const sleep = async (ms: number) => await new Promise(resolve => setTimeout(resolve, ms))

/** Polls until the submission is done; the time from `acceptedAt` to then, in ms. */
async function doneAfter (id: string, acceptedAt: number): Promise<{ submission: Submission, ms: number }> {
  for (;;) {
    const res = await g.request(`/v1/submissions/${id}`)
    const submission = await res.json() as Submission
    if (submission.state === 'done') return { submission, ms: performance.now() - acceptedAt }
    await sleep(50)
  }
}

describe('honest backpressure', () => {
  it('refuses with 503 over_capacity and Retry-After once the SLA cannot be met, grades every accepted one within it, and takes the next one after Retry-After', async () => {
    const accepted: Array<{ id: string, at: number }> = []
    let refused: Response | undefined
    for (let i = 0; i < 40 && refused === undefined; i++) {
      const res = await post(QUICK)
      if (res.status === 202) accepted.push({ id: (await res.json() as { id: string }).id, at: performance.now() })
      else refused = res
    }
    expect(refused?.status).toBe(503)
    const body = await refused!.json() as { error: { code: string, message: string } }
    expect(body.error.code).toBe('over_capacity')
    const retryAfter = refused!.headers.get('retry-after')
    expect(retryAfter).toMatch(/^[1-9][0-9]*$/)
    expect(accepted.length).toBeGreaterThanOrEqual(1)

    // the capacity view agrees with the refusal
    const view = await (await g.request('/v1/capacity')).json() as CapacityView
    expect(view.slots).toBe(1)
    const practice = view.lanes.find(l => l.lane === 'practice')!
    expect(practice).toMatchObject({ slaMs: SLA_MS, accepting: false })
    expect(practice.estimatedWaitMs).toBeGreaterThan(SLA_MS * 0.8)
    expect(view.lanes.find(l => l.lane === 'regrade')).toMatchObject({ slaMs: null, accepting: true })
    expect(view.inFlight + view.queued + view.tenant.pending).toBeGreaterThanOrEqual(1)
    expect(view.tenant.id).toBe('default')

    // honoured, the Retry-After gets it accepted
    await sleep(Number(retryAfter) * 1000)
    const again = await post(QUICK)
    expect(again.status, `${await again.clone().text()} after ${retryAfter} s; before: ${JSON.stringify(view)}`).toBe(202)
    accepted.push({ id: (await again.json() as { id: string }).id, at: performance.now() })

    const done = await Promise.all(accepted.map(async a => await doneAfter(a.id, a.at)))
    for (const { submission, ms } of done) {
      expect(submission.result?.status).toBe('pass')
      expect(ms).toBeLessThanOrEqual(SLA_MS)
      const t = submission.result!.timings!
      expect(t.queueMs + submission.result!.durationMs).toBeLessThanOrEqual(SLA_MS)
    }
  }, 120_000)

  it('reports an idle grader as accepting every lane', async () => {
    const view = await (await g.request('/v1/capacity')).json() as CapacityView
    expect(view.lanes.map(l => l.lane)).toEqual(['exam', 'interactive', 'practice', 'regrade'])
    for (const lane of view.lanes) {
      expect(lane.accepting).toBe(true)
      // at least one grading; the hosts' published runs may lag a grading just finished
      expect(lane.estimatedWaitMs).toBeGreaterThanOrEqual(view.gradingMs)
      expect(lane.pending).toBe(0)
    }
    expect(view.measuredPerMinute).toBeGreaterThanOrEqual(2)
    // the bootstrap key is a global admin: it sees every tenant with waiting jobs (none now)
    expect(view.tenants).toEqual([])
  }, 60_000)

  it('counts an accepted submission answered after the SLA in grader_sla_misses_total with its lane and cause', async () => {
    // accepted into an idle grader, then slower than the SLA by itself
    const slow = python('import time\n\ndef f():\n    time.sleep(6.5)\n    return 1\n', 'from solution import f\n\ndef test_f():\n    assert f() == 1\n', {
      priority: 'exam', limits: { testTimeoutMs: 10_000 },
    })
    const submission = await g.grade(slow)
    expect(submission.result?.status).toBe('pass')
    const redis = new Redis(g.config.redisUrl)
    try {
      const { counters } = await new MetricsStore(redis, g.config.prefix).read()
      expect(counters.slaMisses).toContainEqual({ labels: { language: 'python', lane: 'exam', cause: 'grading' }, value: 1 })
    } finally {
      await redis.quit()
    }
  }, 60_000)
})
