// /metrics end to end: what a worker records with MetricsStore lands in real
// Redis and comes back out of the scrape in Prometheus text format, as the
// metrics listener serves it (no key; the API's own /metrics needs one:
// test/integration/api/metrics-listener.test.ts).
import { Writable } from 'node:stream'
import { pino, type Logger } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildMetricsServer } from '../../services/api/routes/metrics.js'
import { MetricsStore, DURATION_BUCKETS_MS, MAX_LABEL_CHARS, RECENT_GRADINGS } from '../../services/shared/observability/metrics-store.js'
import { buildTestApp, deadRedis, hostView, type TestApp } from './api/build-test-app.js'

let t: TestApp
let metrics: MetricsStore

beforeEach(async () => {
  t = await buildTestApp({ GRADER_SLA_MS: '1000' })
  metrics = new MetricsStore(t.deps.redis, t.config.prefix, { slaMs: t.config.slaMs })
})
afterEach(async () => { await t?.close() })

/** Scrapes as Prometheus does: the metrics listener's server, on the app's one collector and its logger. */
async function scrape (app = t.app): Promise<string> {
  const listener = await buildMetricsServer({ collector: app.metricsCollector!, logger: app.log })
  try {
    const res = await listener.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8')
    return res.body
  } finally {
    await listener.close()
  }
}

