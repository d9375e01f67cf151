import type { Queue } from 'bullmq'
import { collectDefaultMetrics, Counter, Gauge, Registry, type Histogram } from 'prom-client'
import { HostState, type HostPoolView, type HostRegistry, type HostView } from '../store/host-registry.js'
import type { Lane } from '../contracts/vocabulary.js'
import { RATE_WINDOW_S, type CounterFamily, type HistogramFamily, type HistogramSeries, type MetricsSnapshot, type MetricsStore, type Throughput } from './metrics-store.js'

/**
 * Renders `/metrics`: what the workers counted in Redis ({@link MetricsStore}),
 * the hosts they publish ({@link HostRegistry}) and the queue's job counts,
 * read once per scrape, plus the default process metrics of the process that
 * serves the scrape. Names follow `grader_<area>_<what>_<unit>`.
 */

/** Queue states of `grader_queue_jobs`. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const

/** Prometheus name and help of each family counted in Redis. */
const STORED_METRICS: {
  counters: Record<CounterFamily, { name: string, help: string, labels: string[] }>
  histograms: Record<HistogramFamily, { name: string, help: string, labels: string[] }>
} = {
  counters: {
    submissions: { name: 'grader_submissions_total', help: 'Gradings finished, by language, verdict status and reason', labels: ['language', 'status', 'reason'] },
    hostGradings: { name: 'grader_host_gradings_total', help: 'Gradings finished, by the Docker host that ran them and verdict status', labels: ['host', 'status'] },
    slaMisses: { name: 'grader_sla_misses_total', help: 'Gradings whose end-to-end time exceeded their lane\'s GRADER_SLA_MS, by language, lane and cause (queue_wait, grading, retried)', labels: ['language', 'lane', 'cause'] },
    retries: { name: 'grader_retries_total', help: 'Grading attempts that failed with a retryable fault, by host and fault code', labels: ['host', 'code'] },
    recycles: { name: 'grader_recycles_total', help: 'Docker host recycles, by host and outcome (ok, failed)', labels: ['host', 'outcome'] },
    webhookAttempts: { name: 'grader_webhook_attempts_total', help: 'Webhook attempts, by payload type and outcome (delivered, retrying, given_up)', labels: ['type', 'outcome'] },
  },
  histograms: {
    submissionDuration: { name: 'grader_submission_duration_ms', help: 'End-to-end time of a submission, enqueued to graded, in ms', labels: [] },
    stageDuration: { name: 'grader_stage_duration_ms', help: 'Time of each stage of a grading (queue, create, start, upload, run, collect), in ms', labels: ['stage'] },
  },
}

/** The part of a BullMQ queue the collector reads. */
export type QueueCounts = Pick<Queue, 'getJobCounts'>

/** What the collector reads; narrow seams so a test can hand in fakes or a dead Redis. */
export interface MetricsCollectorOptions {
  store: Pick<MetricsStore, 'read'>
  hosts: Pick<HostRegistry, 'views'>
  queue: QueueCounts
  /**
   * The fair queue in front of `grading` (its `depths()`), for `grader_fair_pending`.
   * @defaultValue none: the family is not rendered
   */
  fair?: { depths: () => Promise<Array<{ tenant: string, lane: Lane, pending: number }>> }
  /**
   * The measured grading rate (`MetricsStore.throughput`), for `grader_grading_rate_per_minute`.
   * @defaultValue none: the family is not rendered
   */
  throughput?: Pick<MetricsStore, 'throughput'>
  /** The process's registry (see {@link processMetricsRegistry}); the collector adds its metrics to it. */
  registry: Registry
}

/** What one scrape read. */
interface Reading {
  ok: boolean
  snapshot: MetricsSnapshot
  hosts: HostSeries[]
  queue: Record<string, number>
  /** Fair-queue pending jobs per tenant and lane (non-zero ones). */
  fair: Array<{ tenant: string, lane: Lane, pending: number }>
  /** Gradings finished in the last minute; undefined when not read. */
  completedLastMinute?: number
  /** Workers whose host views are live in Redis (each publishes with an expiry); undefined when not read. */
  workersLive?: number
}

