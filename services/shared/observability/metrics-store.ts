import type { Redis } from 'ioredis'
import type { Timings } from '../contracts/submission-schema.js'
import { DEFAULT_LANE, type Lane, type Reason, type ResultStatus } from '../contracts/vocabulary.js'
import { DEFAULT_SLA_MS, type SlaByLane } from '../config/sla-by-lane.js'

/**
 * Counters and histograms of the workers, kept in Redis.
 *
 * Workers have no HTTP server and may run apart from the API, so what they
 * count is written to Redis hashes (`HINCRBY`, one `MULTI` per event) and the
 * API renders it on each scrape (see `MetricsCollector`). Every API process
 * renders the same totals: query them with `max`, not `sum`, when several
 * APIs are scraped.
 *
 * Layout: one hash per family, `<prefix>:metrics:<family key>`. A counter's
 * field is the JSON array of its label values (in the family's label order),
 * its value the count. A histogram's field is the JSON array of its label
 * values followed by a part: an upper bound (`"250"`: observations in
 * `(previous bound, 250]`, not cumulative), `"+Inf"`, `"sum"` or `"count"`.
 * Label values are bounded: languages, statuses, reasons, hosts, stages and
 * fault codes, never a submission id.
 */

/**
 * Upper bounds of the duration histogram buckets, in ms; `+Inf` is implied.
 * Changing them keeps old counts meaningful: a stored bucket counts towards
 * every rendered bound at or above its own.
 */
export const DURATION_BUCKETS_MS = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000] as const

/** Stages of one grading (the `stage` label), each with the field of {@link Timings} it is read from. */
export const STAGE_TIMINGS = {
  /** Waiting in the queue, from enqueue to the worker taking the job. */
  queue: 'queueMs',
  create: 'createMs',
  start: 'startMs',
  upload: 'uploadMs',
  run: 'runMs',
  collect: 'collectMs',
} as const satisfies Record<string, keyof Timings>
export type Stage = keyof typeof STAGE_TIMINGS

/**
 * Outcome of one webhook attempt (the `outcome` label of
 * `grader_webhook_attempts_total`): delivered (a 2xx), failed with another
 * attempt scheduled, or failed for the last time.
 */
export const WebhookOutcome = { delivered: 'delivered', retrying: 'retrying', givenUp: 'given_up' } as const
export type WebhookOutcome = (typeof WebhookOutcome)[keyof typeof WebhookOutcome]

/**
 * Why a grading was answered after its lane's SLA (the `cause` label of
 * `grader_sla_misses_total`): it ran more than once (a host failed and the
 * job was retried), else the longer of its two parts, the wait before a
 * worker took it or the grading itself (container, upload, run, collect).
 */
export const SlaMissCause = { queueWait: 'queue_wait', grading: 'grading', retried: 'retried' } as const
export type SlaMissCause = (typeof SlaMissCause)[keyof typeof SlaMissCause]

/** Outcome of a recycle (the `outcome` label of `grader_recycles_total`). */
export const RecycleOutcome = { ok: 'ok', failed: 'failed' } as const
export type RecycleOutcome = (typeof RecycleOutcome)[keyof typeof RecycleOutcome]

/**
 * The families workers count, with the Redis hash each lives in and the
 * order of its labels in stored fields. The Prometheus names are the
 * collector's business.
 */
export const STORED_FAMILIES = {
  /** Gradings finished, by verdict. */
  submissions: { kind: 'counter', key: 'submissions', labels: ['language', 'status', 'reason'] },
  /** Gradings finished, by the host that ran them. */
  hostGradings: { kind: 'counter', key: 'host-gradings', labels: ['host', 'status'] },
  /** Gradings whose end-to-end time exceeded their lane's SLA, by lane and cause. */
  slaMisses: { kind: 'counter', key: 'sla-misses', labels: ['language', 'lane', 'cause'] },
  /** Attempts that failed with a retryable fault. */
  retries: { kind: 'counter', key: 'retries', labels: ['host', 'code'] },
  /** Host recycles, by outcome. */
  recycles: { kind: 'counter', key: 'recycles', labels: ['host', 'outcome'] },
  /** Webhook attempts, by kind (`submission.done`, `batch.done`) and outcome. */
  webhookAttempts: { kind: 'counter', key: 'webhook-attempts', labels: ['type', 'outcome'] },
  /** End-to-end time of a submission, enqueue to result, in ms. */
  submissionDuration: { kind: 'histogram', key: 'submission-duration', labels: [] },
  /** Time of each stage of a grading, in ms. */
  stageDuration: { kind: 'histogram', key: 'stage-duration', labels: ['stage'] },
} as const

