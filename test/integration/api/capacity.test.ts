// Honest backpressure end to end, with real Redis and Docker: a grader with
// one slot and a 10 s SLA refuses what it could not grade in time (503
// over_capacity with Retry-After), grades what it accepted within the SLA,
// and counts a late one with its cause.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { MetricsStore } from '../../../services/shared/observability/metrics-store.js'
import type { Submission } from '../../../services/shared/contracts/submission-schema.js'
import { python, startTestGrader, type TestGrader } from '../../helpers/grader.js'
import type { CapacityView } from '../../../services/api/routes/v1/capacity/capacity-schema.js'
import { MIN_GRADING_SAMPLES, SLA_HEADROOM, SLOT_EFFICIENCY } from '../../../services/api/capacity-estimate.js'
import { ADMISSION_WINDOW_MS, Admissions } from '../../../services/api/admission.js'
import { Redis } from 'ioredis'
import { PROMISE_GRACE_MS, RetryPromises } from '../../../services/api/retry-promises.js'

// well above one grading even on a loaded 2-core machine (a cold one has taken 6 s there)
const SLA_MS = 10_000
const QUICK = python('def add(a, b):\n    return a + b\n', 'from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n')

let g: TestGrader
beforeAll(async () => {
  g = await startTestGrader({ GRADER_HOST_CONCURRENCY: '1', GRADER_SLA_MS: String(SLA_MS) })
  // gradings first, so the estimate has a measured grading time and enough slot holds of runs
  // on a full host (with one slot, every run); the worker records them just after storing the
  // result, and the API reuses a reading for a second
  for (let i = 0; i < MIN_GRADING_SAMPLES; i++) await g.grade(QUICK)
  await sleep(1_500)
}, 120_000)
afterAll(async () => { await g?.close() })
// a test's refused requests that never come back leave promises (retry-promises.ts) holding
// room for up to their grace: the next test starts without them
afterEach(async () => {
  const redis = new Redis(g.config.redisUrl)
  try { await redis.del(`${g.config.prefix}:capacity:promised`) } finally { await redis.quit() }
})