/** One host as rendered: the views every worker publishes of it, merged. */
interface HostSeries {
  host: string
  state: string
  draining: boolean
  concurrency: number
  inFlight: number
  p50: number | null
  p95: number | null
  /** The warm pool on the host, summed over its workers; absent when none runs one. */
  pool?: HostPoolView
}

const EMPTY_READING: Reading = {
  ok: false,
  snapshot: {
    counters: { submissions: [], hostGradings: [], slaMisses: [], retries: [], recycles: [], webhookAttempts: [] },
    histograms: { submissionDuration: [], stageDuration: [] },
  },
  hosts: [],
  queue: {},
  fair: [],
}

/** Worst first: a host two workers disagree on is shown in the worse state, so alerts err on the safe side. */
const STATE_SEVERITY: readonly string[] = [HostState.unhealthy, HostState.recycling, HostState.degraded, HostState.healthy]
const severity = (state: string): number => {
  const i = STATE_SEVERITY.indexOf(state)
  return i < 0 ? STATE_SEVERITY.length : i
}
const maxOrNull = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b))

/**
 * Merges the views of one host published by several workers (workers sharing
 * a Docker host each publish it): runs and slots add up, draining if any says
 * so, the worst state and the slowest latency win.
 */
export function hostSeries (views: readonly HostView[]): HostSeries[] {
  const byHost = new Map<string, HostSeries>()
  for (const v of views) {
    const seen = byHost.get(v.id)
    if (seen === undefined) {
      byHost.set(v.id, {
        host: v.id, state: v.state, draining: v.draining, concurrency: v.concurrency, inFlight: v.inFlight, p50: v.latencyMs.p50, p95: v.latencyMs.p95,
        ...(v.pool !== undefined ? { pool: { ...v.pool } } : {}),
      })
      continue
    }
    if (v.pool !== undefined) seen.pool = seen.pool === undefined ? { ...v.pool } : sumPools(seen.pool, v.pool)
    seen.state = severity(v.state) < severity(seen.state) ? v.state : seen.state
    seen.draining ||= v.draining
    seen.concurrency += v.concurrency
    seen.inFlight += v.inFlight
    seen.p50 = maxOrNull(seen.p50, v.latencyMs.p50)
    seen.p95 = maxOrNull(seen.p95, v.latencyMs.p95)
  }
  return [...byHost.values()]
}

function sumPools (a: HostPoolView, b: HostPoolView): HostPoolView {
  return {
    target: a.target + b.target, ready: a.ready + b.ready, inUse: a.inUse + b.inUse, created: a.created + b.created,
    discarded: a.discarded + b.discarded, hits: a.hits + b.hits, misses: a.misses + b.misses,
  }
}

/** The pool's containers per state, as `grader_pool_containers` labels them. */
const POOL_STATES = { ready: 'ready', in_use: 'inUse', target: 'target' } as const
/** The pool's counts since its worker started, as `grader_pool_events` labels them. */
const POOL_EVENTS = { created: 'created', discarded: 'discarded', hit: 'hits', miss: 'misses' } as const

/**
 * A histogram whose buckets were counted elsewhere (in Redis, by the
 * workers). prom-client's `Histogram` can only observe values one at a time,
 * while the registry needs no more of a metric than its name and `get()`:
 * this is the shape prom-client's own `AggregatorRegistry` registers for
 * metrics gathered from cluster workers.
 */
class StoredHistogram {
  readonly type = 'histogram'
  readonly aggregator = 'sum'

  constructor (readonly name: string, readonly help: string, private readonly series: () => HistogramSeries[]) {}