type Families = typeof STORED_FAMILIES
/** Names of the counter families of {@link STORED_FAMILIES}. */
export type CounterFamily = { [K in keyof Families]: Families[K]['kind'] extends 'counter' ? K : never }[keyof Families]
/** Names of the histogram families of {@link STORED_FAMILIES}. */
export type HistogramFamily = { [K in keyof Families]: Families[K]['kind'] extends 'histogram' ? K : never }[keyof Families]

/** Longest label value stored, in characters; longer ones are cut. */
export const MAX_LABEL_CHARS = 100

/** One labelled value of a counter, as read back. */
export interface CounterSeries {
  labels: Record<string, string>
  value: number
}

/** One labelled histogram, as read back; `buckets` are cumulative, one per {@link DURATION_BUCKETS_MS} bound. */
export interface HistogramSeries {
  labels: Record<string, string>
  buckets: Array<{ le: number, count: number }>
  /** Sum of the observations, in ms. */
  sum: number
  /** Observations; also the `+Inf` bucket. */
  count: number
}

/** Everything the workers counted, read in one transaction. */
export interface MetricsSnapshot {
  counters: Record<CounterFamily, CounterSeries[]>
  histograms: Record<HistogramFamily, HistogramSeries[]>
}

/** One finished grading, as the worker reports it to {@link MetricsStore.graded}. */
export interface GradedEvent {
  /** Language of the submission. */
  language: string
  status: ResultStatus
  /** Why the result is `error` (or why a `fail` was cut short); none for a plain pass or fail. */
  reason?: Reason
  /** Id of the host that ran the grading; omitted when none did (no host was available). */
  host?: string
  /** Time of each stage, in ms; stages missing (the run never got there) are not observed. */
  timings?: Partial<Timings>
  /** From enqueue to the result being stored, in ms. Counted as an SLA miss past the lane's SLA. */
  endToEndMs: number
  /** The job's lane (`GradingJob.lane`). @defaultValue practice */
  lane?: Lane
  /** Attempts the job took, this one included; more than one makes a miss `retried`. @defaultValue 1 */
  attempts?: number
}

/** Gradings kept for the typical grading time ({@link MetricsStore.throughput}). */
export const RECENT_GRADINGS = 100
/** Width of the window the grading rate is measured over, in seconds. */
export const RATE_WINDOW_S = 60
/** Windows of {@link RATE_WINDOW_S} kept for the rate's recent history ({@link Throughput.completedPerWindow}). */
export const RATE_WINDOWS = 3

/** The grading rate as measured by the workers, read by every API process. */
export interface Throughput {
  /** Gradings finished (any verdict, or given up) in the last {@link RATE_WINDOW_S} seconds. */
  completedLastMinute: number
  /** Gradings finished in each of the last {@link RATE_WINDOWS} windows of {@link RATE_WINDOW_S} seconds, newest first (the first is `completedLastMinute`). */
  completedPerWindow: number[]
  /** Grading time (container create to collect, no queue wait) of the last {@link RECENT_GRADINGS} gradings that ran on a host, newest first, in ms. */
  recentGradingMs: number[]
  /**
   * How long each of the last {@link RECENT_GRADINGS} runs on a full host
   * (its lease took the host's last shared slot) held that slot, lease to
   * release (the grading, storing its result, removing its container),
   * newest first, in ms: what the slots can do under load, whatever the
   * demand is now.
   */
  recentSlotHoldMs: number[]
}

/** One attempt that failed with a retryable fault, reported to {@link MetricsStore.retried}. */
export interface RetriedEvent {
  /** Host of the failed attempt; omitted when no host was chosen. */
  host?: string
  /** The fault's `GraderError` code, e.g. `host_unreachable`. */
  code: string
}

/** One host recycle, reported to {@link MetricsStore.recycled}. */
export interface RecycledEvent {
  host: string
  /** Whether the host came back healthy. */
  ok: boolean
}

