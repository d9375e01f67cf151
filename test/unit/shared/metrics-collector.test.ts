import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { hostSeries, MetricsCollector, processMetricsRegistry } from '../../../services/shared/observability/metrics-collector.js'
import { DURATION_BUCKETS_MS, type MetricsSnapshot } from '../../../services/shared/observability/metrics-store.js'
import type { HostView } from '../../../services/shared/store/host-registry.js'

const view = (overrides: Partial<HostView> = {}): HostView => ({
  id: 'dock-1',
  endpoint: 'tcp://10.0.0.1:2376',
  state: 'healthy',
  draining: false,
  concurrency: 2,
  inFlight: 1,
  latencyMs: { p50: 10, p95: 30 },
  images: ['python'],
  worker: 'worker-a',
  lastRecycleAt: null,
  errors: 0,
  lastError: null,
  ...overrides,
})

const emptySnapshot = (): MetricsSnapshot => ({
  counters: { submissions: [], hostGradings: [], slaMisses: [], retries: [], recycles: [], webhookAttempts: [] },
  histograms: { submissionDuration: [], stageDuration: [] },
})

/** A collector on a fresh registry whose sources answer what the test sets. */
function collectorWith (sources: { snapshot?: () => MetricsSnapshot, views?: () => HostView[], counts?: Record<string, number>, fail?: Error }) {
  const maybeFail = <T>(value: () => T) => async (): Promise<T> => {
    if (sources.fail !== undefined) throw sources.fail
    return value()
  }
  return new MetricsCollector({
    store: { read: maybeFail(sources.snapshot ?? emptySnapshot) },
    hosts: { views: maybeFail(sources.views ?? (() => [])) },
    queue: { getJobCounts: maybeFail(() => sources.counts ?? {}) },
    registry: new Registry(),
  })
}

const lines = (text: string, prefix: string): string[] => text.split('\n').filter(l => l.startsWith(prefix))

describe('hostSeries', () => {
  it('merges the views two workers publish of one host', () => {
    const merged = hostSeries([
      view({ worker: 'a', state: 'healthy', inFlight: 1, concurrency: 2, latencyMs: { p50: 10, p95: null } }),
      view({ worker: 'b', state: 'degraded', inFlight: 2, concurrency: 3, draining: true, latencyMs: { p50: 25, p95: 80 } }),
      view({ id: 'dock-2', worker: 'b' }),
    ])
    expect(merged).toEqual([
      { host: 'dock-1', state: 'degraded', draining: true, concurrency: 5, inFlight: 3, p50: 25, p95: 80 },
      { host: 'dock-2', state: 'healthy', draining: false, concurrency: 2, inFlight: 1, p50: 10, p95: 30 },
    ])
  })

  it.each([
    ['unhealthy', 'recycling'],
    ['recycling', 'degraded'],
    ['degraded', 'healthy'],
  ] as const)('shows a host as %s when another worker sees it %s', (worse, better) => {
    expect(hostSeries([view({ state: better }), view({ state: worse })])[0]?.state).toBe(worse)
    expect(hostSeries([view({ state: worse }), view({ state: better })])[0]?.state).toBe(worse)
  })
})