/** The value of the one sample line `series` (name and labels exactly as rendered), or undefined. */
function sample (text: string, series: string): number | undefined {
  const line = text.split('\n').find(l => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

const timings = (runMs: number) => ({ queueMs: 30, createMs: 120, startMs: 80, uploadMs: 10, runMs, collectMs: 20 })

describe('worker metrics recorded in Redis and rendered by /metrics', () => {
  it('counts three gradings by verdict and buckets their durations', async () => {
    await metrics.graded({ language: 'python', status: 'pass', host: 'dock-1', timings: timings(400), endToEndMs: 700 })
    await metrics.graded({ language: 'python', status: 'pass', host: 'dock-2', timings: timings(2000), endToEndMs: 2400 })
    await metrics.graded({ language: 'python', status: 'error', reason: 'timeout', host: 'dock-1', timings: timings(10_000), endToEndMs: 10_300 })

    const text = await scrape()
    expect(sample(text, 'grader_submissions_total{language="python",status="pass",reason=""}')).toBe(2)
    expect(sample(text, 'grader_submissions_total{language="python",status="error",reason="timeout"}')).toBe(1)
    expect(sample(text, 'grader_host_gradings_total{host="dock-1",status="pass"}')).toBe(1)
    expect(sample(text, 'grader_host_gradings_total{host="dock-1",status="error"}')).toBe(1)
    expect(sample(text, 'grader_host_gradings_total{host="dock-2",status="pass"}')).toBe(1)

    // cumulative buckets: 700 ≤ 1000, 2400 ≤ 2500, 10300 ≤ 30000
    const e2e = Object.fromEntries(DURATION_BUCKETS_MS.map(le => [le, sample(text, `grader_submission_duration_ms_bucket{le="${le}"}`)]))
    expect(e2e).toEqual({ 50: 0, 100: 0, 250: 0, 500: 0, 1000: 1, 2500: 2, 5000: 2, 10000: 2, 30000: 3, 60000: 3 })
    expect(sample(text, 'grader_submission_duration_ms_bucket{le="+Inf"}')).toBe(3)
    expect(sample(text, 'grader_submission_duration_ms_sum')).toBe(700 + 2400 + 10_300)
    expect(sample(text, 'grader_submission_duration_ms_count')).toBe(3)

    expect(sample(text, 'grader_stage_duration_ms_bucket{stage="run",le="500"}')).toBe(1)
    expect(sample(text, 'grader_stage_duration_ms_bucket{stage="run",le="2500"}')).toBe(2)
    // a value equal to a bound falls in that bound's bucket
    expect(sample(text, 'grader_stage_duration_ms_bucket{stage="run",le="10000"}')).toBe(3)
    expect(sample(text, 'grader_stage_duration_ms_sum{stage="run"}')).toBe(12_400)
    for (const stage of ['queue', 'create', 'start', 'upload', 'collect']) {
      expect(sample(text, `grader_stage_duration_ms_count{stage="${stage}"}`)).toBe(3)
    }
    expect(sample(text, 'grader_stage_duration_ms_bucket{stage="queue",le="50"}')).toBe(3)
  })

  it('counts an SLA miss only when the end-to-end time exceeds GRADER_SLA_MS', async () => {
    await metrics.graded({ language: 'python', status: 'pass', host: 'dock-1', timings: timings(100), endToEndMs: 1000 })
    await metrics.graded({ language: 'python', status: 'pass', host: 'dock-1', timings: timings(100), endToEndMs: 1001 })
    // 330 ms of grading against 30 ms of queue: the grading made it late
    expect(sample(await scrape(), 'grader_sla_misses_total{language="python",lane="practice",cause="grading"}')).toBe(1)
  })

  it('labels an SLA miss with its lane and cause, and never counts a regrade late', async () => {
    metrics = new MetricsStore(t.deps.redis, t.config.prefix, { slaMs: { exam: 1000, interactive: 500, practice: 1000, regrade: null } })
    await metrics.graded({ language: 'python', status: 'pass', host: 'dock-1', timings: { ...timings(100), queueMs: 900 }, endToEndMs: 1300, lane: 'exam' })
    await metrics.graded({ language: 'python', status: 'pass', host: 'dock-1', timings: timings(100), endToEndMs: 1300, lane: 'exam', attempts: 2 })
    await metrics.graded({ language: 'python', status: 'pass', host: 'dock-1', timings: timings(100), endToEndMs: 600, lane: 'interactive' })
    await metrics.graded({ language: 'python', status: 'pass', host: 'dock-1', timings: timings(100), endToEndMs: 600_000, lane: 'regrade' })
    const text = await scrape()
    expect(sample(text, 'grader_sla_misses_total{language="python",lane="exam",cause="queue_wait"}')).toBe(1)
    expect(sample(text, 'grader_sla_misses_total{language="python",lane="exam",cause="retried"}')).toBe(1)
    expect(sample(text, 'grader_sla_misses_total{language="python",lane="interactive",cause="grading"}')).toBe(1)
    expect(text).not.toContain('lane="regrade"')
  })

  it('measures the gradings of the last minute and the recent grading times', async () => {
    const now = Date.now()
    await metrics.graded({ language: 'python', status: 'pass', host: 'dock-1', timings: timings(100), endToEndMs: 500 }, now - 70_000)
    await metrics.graded({ language: 'python', status: 'pass', host: 'dock-1', timings: timings(100), endToEndMs: 500 }, now - 30_000)
    await metrics.graded({ language: 'python', status: 'error', reason: 'internal', endToEndMs: 500 }, now)
    const throughput = await metrics.throughput(now)
    expect(throughput.completedLastMinute).toBe(2)
    // the one that never ran on a host has no grading time
    expect(throughput.recentGradingMs).toEqual([330, 330])
  })

  it('keeps the recent slot holds, newest first, at most RECENT_GRADINGS of them', async () => {
    for (let i = 1; i <= RECENT_GRADINGS + 2; i++) await metrics.slotHeld(i)
    await metrics.slotHeld(Number.NaN)
    await metrics.slotHeld(-5)
    const { recentSlotHoldMs } = await metrics.throughput()
    expect(recentSlotHoldMs).toHaveLength(RECENT_GRADINGS)
    // a negative one (clock skew) is clamped to 0; one that is no number is not kept
    expect(recentSlotHoldMs.slice(0, 3)).toEqual([0, RECENT_GRADINGS + 2, RECENT_GRADINGS + 1])
  })

  it('observes only the stages a grading reached', async () => {
    await metrics.graded({ language: 'python', status: 'error', reason: 'internal', timings: { queueMs: 12 }, endToEndMs: 40 })
    const text = await scrape()
    expect(sample(text, 'grader_stage_duration_ms_count{stage="queue"}')).toBe(1)
    expect(text).not.toContain('grader_stage_duration_ms_count{stage="run"}')
    // no host ran it, so no host series
    expect(text).not.toContain('grader_host_gradings_total{')
  })

  it('clamps a negative duration to zero and ignores one that is not a number', async () => {
    await metrics.graded({ language: 'python', status: 'pass', host: 'dock-1', timings: { queueMs: -15, runMs: Number.NaN }, endToEndMs: -3 })
    const text = await scrape()
    expect(sample(text, 'grader_stage_duration_ms_bucket{stage="queue",le="50"}')).toBe(1)
    expect(sample(text, 'grader_stage_duration_ms_sum{stage="queue"}')).toBe(0)
    expect(sample(text, 'grader_submission_duration_ms_bucket{le="50"}')).toBe(1)
    expect(text).not.toContain('stage="run"')
  })

  it('counts retries by host and fault code, and recycles by outcome', async () => {
    await metrics.retried({ host: 'dock-1', code: 'host_unreachable' })
    await metrics.retried({ host: 'dock-1', code: 'host_unreachable' })
    await metrics.retried({ code: 'no_host_available' })
    await metrics.recycled({ host: 'dock-2', ok: true })
    await metrics.recycled({ host: 'dock-2', ok: false })
    const text = await scrape()
    expect(sample(text, 'grader_retries_total{host="dock-1",code="host_unreachable"}')).toBe(2)
    expect(sample(text, 'grader_retries_total{host="",code="no_host_available"}')).toBe(1)
    expect(sample(text, 'grader_recycles_total{host="dock-2",outcome="ok"}')).toBe(1)
    expect(sample(text, 'grader_recycles_total{host="dock-2",outcome="failed"}')).toBe(1)
  })

  it('cuts long label values and keeps every key under the prefix\'s metrics namespace', async () => {
    await metrics.retried({ host: 'h'.repeat(500), code: 'container_failed' })
    const text = await scrape()
    expect(sample(text, `grader_retries_total{host="${'h'.repeat(MAX_LABEL_CHARS)}",code="container_failed"}`)).toBe(1)
    const keys = await t.deps.redis.keys(`${t.config.prefix}:metrics*`)
    expect(keys).toEqual([`${t.config.prefix}:metrics:retries`])
  })

  it('skips a stored field of another layout instead of failing the scrape', async () => {
    await t.deps.redis.hset(`${t.config.prefix}:metrics:submissions`, 'not json', '4', JSON.stringify(['python']), '2')
    await metrics.graded({ language: 'python', status: 'fail', host: 'dock-1', endToEndMs: 200 })
    const text = await scrape()
    expect(sample(text, 'grader_submissions_total{language="python",status="fail",reason=""}')).toBe(1)
    expect(text.match(/^grader_submissions_total\{/gm)).toHaveLength(1)
  })

  it('renders the histogram as zeros before anything was graded', async () => {
    const text = await scrape()
    expect(sample(text, 'grader_submission_duration_ms_bucket{le="+Inf"}')).toBe(0)
    expect(sample(text, 'grader_submission_duration_ms_count')).toBe(0)
  })
})

describe('/metrics host, queue and process metrics', () => {
  it('renders the state, latency, in-flight runs and drain flag of every published host', async () => {
    await t.deps.hosts.publishViews('worker-a', [
      hostView({ id: 'dock-1', state: 'degraded', inFlight: 2, latencyMs: { p50: 120, p95: 900 } }),
      hostView({ id: 'dock-2', draining: true, inFlight: 0, latencyMs: { p50: null, p95: null } }),
    ])
    const text = await scrape()
    expect(sample(text, 'grader_host_state{host="dock-1",state="degraded"}')).toBe(1)
    expect(sample(text, 'grader_host_state{host="dock-1",state="healthy"}')).toBe(0)
    expect(sample(text, 'grader_host_state{host="dock-2",state="healthy"}')).toBe(1)
    expect(sample(text, 'grader_host_latency_ms{host="dock-1",quantile="0.5"}')).toBe(120)
    expect(sample(text, 'grader_host_latency_ms{host="dock-1",quantile="0.95"}')).toBe(900)
    expect(text).not.toContain('grader_host_latency_ms{host="dock-2"')
    expect(sample(text, 'grader_host_in_flight{host="dock-1"}')).toBe(2)
    expect(sample(text, 'grader_host_draining{host="dock-1"}')).toBe(0)
    expect(sample(text, 'grader_host_draining{host="dock-2"}')).toBe(1)
  })

  it('drops a host once its worker\'s views are gone', async () => {
    await t.deps.hosts.publishViews('worker-a', [hostView({ id: 'dock-1' })])
    expect(sample(await scrape(), 'grader_host_in_flight{host="dock-1"}')).toBe(1)
    await t.deps.hosts.removeViews('worker-a')
    expect(await scrape()).not.toContain('host="dock-1"')
  })

  it('counts the queue\'s jobs by state', async () => {
    await t.deps.queue.add('grade', { submissionId: 'a' } as never)
    await t.deps.queue.add('grade', { submissionId: 'b' } as never, { priority: 1 })
    await t.deps.queue.add('grade', { submissionId: 'c' } as never, { delay: 60_000 })
    const text = await scrape()
    expect(sample(text, 'grader_queue_jobs{state="waiting"}')).toBe(2)
    expect(sample(text, 'grader_queue_jobs{state="delayed"}')).toBe(1)
    expect(sample(text, 'grader_queue_jobs{state="active"}')).toBe(0)
    expect(sample(text, 'grader_queue_jobs{state="failed"}')).toBe(0)
  })

  it('renders the default process metrics of the API process without a key', async () => {
    const text = await scrape()
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m)
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m)
    expect(sample(text, 'grader_redis_up')).toBe(1)
  })

  it('still answers with the process metrics and grader_redis_up 0 when Redis cannot be read', async () => {
    const down = await buildTestApp({}, { redis: deadRedis() })
    try {
      const text = await scrape(down.app)
      expect(sample(text, 'grader_redis_up')).toBe(0)
      expect(text).toMatch(/^process_cpu_user_seconds_total \d/m)
      expect(text).not.toMatch(/^grader_submission_duration_ms_count/m)
    } finally {
      await down.close()
    }
  })
})

describe('/metrics request logging', () => {
  /** A pino logger at `level` whose lines land in the returned array. */
  function capture (level: string): { logger: Logger, lines: Array<Record<string, unknown>> } {
    const lines: Array<Record<string, unknown>> = []
    const stream = new Writable({
      write (chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>)
        done()
      },
    })
    return { logger: pino({ level }, stream), lines }
  }

  it('keeps scrapes out of an info-level request log', async () => {
    const { logger, lines } = capture('info')
    const app = await buildTestApp({}, { logger })
    try {
      await scrape(app.app)
      await app.app.inject({ method: 'GET', url: '/healthz' })
      // the health probe is logged, so the log works; the scrape is not
      expect(lines.some(l => (l.req as { url?: string } | undefined)?.url === '/healthz')).toBe(true)
      expect(lines.some(l => (l.req as { url?: string } | undefined)?.url === '/metrics')).toBe(false)
    } finally {
      await app.close()
    }
  })

  it('logs a scrape that could not read Redis at warn', async () => {
    const { logger, lines } = capture('info')
    const app = await buildTestApp({}, { logger, redis: deadRedis() })
    try {
      await scrape(app.app)
      expect(lines.filter(l => l.level === 40).map(l => l.msg)).toContain('metrics rendered without the grader state: Redis could not be read')
    } finally {
      await app.close()
    }
  })

  it('logs nothing from a scrape when the logger is silent', async () => {
    const { logger, lines } = capture('silent')
    const app = await buildTestApp({}, { logger, redis: deadRedis() })
    try {
      await scrape(app.app)
      expect(lines).toEqual([])
    } finally {
      await app.close()
    }
  })
})