/** One webhook attempt, reported to {@link MetricsStore.webhookAttempted}. */
export interface WebhookAttemptEvent {
  /** The payload's `type`: `submission.done` or `batch.done`. */
  type: string
  outcome: WebhookOutcome
}

/** Options of a {@link MetricsStore}. */
export interface MetricsStoreOptions {
  /**
   * End-to-end time past which a grading counts as an SLA miss, in ms: one
   * number for every lane but `regrade` (which then has none), or the SLA of
   * each lane (`config.slaByLane`, null = none).
   * @defaultValue 30000, regrade none
   */
  slaMs?: number | SlaByLane
}

const label = (value: string | undefined): string => (value ?? '').slice(0, MAX_LABEL_CHARS)

/** A duration fit to observe: finite, not negative (clock skew between machines is clamped to 0). */
const duration = (ms: number | undefined): number | undefined =>
  typeof ms === 'number' && Number.isFinite(ms) ? Math.max(0, ms) : undefined

/** A stored list of durations, anything that is not one left out. */
const durations = (stored: readonly string[]): number[] => stored.map(Number).filter(ms => Number.isFinite(ms) && ms >= 0)

/** The bucket an observation is counted in: the smallest bound at or above it. */
const bucketOf = (ms: number): string => String(DURATION_BUCKETS_MS.find(le => ms <= le) ?? '+Inf')

/**
 * Writes worker events into Redis and reads them back for rendering. Holds no
 * connection of its own: pass the process's command connection.
 *
 * Every recording method runs one `MULTI` and rejects when Redis does; a
 * metric that could not be written must not fail a grading, so call them as
 * `metrics.graded(e).catch(err => log.warn({ err }, 'metrics not recorded'))`.
 */
export class MetricsStore {
  private readonly slaMs: SlaByLane

  constructor (private readonly redis: Redis, private readonly prefix: string, options: MetricsStoreOptions = {}) {
    const sla = options.slaMs ?? DEFAULT_SLA_MS
    this.slaMs = typeof sla === 'number' ? { exam: sla, interactive: sla, practice: sla, regrade: null } : sla
  }

  private key (family: keyof Families): string { return `${this.prefix}:metrics:${STORED_FAMILIES[family].key}` }
  /** Gradings finished in one second (epoch seconds); a counter of its own, so the last minute is one MGET. */
  private secondKey (epochS: number): string { return `${this.prefix}:metrics:graded-at:${epochS}` }
  private get recentKey (): string { return `${this.prefix}:metrics:recent-grading-ms` }
  private get holdKey (): string { return `${this.prefix}:metrics:recent-slot-hold-ms` }

  /**
   * Counts one finished grading: its verdict, its host, its end-to-end time
   * and each stage's time, and an SLA miss when it took longer than `slaMs`.
   */
  async graded (event: GradedEvent, nowMs = Date.now()): Promise<void> {
    const tx = this.redis.multi()
    const language = label(event.language)
    const lane = event.lane ?? DEFAULT_LANE
    tx.hincrby(this.key('submissions'), JSON.stringify([language, label(event.status), label(event.reason)]), 1)
    if (event.host !== undefined) tx.hincrby(this.key('hostGradings'), JSON.stringify([label(event.host), label(event.status)]), 1)
    const endToEndMs = duration(event.endToEndMs)
    const slaMs = this.slaMs[lane]
    if (endToEndMs !== undefined) {
      this.observe(tx, 'submissionDuration', [], endToEndMs)
      if (slaMs !== null && endToEndMs > slaMs) tx.hincrby(this.key('slaMisses'), JSON.stringify([language, lane, slaMissCause(event)]), 1)
    }
    for (const [stage, field] of Object.entries(STAGE_TIMINGS)) {
      const ms = duration(event.timings?.[field])
      if (ms !== undefined) this.observe(tx, 'stageDuration', [stage], ms)
    }
    // kept past the window so a reader whose clock is a little ahead still finds the whole minute
    const second = this.secondKey(Math.floor(nowMs / 1000))
    tx.incr(second)
    tx.expire(second, RATE_WINDOW_S * (RATE_WINDOWS + 1))
    const gradingMs = gradingTime(event.timings)
    if (gradingMs !== undefined) {
      tx.lpush(this.recentKey, String(Math.round(gradingMs)))
      tx.ltrim(this.recentKey, 0, RECENT_GRADINGS - 1)
    }
    await this.exec(tx)
  }