describe('MetricsCollector', () => {
  it('renders stored histograms with cumulative buckets, +Inf, sum and count', async () => {
    const snapshot = emptySnapshot()
    snapshot.histograms.stageDuration = [{
      labels: { stage: 'run' },
      buckets: DURATION_BUCKETS_MS.map(le => ({ le, count: le >= 1000 ? 2 : 0 })),
      sum: 1900,
      count: 3,
    }]
    const { text } = await collectorWith({ snapshot: () => snapshot }).scrape()
    expect(text).toContain('# TYPE grader_stage_duration_ms histogram')
    expect(lines(text, 'grader_stage_duration_ms')).toEqual([
      ...DURATION_BUCKETS_MS.map(le => `grader_stage_duration_ms_bucket{stage="run",le="${le}"} ${le >= 1000 ? 2 : 0}`),
      'grader_stage_duration_ms_bucket{stage="run",le="+Inf"} 3',
      'grader_stage_duration_ms_sum{stage="run"} 1900',
      'grader_stage_duration_ms_count{stage="run"} 3',
    ])
  })

  it('renders stored counters with their labels, escaping quotes', async () => {
    const snapshot = emptySnapshot()
    snapshot.counters.retries = [{ labels: { host: 'dock "1"', code: 'host_unreachable' }, value: 4 }]
    const { text } = await collectorWith({ snapshot: () => snapshot }).scrape()
    expect(text).toContain('# TYPE grader_retries_total counter')
    expect(lines(text, 'grader_retries_total')).toEqual(['grader_retries_total{host="dock \\"1\\"",code="host_unreachable"} 4'])
  })

  it('renders only the latest reading: a series gone from Redis disappears', async () => {
    let snapshot = emptySnapshot()
    snapshot.counters.recycles = [{ labels: { host: 'dock-1', outcome: 'ok' }, value: 1 }]
    let views = [view({ id: 'dock-1' })]
    const collector = collectorWith({ snapshot: () => snapshot, views: () => views })
    expect((await collector.scrape()).text).toContain('host="dock-1"')
    snapshot = emptySnapshot()
    views = []
    expect((await collector.scrape()).text).not.toContain('host="dock-1"')
  })

  it('marks the current state of a host 1 and every other known state 0', async () => {
    const { text } = await collectorWith({ views: () => [view({ state: 'recycling' })] }).scrape()
    expect(lines(text, 'grader_host_state{')).toEqual([
      'grader_host_state{host="dock-1",state="healthy"} 0',
      'grader_host_state{host="dock-1",state="degraded"} 0',
      'grader_host_state{host="dock-1",state="unhealthy"} 0',
      'grader_host_state{host="dock-1",state="recycling"} 1',
    ])
  })

  it('still shows a host in a state this API does not know', async () => {
    const { text } = await collectorWith({ views: () => [view({ state: 'warming' as HostView['state'] })] }).scrape()
    expect(text).toContain('grader_host_state{host="dock-1",state="warming"} 1')
    expect(text).toContain('grader_host_state{host="dock-1",state="healthy"} 0')
  })

  it('counts prioritized jobs as waiting', async () => {
    const { text } = await collectorWith({ counts: { waiting: 2, prioritized: 3, active: 1, delayed: 0, failed: 7 } }).scrape()
    expect(lines(text, 'grader_queue_jobs{')).toEqual([
      'grader_queue_jobs{state="waiting"} 5',
      'grader_queue_jobs{state="active"} 1',
      'grader_queue_jobs{state="delayed"} 0',
      'grader_queue_jobs{state="failed"} 7',
    ])
  })

  it('returns the read error and renders grader_redis_up 0 without the grader families', async () => {
    const fail = new Error('Connection is closed.')
    const { text, error } = await collectorWith({ fail }).scrape()
    expect(error).toBe(fail)
    expect(text).toContain('grader_redis_up 0')
    expect(lines(text, 'grader_queue_jobs{')).toEqual([])
    expect(lines(text, 'grader_submission_duration_ms_')).toEqual([])
  })

  it('counts the workers whose host views are live, and leaves the count out when Redis cannot be read', async () => {
    const views = [view({ id: 'dock-1', worker: 'worker-a' }), view({ id: 'dock-2', worker: 'worker-a' }), view({ id: 'dock-1', worker: 'worker-b' })]
    expect(lines((await collectorWith({ views: () => views }).scrape()).text, 'grader_workers_live')).toEqual(['grader_workers_live 2'])
    expect(lines((await collectorWith({}).scrape()).text, 'grader_workers_live')).toEqual(['grader_workers_live 0'])
    expect(lines((await collectorWith({ fail: new Error('down') }).scrape()).text, 'grader_workers_live ')).toEqual([])
  })

  it('reports no error and grader_redis_up 1 when every read succeeds', async () => {
    const result = await collectorWith({}).scrape()
    expect(result.error).toBeUndefined()
    expect(result.text).toContain('grader_redis_up 1')
  })

  it('adds its metrics to the registry it is given, beside the process metrics', async () => {
    const registry = processMetricsRegistry()
    const collector = new MetricsCollector({
      store: { read: async () => emptySnapshot() },
      hosts: { views: async () => [] },
      queue: { getJobCounts: async () => ({}) },
      registry,
    })
    expect(collector.registry).toBe(registry)
    const { text } = await collector.scrape()
    expect(text).toMatch(/^process_resident_memory_bytes \d/m)
    expect(text).toContain('# TYPE grader_submissions_total counter')
    expect(collector.contentType).toBe('text/plain; version=0.0.4; charset=utf-8')
  })
})

describe('fair queue and grading rate', () => {
  const collector = (fail = false) => new MetricsCollector({
    store: { read: async () => emptySnapshot() },
    hosts: { views: async () => [] },
    queue: { getJobCounts: async () => ({}) },
    fair: {
      depths: async () => {
        if (fail) throw new Error('redis down')
        return [{ tenant: 'uni-a', lane: 'exam' as const, pending: 12 }, { tenant: 'uni-b', lane: 'practice' as const, pending: 3 }]
      },
    },
    throughput: { throughput: async () => ({ completedLastMinute: 42, completedPerWindow: [42], recentGradingMs: [900], recentSlotHoldMs: [1_000] }) },
    registry: new Registry(),
  })

  it('renders the fair queue per tenant and lane, and the gradings of the last minute', async () => {
    const { text } = await collector().scrape()
    expect(lines(text, 'grader_fair_pending{')).toEqual([
      'grader_fair_pending{tenant="uni-a",lane="exam"} 12',
      'grader_fair_pending{tenant="uni-b",lane="practice"} 3',
    ])
    expect(lines(text, 'grader_grading_rate_per_minute ')).toEqual(['grader_grading_rate_per_minute 42'])
  })

  it('leaves both out when Redis cannot be read', async () => {
    const { text, error } = await collector(true).scrape()
    expect(error).toBeInstanceOf(Error)
    expect(lines(text, 'grader_fair_pending{')).toEqual([])
    expect(lines(text, 'grader_grading_rate_per_minute ')).toEqual([])
  })
})