  async get (): Promise<{ name: string, help: string, type: string, aggregator: string, values: Array<{ metricName: string, labels: Record<string, string | number>, value: number }> }> {
    const values = this.series().flatMap(s => [
      ...s.buckets.map(b => ({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: b.le }, value: b.count })),
      { metricName: `${this.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count },
      { metricName: `${this.name}_sum`, labels: s.labels, value: s.sum },
      { metricName: `${this.name}_count`, labels: s.labels, value: s.count },
    ])
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  /** Called by `registry.resetMetrics()`: nothing is held here between scrapes. */
  reset (): void {}
}

/** An unlabelled gauge rendered only when it has a value (see {@link StoredHistogram} for the shape). */
class StoredGauge {
  readonly type = 'gauge'
  readonly aggregator = 'max'

  constructor (readonly name: string, readonly help: string, private readonly value: () => number | undefined) {}

  async get (): Promise<{ name: string, help: string, type: string, aggregator: string, values: Array<{ labels: Record<string, string>, value: number }> }> {
    const value = this.value()
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: value === undefined ? [] : [{ labels: {}, value }] }
  }

  reset (): void {}
}

/** An empty series of an unlabelled histogram, so a histogram nothing was observed in still renders as zeros. */
const zeroSeries = (): HistogramSeries => ({ labels: {}, buckets: [], sum: 0, count: 0 })

/**
 * A registry for one process, with prom-client's default process metrics
 * (CPU, memory, event-loop lag, GC, handles). Build one per process and pass
 * it in: a module-level registry would be shared by every app a test builds.
 */
export function processMetricsRegistry (): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  return registry
}

/**
 * Adds the grader's metrics to a registry and renders it on each scrape.
 * Each scrape reads Redis once (counters, hosts, queue) before rendering;
 * when that read fails, the process metrics are still rendered, the grader's
 * families are left out and `grader_redis_up` is 0.
 */
export class MetricsCollector {
  readonly registry: Registry
  private reading: Reading = EMPTY_READING

  constructor (private readonly options: MetricsCollectorOptions) {
    this.registry = options.registry
    const registers = [this.registry]
    // collect() runs synchronously when the registry renders, right after
    // scrape() replaced the reading, so every family renders the same reading
    const read = (): Reading => this.reading

    new Gauge({
      name: 'grader_redis_up',
      help: '1 when this scrape could read the grader\'s state in Redis, 0 when not',
      registers,
      collect () { this.set(read().ok ? 1 : 0) },
    })
    new Gauge({
      name: 'grader_queue_jobs',
      help: 'Jobs in the grading queue, by state (waiting includes prioritized)',
      labelNames: ['state'],
      registers,
      collect () {
        this.reset()
        const { ok, queue } = read()
        if (!ok) return
        for (const state of QUEUE_STATES) this.set({ state }, queue[state] ?? 0)
      },
    })
    if (options.fair !== undefined) {
      new Gauge({
        name: 'grader_fair_pending',
        help: 'Jobs waiting in the fair queue (not yet handed to a worker), by tenant and lane',
        labelNames: ['tenant', 'lane'],
        registers,
        collect () {
          this.reset()
          for (const d of read().fair) this.set({ tenant: d.tenant, lane: d.lane }, d.pending)
        },
      })
    }
    if (options.throughput !== undefined) {
      // unlabelled, a prom-client Gauge would render 0 when Redis could not be read: left out instead
      this.registry.registerMetric(new StoredGauge(
        'grader_grading_rate_per_minute',
        `Gradings finished (any verdict) over the last ${RATE_WINDOW_S} s, as the capacity estimate reads them`,
        () => read().completedLastMinute,
      ) as unknown as Gauge)
    }
    // Left out when Redis cannot be read: an alert on "no live worker" must not fire on a Redis outage,
    // which grader_redis_up reports on its own.
    this.registry.registerMetric(new StoredGauge(
      'grader_workers_live',
      'Workers whose view of their Docker hosts is live in Redis (each refreshes it every few seconds; a dead one\'s expires)',
      () => read().workersLive,
    ) as unknown as Gauge)
    new Gauge({
      name: 'grader_host_state',
      help: 'Health state of each Docker host: 1 for its current state, 0 for the others',
      labelNames: ['host', 'state'],
      registers,
      collect () {
        this.reset()
        for (const h of read().hosts) {
          for (const state of Object.values(HostState)) this.set({ host: h.host, state }, h.state === state ? 1 : 0)
          // a state this API does not know yet is still shown
          if (!Object.values<string>(HostState).includes(h.state)) this.set({ host: h.host, state: h.state }, 1)
        }
      },
    })
    new Gauge({
      name: 'grader_host_latency_ms',
      help: 'Probe latency of each Docker host, in ms, by quantile (0.5, 0.95)',
      labelNames: ['host', 'quantile'],
      registers,
      collect () {
        this.reset()
        for (const h of read().hosts) {
          if (h.p50 !== null) this.set({ host: h.host, quantile: '0.5' }, h.p50)
          if (h.p95 !== null) this.set({ host: h.host, quantile: '0.95' }, h.p95)
        }
      },
    })
    new Gauge({
      name: 'grader_host_in_flight',
      help: 'Gradings running on each Docker host',
      labelNames: ['host'],
      registers,
      collect () {
        this.reset()
        for (const h of read().hosts) this.set({ host: h.host }, h.inFlight)
      },
    })
    new Gauge({
      name: 'grader_host_concurrency',
      help: 'Gradings each Docker host may run at once',
      labelNames: ['host'],
      registers,
      collect () {
        this.reset()
        for (const h of read().hosts) this.set({ host: h.host }, h.concurrency)
      },
    })
    new Gauge({
      name: 'grader_host_draining',
      help: '1 when a Docker host is drained (takes no new work), else 0',
      labelNames: ['host'],
      registers,
      collect () {
        this.reset()
        for (const h of read().hosts) this.set({ host: h.host }, h.draining ? 1 : 0)
      },
    })

    new Gauge({
      name: 'grader_pool_containers',
      help: 'Warm containers on each Docker host: ready for a submission, in use by one, and the number the pool aims to keep ready (target)',
      labelNames: ['host', 'state'],
      registers,
      collect () {
        this.reset()
        for (const h of read().hosts) {
          if (h.pool === undefined) continue
          for (const [state, field] of Object.entries(POOL_STATES)) this.set({ host: h.host, state }, h.pool[field])
        }
      },
    })
    new Gauge({
      name: 'grader_pool_events',
      help: 'Warm pool events on each Docker host since its workers started (created, discarded, hit: a submission got a warm container, miss: it ran cold); resets when a worker restarts',
      labelNames: ['host', 'event'],
      registers,
      collect () {
        this.reset()
        for (const h of read().hosts) {
          if (h.pool === undefined) continue
          for (const [event, field] of Object.entries(POOL_EVENTS)) this.set({ host: h.host, event }, h.pool[field])
        }
      },
    })

    for (const [family, meta] of Object.entries(STORED_METRICS.counters) as Array<[CounterFamily, { name: string, help: string, labels: string[] }]>) {
      new Counter({
        name: meta.name,
        help: meta.help,
        labelNames: meta.labels,
        registers,
        collect () {
          this.reset()
          for (const s of read().snapshot.counters[family]) this.inc(s.labels, s.value)
        },
      })
    }
    for (const [family, meta] of Object.entries(STORED_METRICS.histograms) as Array<[HistogramFamily, { name: string, help: string, labels: string[] }]>) {
      const histogram = new StoredHistogram(meta.name, meta.help, () => {
        const { ok, snapshot } = read()
        const series = snapshot.histograms[family]
        return series.length === 0 && meta.labels.length === 0 && ok ? [zeroSeries()] : series
      })
      // prom-client's types accept only its own classes; see StoredHistogram
      this.registry.registerMetric(histogram as unknown as Histogram)
    }
  }

  /** Content type of {@link scrape}'s text (Prometheus text format 0.0.4). */
  get contentType (): string {
    return this.registry.contentType
  }

  /**
   * Reads Redis, then renders every metric of the registry. `error` is the
   * read failure, if any (the text is rendered anyway, without the grader's
   * families), for the caller to log.
   */
  async scrape (): Promise<{ text: string, error?: unknown }> {
    let error: unknown
    try {
      const [snapshot, views, counts, fair, throughput] = await Promise.all([
        this.options.store.read(),
        this.options.hosts.views(),
        this.options.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
        this.options.fair?.depths() ?? [],
        this.options.throughput?.throughput() as Promise<Throughput> | undefined,
      ])
      // jobs with a priority wait in their own set: to an operator they are waiting too
      const queue = { ...counts, waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) }
      this.reading = {
        ok: true, snapshot, hosts: hostSeries(views), queue, fair, workersLive: new Set(views.map(v => v.worker)).size,
        ...(throughput !== undefined ? { completedLastMinute: throughput.completedLastMinute } : {}),
      }
    } catch (err) {
      error = err
      this.reading = EMPTY_READING
    }
    const text = await this.registry.metrics()
    return error === undefined ? { text } : { text, error }
  }
}