  /**
   * Records how long one run on a full host held its slot, from its lease to
   * its release (after its container is removed), whatever its verdict.
   */
  async slotHeld (holdMs: number): Promise<void> {
    const ms = duration(holdMs)
    if (ms === undefined) return
    await this.exec(this.redis.multi().lpush(this.holdKey, String(Math.round(ms))).ltrim(this.holdKey, 0, RECENT_GRADINGS - 1))
  }

  /**
   * Gradings finished over the last minutes, the recent grading times and
   * slot holds: what the API's capacity estimate needs, read in one
   * transaction (the per-second counters in one MGET, two lists).
   */
  async throughput (nowMs = Date.now()): Promise<Throughput> {
    const nowS = Math.floor(nowMs / 1000)
    // the current second is still filling: the window is the RATE_WINDOW_S seconds before it, plus it
    const keys = Array.from({ length: RATE_WINDOW_S * RATE_WINDOWS }, (_, i) => this.secondKey(nowS - i))
    const [counts, recent, holds] = await this.exec(this.redis.multi().mget(...keys)
      .lrange(this.recentKey, 0, RECENT_GRADINGS - 1).lrange(this.holdKey, 0, RECENT_GRADINGS - 1)) as [Array<string | null>, string[], string[]]
    const perWindow = Array.from({ length: RATE_WINDOWS }, (_, w) => counts
      .slice(w * RATE_WINDOW_S, (w + 1) * RATE_WINDOW_S)
      .reduce((n: number, c) => n + (c === null ? 0 : Number(c) || 0), 0))
    return {
      completedLastMinute: perWindow[0]!,
      completedPerWindow: perWindow,
      recentGradingMs: durations(recent),
      recentSlotHoldMs: durations(holds),
    }
  }

  /** Counts one attempt that failed with a retryable fault. */
  async retried (event: RetriedEvent): Promise<void> {
    await this.exec(this.redis.multi().hincrby(this.key('retries'), JSON.stringify([label(event.host), label(event.code)]), 1))
  }

  /** Counts one host recycle and whether it brought the host back. */
  async recycled (event: RecycledEvent): Promise<void> {
    const outcome: RecycleOutcome = event.ok ? 'ok' : 'failed'
    await this.exec(this.redis.multi().hincrby(this.key('recycles'), JSON.stringify([label(event.host), outcome]), 1))
  }

  /** Counts one webhook attempt by its outcome. */
  async webhookAttempted (event: WebhookAttemptEvent): Promise<void> {
    await this.exec(this.redis.multi().hincrby(this.key('webhookAttempts'), JSON.stringify([label(event.type), event.outcome]), 1))
  }

  /** Reads every family in one transaction, so a scrape never sees half of an event. */
  async read (): Promise<MetricsSnapshot> {
    const names = Object.keys(STORED_FAMILIES) as Array<keyof Families>
    const tx = this.redis.multi()
    for (const name of names) tx.hgetall(this.key(name))
    const replies = await this.exec(tx)
    const hashes = new Map(names.map((name, i) => [name, (replies[i] ?? {}) as Record<string, string>]))
    const hash = (name: keyof Families): Record<string, string> => hashes.get(name) ?? {}
    return {
      counters: {
        submissions: readCounter(STORED_FAMILIES.submissions.labels, hash('submissions')),
        hostGradings: readCounter(STORED_FAMILIES.hostGradings.labels, hash('hostGradings')),
        slaMisses: readCounter(STORED_FAMILIES.slaMisses.labels, hash('slaMisses')),
        retries: readCounter(STORED_FAMILIES.retries.labels, hash('retries')),
        recycles: readCounter(STORED_FAMILIES.recycles.labels, hash('recycles')),
        webhookAttempts: readCounter(STORED_FAMILIES.webhookAttempts.labels, hash('webhookAttempts')),
      },
      histograms: {
        submissionDuration: readHistogram(STORED_FAMILIES.submissionDuration.labels, hash('submissionDuration')),
        stageDuration: readHistogram(STORED_FAMILIES.stageDuration.labels, hash('stageDuration')),
      },
    }
  }

  private observe (tx: ReturnType<Redis['multi']>, family: HistogramFamily, labels: string[], ms: number): void {
    const key = this.key(family)
    tx.hincrby(key, JSON.stringify([...labels, bucketOf(ms)]), 1)
    tx.hincrbyfloat(key, JSON.stringify([...labels, 'sum']), ms)
    tx.hincrby(key, JSON.stringify([...labels, 'count']), 1)
  }