/** How many requests one after the other a capacity reading would let into the practice lane. */
function admittedOneByOne (view: CapacityView): number {
  const lane = view.lanes.find(l => l.lane === 'practice')!
  return Math.max(0, Math.floor((SLA_MS * SLA_HEADROOM - lane.estimatedWaitMs!) / (60_000 / view.ratePerMinute)) + 1)
}

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
    // each watched from its acceptance on, so its time to done is measured while the test waits
    const accepted: Array<Promise<{ submission: Submission, ms: number }>> = []
    const watch = async (res: Response) => { accepted.push(doneAfter((await res.json() as { id: string }).id, performance.now())) }
    let refused: Response | undefined
    for (let i = 0; i < 40 && refused === undefined; i++) {
      const res = await post(QUICK)
      if (res.status === 202) await watch(res)
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
    expect(practice.slaMs).toBe(SLA_MS)
    // a job is ahead or running: more than one grading's wait, and accepting only within the headroom
    expect(practice.estimatedWaitMs).toBeGreaterThan(view.gradingMs)
    expect(practice.accepting).toBe(practice.estimatedWaitMs! <= SLA_MS * SLA_HEADROOM)
    expect(view.lanes.find(l => l.lane === 'regrade')).toMatchObject({ slaMs: null, accepting: true })
    expect(view.inFlight + view.queued + view.tenant.pending).toBeGreaterThanOrEqual(1)
    expect(view.tenant.id).toBe('default')

    // honoured, the Retry-After gets it accepted
    await sleep(Number(retryAfter) * 1000)
    const again = await post(QUICK)
    expect(again.status, `${await again.clone().text()} after ${retryAfter} s; before: ${JSON.stringify(view)}`).toBe(202)
    await watch(again)

    const done = await Promise.all(accepted)
    const seen = done.map(d => ({ ms: Math.round(d.ms), queueMs: d.submission.result?.timings?.queueMs, durationMs: d.submission.result?.durationMs, container: d.submission.result?.container }))
    for (const { submission, ms } of done) {
      expect(submission.result?.status).toBe('pass')
      expect(ms, `${JSON.stringify(seen)}; capacity when refused: ${JSON.stringify(view)}`).toBeLessThanOrEqual(SLA_MS)
      const t = submission.result!.timings!
      expect(t.queueMs + submission.result!.durationMs).toBeLessThanOrEqual(SLA_MS)
    }
  }, 120_000)

  it('lets a burst of requests at one moment in only as far as one after the other would have', async () => {
    // one after the other, the reading just before would let in the first, then one more for
    // every grading's worth of wait (60 s / rate) left under the lane's limit; a run that
    // finishes during the burst may free room for one more. The burst is sized past that.
    const before = await (await g.request('/v1/capacity')).json() as CapacityView
    const oneByOne = admittedOneByOne(before)
    const burst = await Promise.all(Array.from({ length: oneByOne + 6 }, async () => {
      const res = await post(QUICK)
      const { id } = await res.json() as { id?: string }
      return { status: res.status, done: id === undefined ? undefined : doneAfter(id, performance.now()) }
    }))
    const accepted = burst.filter(b => b.status === 202)
    const times = await Promise.all(accepted.map(async a => (await a.done!).ms))
    expect(accepted.length, JSON.stringify(before)).toBeGreaterThanOrEqual(1)
    expect(accepted.length, JSON.stringify(before)).toBeLessThanOrEqual(oneByOne + 1)
    for (const ms of times) expect(ms).toBeLessThanOrEqual(SLA_MS)
  }, 60_000)

  it('refuses a batch\'s entries past capacity one by one, and gives the batch the longest Retry-After', async () => {
    // from the request on: its entries are accepted one after the other while it runs
    const size = admittedOneByOne(await (await g.request('/v1/capacity')).json() as CapacityView) + 6
    const at = performance.now()
    const res = await g.request('/v1/submissions/batch', { method: 'POST', body: JSON.stringify({ submissions: Array.from({ length: size }, () => QUICK) }) })
    expect(res.status).toBe(202)
    const answer = await res.json() as { accepted: number, submissions: Array<{ id?: string, error?: { code: string } }> }
    expect(answer.accepted).toBeGreaterThanOrEqual(1)
    expect(answer.accepted).toBeLessThan(size)
    // each entry is accepted or refused on its own (a run finishing meanwhile may let a later one in)
    expect(answer.submissions.filter(e => e.id !== undefined)).toHaveLength(answer.accepted)
    for (const entry of answer.submissions.filter(e => e.id === undefined)) expect(entry.error?.code).toBe('over_capacity')
    expect(res.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/)
    for (const entry of answer.submissions.filter(e => e.id !== undefined)) expect((await doneAfter(entry.id!, at)).ms).toBeLessThanOrEqual(SLA_MS)
  }, 60_000)

  it('spreads the Retry-After of requests refused together, and takes each back when it honours its own', async () => {
    // fill the one slot and its queue, then refuse four different requests at one moment
    const body = (n: number) => python(`def add(a, b):\n    return a + b  # ${n}\n`, 'from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n')
    const accepted: Array<Promise<unknown>> = []
    let n = 0
    for (; n < 40; n++) {
      const res = await post(body(n))
      if (res.status !== 202) break
      accepted.push(doneAfter((await res.json() as { id: string }).id, performance.now()))
    }
    const refused = await Promise.all([1, 2, 3, 4].map(async i => {
      const res = await post(body(100 + i))
      return { i, status: res.status, retryAfterS: Number(res.headers.get('retry-after')) }
    }))
    for (const r of refused) expect(r.status).toBe(503)
    const afters = refused.map(r => r.retryAfterS).sort((a, b) => a - b)
    // told to come back one after the other, not all in the same second
    expect(new Set(afters).size, JSON.stringify(afters)).toBeGreaterThan(1)
    // each honoured: accepted at that try
    const retried = await Promise.all(refused.map(async r => {
      await sleep(r.retryAfterS * 1000)
      const res = await post(body(100 + r.i))
      if (res.status === 202) accepted.push(doneAfter((await res.json() as { id: string }).id, performance.now()))
      return { ...r, again: res.status, body: res.status === 202 ? '' : await res.text() }
    }))
    for (const r of retried) expect(r.again, JSON.stringify(retried)).toBe(202)
    await Promise.all(accepted)
  }, 180_000)

  it('reports an idle grader as accepting every lane', async () => {
    // idle: what the tests before left queued (a batch's accepted entries) has drained
    let view = await (await g.request('/v1/capacity')).json() as CapacityView
    for (let i = 0; i < 600 && (view.tenant.pending > 0 || view.queued > 0 || view.inFlight > 0); i++) {
      await sleep(100)
      view = await (await g.request('/v1/capacity')).json() as CapacityView
    }
    expect(view.lanes.map(l => l.lane)).toEqual(['exam', 'interactive', 'practice', 'regrade'])
    for (const lane of view.lanes) {
      expect(lane.accepting).toBe(true)
      // at least one grading; the hosts' published runs may lag a grading just finished
      expect(lane.estimatedWaitMs).toBeGreaterThanOrEqual(view.gradingMs)
      expect(lane.pending, JSON.stringify(view)).toBe(0)
    }
    expect(view.measuredPerMinute).toBeGreaterThanOrEqual(2)
    // what the slots manage comes from how long the runs before held them, not from how many came
    expect(view.slotHoldMs, JSON.stringify(view)).toBeGreaterThan(0)
    expect(view.floorPerMinute).toBeCloseTo(view.slots * 60_000 / view.slotHoldMs! * SLOT_EFFICIENCY, 0)
    // the bootstrap key is a global admin: it sees every tenant with waiting jobs (none now)
    expect(view.tenants).toEqual([])
  }, 60_000)

  it('counts an accepted submission answered after the SLA in grader_sla_misses_total with its lane and cause', async () => {
    // accepted into an idle grader, then slower than the SLA by itself
    const slow = python(`import time\n\ndef f():\n    time.sleep(${SLA_MS / 1000 + 0.5})\n    return 1\n`, 'from solution import f\n\ndef test_f():\n    assert f() == 1\n', {
      priority: 'exam', limits: { timeoutMs: SLA_MS * 3, testTimeoutMs: SLA_MS * 2 },
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

describe('admissions under way', () => {
  it('counts the ones before it per tenant and lane, forgets them after the window, and withdraws a refused one', async () => {
    const redis = new Redis(g.config.redisUrl)
    const admissions = new Admissions(redis, `${g.config.prefix}-admissions`)
    try {
      const now = Date.now()
      const first = await admissions.begin('uni-a', 'exam', now)
      expect(first.before).toEqual([])
      await admissions.begin('uni-a', 'exam', now + 1)
      const refused = await admissions.begin('flood', 'practice', now + 2)
      const fourth = await admissions.begin('uni-b', 'interactive', now + 3)
      expect(fourth.before).toEqual(expect.arrayContaining([
        { tenant: 'uni-a', lane: 'exam', pending: 2 }, { tenant: 'flood', lane: 'practice', pending: 1 },
      ]))
      expect(fourth.before).toHaveLength(2)
      await refused.withdraw()
      expect(await admissions.underWay(now + 4)).toEqual(expect.arrayContaining([
        { tenant: 'uni-a', lane: 'exam', pending: 2 }, { tenant: 'uni-b', lane: 'interactive', pending: 1 },
      ]))
      expect(await admissions.underWay(now + 3 + ADMISSION_WINDOW_MS + 1)).toEqual([])
      expect((await admissions.begin('uni-a', 'exam', now + ADMISSION_WINDOW_MS + 2)).before).toEqual([{ tenant: 'uni-b', lane: 'interactive', pending: 1 }])
    } finally {
      await redis.del(`${g.config.prefix}-admissions:capacity:admitting`)
      await redis.quit()
    }
  })
})

describe('Retry-After promises', () => {
  it('holds a promise\'s room against new requests, lets its own request claim it once due, orders claimers by promise, and forgets one never claimed', async () => {
    const redis = new Redis(g.config.redisUrl)
    const prefix = `${g.config.prefix}-promises`
    const promises = new RetryPromises(redis, prefix)
    try {
      const now = Date.now()
      await promises.promise('uni-a', 'exam', 'aa', now + 5_000)
      await promises.promise('uni-a', 'exam', 'bb', now + 7_000)
      await promises.promise('flood', 'practice', 'cc', now + 60_000)
      // a new request: the promises due within its horizon hold room ahead of it; every one counts in its Retry-After
      const fresh = await promises.claim('zz', 24_000, now)
      expect(fresh.claimed).toBe(false)
      expect(fresh.ahead).toEqual([{ tenant: 'uni-a', lane: 'exam', pending: 2 }])
      expect(fresh.all).toEqual(expect.arrayContaining([{ tenant: 'uni-a', lane: 'exam', pending: 2 }, { tenant: 'flood', lane: 'practice', pending: 1 }]))
      expect(await promises.held(24_000, now)).toEqual(fresh.ahead)
      // not yet due: the same request cannot claim it early
      expect((await promises.claim('bb', 24_000, now)).claimed).toBe(false)
      // due: the second promise's request claims it, and only the first, promised before it, is ahead
      const second = await promises.claim('bb', 24_000, now + 7_000)
      expect(second).toEqual({ claimed: true, ahead: [{ tenant: 'uni-a', lane: 'exam', pending: 1 }], all: [{ tenant: 'uni-a', lane: 'exam', pending: 1 }] })
      // claimed once only
      expect((await promises.claim('bb', 24_000, now + 7_000)).claimed).toBe(false)
      // the first was never claimed: forgotten after its grace, its room free
      expect(await promises.held(24_000, now + 5_000 + PROMISE_GRACE_MS + 1)).toEqual([])
      expect((await promises.claim('aa', 24_000, now + 5_000 + PROMISE_GRACE_MS + 1)).claimed).toBe(false)
    } finally {
      await redis.del(`${prefix}:capacity:promised`)
      await redis.quit()
    }
  })

})
