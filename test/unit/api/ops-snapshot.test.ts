import { afterEach, describe, expect, it, vi } from 'vitest'
import { OpsFeed } from '../../../services/api/routes/ops/ops-feed.js'
import { cookieValue, opsCredential, SESSION_COOKIE } from '../../../services/api/routes/ops/ops-session.js'
import { bucketQuantile, readOpsSnapshot, type OpsSources, type OpsSnapshot } from '../../../services/api/routes/ops/ops-snapshot.js'
import type { MetricsSnapshot } from '../../../services/shared/observability/metrics-store.js'

const EMPTY_METRICS: MetricsSnapshot = {
  counters: { submissions: [], hostGradings: [], slaMisses: [], retries: [], recycles: [], webhookAttempts: [] },
  histograms: { submissionDuration: [], stageDuration: [] },
}

const sources = (over: Partial<OpsSources> = {}): OpsSources => ({
  hosts: { async views () { return [] }, async controls () { return {} }, async setControl () { return {} }, async command () {} },
  queue: { async getJobCounts () { return { waiting: 2, prioritized: 3, active: 1, delayed: 0, failed: 4 } } },
  fair: { async depths () { return [{ tenant: 'default', lane: 'exam' as const, pending: 5 }] } },
  metrics: { async read () { return EMPTY_METRICS } },
  workers: { async list () { return [] } },
  slaMs: { exam: 30_000, interactive: 10_000, practice: 30_000, regrade: null },
  ...over,
})

describe('bucketQuantile', () => {
  it('interpolates inside the bucket that holds the rank, as histogram_quantile does', () => {
    const series = { count: 10, buckets: [{ le: 100, count: 0 }, { le: 200, count: 10 }] }
    expect(bucketQuantile(0.5, series)).toBe(150)
    expect(bucketQuantile(0.95, series)).toBe(195)
  })

  it('is null without observations and the last bound past it', () => {
    expect(bucketQuantile(0.5, { count: 0, buckets: [{ le: 100, count: 0 }] })).toBeNull()
    expect(bucketQuantile(0.95, { count: 4, buckets: [{ le: 100, count: 1 }] })).toBe(100)
  })
})

describe('readOpsSnapshot', () => {
  it('counts prioritized jobs as waiting and adds the verdicts up across languages', async () => {
    const metrics = {
      ...EMPTY_METRICS,
      counters: {
        ...EMPTY_METRICS.counters,
        submissions: [
          { labels: { language: 'python', status: 'pass', reason: '' }, value: 3 },
          { labels: { language: 'javascript', status: 'pass', reason: '' }, value: 2 },
          { labels: { language: 'python', status: 'error', reason: 'timeout' }, value: 1 },
        ],
        slaMisses: [{ labels: { language: 'python', lane: 'exam', cause: 'grading' }, value: 2 }, { labels: { language: 'javascript', lane: 'exam', cause: 'retried' }, value: 1 }],
        retries: [{ labels: { host: 'a', code: 'host_unreachable' }, value: 4 }],
      },
    }
    const snapshot = await readOpsSnapshot(sources({ metrics: { async read () { return metrics } } }), { timeoutMs: 1000, now: () => new Date(0) })
    expect(snapshot).toMatchObject({
      at: new Date(0).toISOString(),
      ok: true,
      queue: { waiting: 5, active: 1, delayed: 0, failed: 4 },
      fair: [{ tenant: 'default', lane: 'exam', pending: 5 }],
      graded: [{ status: 'pass', reason: '', count: 5 }, { status: 'error', reason: 'timeout', count: 1 }],
      slaMisses: { exam: 3 },
      retries: 4,
      endToEndMs: { p50: null, p95: null, count: 0 },
    })
  })

  it('answers ok: false, without data, when Redis fails or does not answer in time', async () => {
    const failing = await readOpsSnapshot(sources({ workers: { async list () { throw new Error('Connection is closed.') } } }), { timeoutMs: 1000 })
    expect(failing).toEqual({ at: expect.any(String), ok: false, error: 'Connection is closed.' })
    const hanging = await readOpsSnapshot(sources({ metrics: { read: async () => await new Promise<never>(() => {}) } }), { timeoutMs: 50 })
    expect(hanging).toEqual({ at: expect.any(String), ok: false, error: 'no answer from Redis within 50 ms' })
  })
})

describe('OpsFeed', () => {
  afterEach(() => { vi.useRealTimers() })

  it('reads once per tick for every listener, and stops reading when the last one leaves', async () => {
    vi.useFakeTimers()
    let reads = 0
    const feed = new OpsFeed(async () => ({ at: String(++reads), ok: true }), 1000)
    const got: Array<Array<OpsSnapshot>> = [[], [], []]
    const stops = got.map(list => feed.listen(s => { list.push(s) }))
    await vi.advanceTimersByTimeAsync(2500)
    expect(reads).toBe(3)
    expect(got.map(list => list.map(s => s.at))).toEqual([['1', '2', '3'], ['1', '2', '3'], ['1', '2', '3']])
    for (const stop of stops) stop()
    await vi.advanceTimersByTimeAsync(5000)
    expect(reads).toBe(3)
    expect(feed.size).toBe(0)
  })

  it('hands a new listener the last snapshot at once', async () => {
    vi.useFakeTimers()
    const feed = new OpsFeed(async () => ({ at: 'x', ok: true }), 1000)
    const stop = feed.listen(() => {})
    await vi.advanceTimersByTimeAsync(10)
    const late: OpsSnapshot[] = []
    const stopLate = feed.listen(s => { late.push(s) })
    expect(late).toEqual([{ at: 'x', ok: true }])
    stop()
    stopLate()
  })
})

describe('the ops credential', () => {
  it('prefers the Authorization header, else reads the session cookie', () => {
    expect(opsCredential({ headers: { authorization: 'Bearer a', cookie: `${SESSION_COOKIE}=b` } })).toEqual({ authorization: 'Bearer a', source: 'bearer' })
    expect(opsCredential({ headers: { cookie: `x=1; ${SESSION_COOKIE}=k%3Dy` } })).toEqual({ authorization: 'Bearer k=y', source: 'session' })
    expect(opsCredential({ headers: {} })).toBeUndefined()
  })

  it('ignores a malformed, empty or oversized cookie', () => {
    expect(cookieValue(`${SESSION_COOKIE}=%E0%A4%A`, SESSION_COOKIE)).toBeUndefined()
    expect(cookieValue(`${SESSION_COOKIE}=`, SESSION_COOKIE)).toBeUndefined()
    expect(cookieValue(`${SESSION_COOKIE}=${'a'.repeat(9000)}`, SESSION_COOKIE)).toBeUndefined()
    expect(cookieValue(`other_${SESSION_COOKIE}=a`, SESSION_COOKIE)).toBeUndefined()
  })
})