  /** Runs a transaction and returns its replies; the first failed command rejects it. */
  private async exec (tx: ReturnType<Redis['multi']>): Promise<unknown[]> {
    const results = await tx.exec()
    // null only when a WATCHed key changed: no WATCH is used here
    if (results === null) throw new Error('metrics transaction was aborted')
    for (const [err] of results) if (err !== null) throw err
    return results.map(([, reply]) => reply)
  }
}

/** Time a grading held its host slot, in ms (every stage but the queue); undefined when it never ran. */
function gradingTime (timings: Partial<Timings> | undefined): number | undefined {
  if (timings === undefined) return undefined
  const parts = Object.values(STAGE_TIMINGS).filter(f => f !== 'queueMs').map(f => duration(timings[f]))
  if (parts.every(ms => ms === undefined)) return undefined
  return parts.reduce<number>((sum, ms) => sum + (ms ?? 0), 0)
}

/** See {@link SlaMissCause}. */
export function slaMissCause (event: Pick<GradedEvent, 'attempts' | 'timings' | 'endToEndMs'>): SlaMissCause {
  if ((event.attempts ?? 1) > 1) return SlaMissCause.retried
  const grading = gradingTime(event.timings)
  const queue = duration(event.timings?.queueMs) ?? (grading === undefined ? undefined : Math.max(0, event.endToEndMs - grading))
  if (grading === undefined) return SlaMissCause.queueWait
  return (queue ?? 0) >= grading ? SlaMissCause.queueWait : SlaMissCause.grading
}

/** The label values of a stored field, or undefined when it does not have `arity` strings (a stale layout). */
function parseField (field: string, arity: number): string[] | undefined {
  try {
    const values: unknown = JSON.parse(field)
    if (Array.isArray(values) && values.length === arity && values.every(v => typeof v === 'string')) return values as string[]
  } catch {}
  return undefined
}

const labelsOf = (names: readonly string[], values: readonly string[]): Record<string, string> =>
  Object.fromEntries(names.map((name, i) => [name, values[i] ?? '']))

function readCounter (names: readonly string[], hash: Record<string, string>): CounterSeries[] {
  const series: CounterSeries[] = []
  for (const [field, raw] of Object.entries(hash)) {
    const values = parseField(field, names.length)
    const value = Number(raw)
    if (values !== undefined && Number.isFinite(value)) series.push({ labels: labelsOf(names, values), value })
  }
  return series.sort(bySeriesLabels)
}

function readHistogram (names: readonly string[], hash: Record<string, string>): HistogramSeries[] {
  // label values (as stored) → the parts of one series
  const raw = new Map<string, { values: string[], bounds: Array<[number, number]>, sum: number, count: number }>()
  for (const [field, text] of Object.entries(hash)) {
    const parts = parseField(field, names.length + 1)
    const value = Number(text)
    if (parts === undefined || !Number.isFinite(value)) continue
    const values = parts.slice(0, -1)
    const part = parts[parts.length - 1]!
    const id = JSON.stringify(values)
    const entry = raw.get(id) ?? { values, bounds: [], sum: 0, count: 0 }
    raw.set(id, entry)
    if (part === 'sum') entry.sum = value
    else if (part === 'count') entry.count = value
    // `+Inf` is the count; a numeric part is one (non-cumulative) bucket
    else if (part !== '+Inf' && Number.isFinite(Number(part))) entry.bounds.push([Number(part), value])
  }
  return [...raw.values()].map(({ values, bounds, sum, count }) => ({
    labels: labelsOf(names, values),
    buckets: DURATION_BUCKETS_MS.map(le => ({ le, count: bounds.reduce((n, [bound, c]) => (bound <= le ? n + c : n), 0) })),
    sum,
    count,
  })).sort(bySeriesLabels)
}

/** Stable order, so a scrape renders the same series in the same order. */
function bySeriesLabels (a: { labels: Record<string, string> }, b: { labels: Record<string, string> }): number {
  const ka = JSON.stringify(Object.values(a.labels))
  const kb = JSON.stringify(Object.values(b.labels))
  return ka < kb ? -1 : ka > kb ? 1 : 0
}
