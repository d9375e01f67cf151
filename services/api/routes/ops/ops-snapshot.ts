import type { Queue } from 'bullmq'
import type { SlaByLane } from '../../../shared/config/sla-by-lane.js'
import { QUEUE_STATES } from '../../../shared/observability/metrics-collector.js'
import type { HistogramSeries, MetricsStore } from '../../../shared/observability/metrics-store.js'
import type { FairDepth } from '../../../shared/queue/fair-queue.js'
import type { HostControl, HostView } from '../../../shared/store/host-registry.js'
import type { WorkerHeartbeat } from '../../../shared/store/worker-registry.js'
import { hostList, type HostRoutesOptions } from '../v1/hosts/index.js'

/**
 * What the ops page shows at one moment, read from the stores `GET /v1/hosts`
 * and `/metrics` read: the hosts exactly as `GET /v1/hosts` lists them, the
 * queue, and the workers' counters as totals. Rates (graded per minute,
 * recycles over time) are differences between two snapshots, taken by the
 * page: the counters are totals since the grader's keys were made.
 */
export interface OpsSnapshot {
  /** ISO time the snapshot was read. */
  at: string
  /** Whether Redis could be read; when false only `at` and `error` are set and the page keeps its last data, marked stale. */
  ok: boolean
  error?: string
  /** The hosts as `GET /v1/hosts` lists them. */
  hosts?: Array<HostView & { control: HostControl }>
  /** Live workers (their heartbeats): a host list without a worker is old news. */
  workers?: Array<Pick<WorkerHeartbeat, 'workerId' | 'languages' | 'usableHosts' | 'at'>>
  /** BullMQ's `grading` queue by state (waiting includes prioritized), as `grader_queue_jobs`. */
  queue?: Record<(typeof QUEUE_STATES)[number], number>
  /** Jobs waiting in the fair queue before BullMQ, by tenant and lane, as `grader_fair_pending`. */
  fair?: FairDepth[]
  /** Gradings finished, by status and reason (every language added up), as `grader_submissions_total`. */
  graded?: Array<{ status: string, reason: string, count: number }>
  /** End-to-end time (enqueue to result), in ms, estimated from `grader_submission_duration_ms`'s buckets. */
  endToEndMs?: { p50: number | null, p95: number | null, count: number }
  /** Each lane's SLA, in ms (null: none). */
  slaMs?: SlaByLane
  /** Gradings past their lane's SLA, by lane (`grader_sla_misses_total`). */
  slaMisses?: Record<string, number>
  /** Attempts that failed with a retryable fault (`grader_retries_total`), all hosts. */
  retries?: number
  /** Recycles by host and outcome (`grader_recycles_total`). */
  recycles?: Array<{ host: string, outcome: string, count: number }>
}

/** Where a snapshot is read from: the app's own stores, passed in. */
export interface OpsSources {
  hosts: HostRoutesOptions['hosts']
  queue: Pick<Queue, 'getJobCounts'>
  fair: { depths: () => Promise<FairDepth[]> }
  metrics: Pick<MetricsStore, 'read'>
  workers: { list: () => Promise<WorkerHeartbeat[]> }
  slaMs: SlaByLane
}

/**
 * The `q` quantile of a histogram, interpolated linearly inside its bucket as
 * Prometheus' `histogram_quantile` does; null without observations. Past the
 * last finite bound the last bound is answered (the `+Inf` bucket has no width).
 */
export function bucketQuantile (q: number, series: Pick<HistogramSeries, 'buckets' | 'count'>): number | null {
  if (series.count === 0) return null
  const rank = q * series.count
  let lowerLe = 0
  let lowerCount = 0
  for (const { le, count } of series.buckets) {
    if (count >= rank) {
      const inBucket = count - lowerCount
      return inBucket === 0 ? le : lowerLe + (le - lowerLe) * (rank - lowerCount) / inBucket
    }
    lowerLe = le
    lowerCount = count
  }
  return lowerLe
}

const sumBy = <T>(items: readonly T[], key: (item: T) => string, value: (item: T) => number): Map<string, number> => {
  const sums = new Map<string, number>()
  for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0) + value(item))
  return sums
}

/** Rejects after `ms`: ioredis queues commands while it reconnects, and a page must hear "stale" rather than nothing. */
const within = async <T>(promise: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`no answer from Redis within ${ms} ms`)) }, ms) })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Reads one {@link OpsSnapshot}. Never throws: a read that fails or takes
 * longer than `timeoutMs` is a snapshot with `ok: false`, so the stream goes on
 * and the page marks its data stale.
 */
export async function readOpsSnapshot (sources: OpsSources, opts: { timeoutMs: number, now?: () => Date }): Promise<OpsSnapshot> {
  const at = (opts.now?.() ?? new Date()).toISOString()
  try {
    const [hosts, workers, counts, fair, metrics] = await within(Promise.all([
      hostList(sources.hosts),
      sources.workers.list(),
      sources.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
      sources.fair.depths(),
      sources.metrics.read(),
    ]), opts.timeoutMs)
    const queue = Object.fromEntries(QUEUE_STATES.map(state => [state, counts[state] ?? 0])) as OpsSnapshot['queue'] & object
    // jobs with a priority wait in their own set: to an operator they are waiting too
    queue.waiting += counts.prioritized ?? 0
    const graded = sumBy(metrics.counters.submissions, s => JSON.stringify([s.labels.status ?? '', s.labels.reason ?? '']), s => s.value)
    const recycles = sumBy(metrics.counters.recycles, s => JSON.stringify([s.labels.host ?? '', s.labels.outcome ?? '']), s => s.value)
    const duration = metrics.histograms.submissionDuration[0] ?? { buckets: [], count: 0 }
    return {
      at,
      ok: true,
      hosts,
      workers: workers.map(w => ({ workerId: w.workerId, languages: w.languages, usableHosts: w.usableHosts, at: w.at })),
      queue,
      fair,
      graded: [...graded].map(([key, count]) => { const [status, reason] = JSON.parse(key) as [string, string]; return { status, reason, count } }),
      endToEndMs: { p50: bucketQuantile(0.5, duration), p95: bucketQuantile(0.95, duration), count: duration.count },
      slaMs: sources.slaMs,
      slaMisses: Object.fromEntries(sumBy(metrics.counters.slaMisses, s => s.labels.lane ?? '', s => s.value)),
      retries: metrics.counters.retries.reduce((n, s) => n + s.value, 0),
      recycles: [...recycles].map(([key, count]) => { const [host, outcome] = JSON.parse(key) as [string, string]; return { host, outcome, count } }),
    }
  } catch (err) {
    return { at, ok: false, error: err instanceof Error ? err.message.slice(0, 200) : 'the grader state could not be read' }
  }
}
