import { randomUUID } from 'node:crypto'
import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Config } from '../shared/config/config.js'
import type { GradingJob } from '../shared/contracts/job-schema.js'
import { LANES, type Lane } from '../shared/contracts/vocabulary.js'
import { GraderError } from '../shared/errors/grader-error.js'
import { MetricsStore, type Throughput } from '../shared/observability/metrics-store.js'
import { FairQueue } from '../shared/queue/fair-queue.js'
import { HostRegistry, HostState, type HostView } from '../shared/store/host-registry.js'
import { estimateLane, SLA_HEADROOM, type CapacityInput, type LaneDepth } from './capacity-estimate.js'
import { RetryPromises } from './retry-promises.js'

/**
 * Honest backpressure: a submission the pool cannot grade within its lane's
 * SLA is refused at once (503 `over_capacity` with `Retry-After`), never
 * accepted and answered late. The estimate is capacity-estimate.ts's; this
 * file reads what it needs from Redis, shared by every API process.
 */

/**
 * A submission refused for capacity: a 503 that carries when to try again,
 * for the route's `Retry-After`. Its name stays `GraderError`, so the error
 * handler and `isGraderError` treat it as any catalog error.
 */
export class OverCapacity extends GraderError {
  constructor (readonly retryAfterS: number, message: string) {
    super('over_capacity', message)
  }
}

/** Where the reading comes from; narrow seams, so a unit test hands in fakes. */
export interface CapacitySources {
  /**
   * The fair queue's pending jobs per tenant and lane, the tenants' weights,
   * and their arrivals over the last minute (@defaultValue none).
   */
  fair: { depths: () => Promise<LaneDepth[]>, weights: () => Promise<Record<string, number>>, arrivals?: () => Promise<LaneDepth[]> }
  /** The grading queue (jobs the feeders already moved there, and those running). */
  queue: Pick<Queue, 'getJobCounts'>
  /** The hosts the workers publish: slots and runs in flight. */
  hosts: Pick<HostRegistry, 'views'>
  /** The rate the workers measured. */
  throughput: Pick<MetricsStore, 'throughput'>
  /**
   * Admissions under way in every API process.
   * @defaultValue none: two admissions at the same moment may both pass on the same reading
   */
  admissions?: Pick<Admissions, 'begin' | 'underWay'>
  /**
   * The promises earlier `Retry-After`s made (retry-promises.ts).
   * @defaultValue none: every client refused in one second is told the same second
   */
  promises?: Pick<RetryPromises, 'claim' | 'promise' | 'held'>
}

/**
 * How long an admission counts as under way, in ms: from its check to its
 * job being in the fair queue (where the next reading sees it) takes a few
 * ms to tens of ms; past this it is counted there, or was refused.
 */
export const ADMISSION_WINDOW_MS = 250

/**
 * Admissions under way, in Redis, so a burst of requests does not all pass
 * on one reading of the queue: each check first adds itself (a sorted set
 * scored by time, members naming tenant and lane) and reads the ones before
 * it, atomically; those count as pending jobs of their tenant and lane, so
 * one tenant's burst weighs on another's estimate only by weight, as its
 * queue does. One just accepted is counted twice for up to
 * {@link ADMISSION_WINDOW_MS} (here, and in the queue once added): an error
 * on the late side.
 */
export class Admissions {
  private readonly key: string
  constructor (private readonly redis: Redis, prefix: string) { this.key = `${prefix}:capacity:admitting` }

  /** Adds one admission; resolves to the ones under way before it, and a function that withdraws it (when refused). */
  async begin (tenant: string, lane: Lane, nowMs = Date.now()): Promise<{ before: LaneDepth[], withdraw: () => Promise<void> }> {
    const token = JSON.stringify([tenant, lane, randomUUID()])
    const replies = await this.redis.multi()
      .zremrangebyscore(this.key, '-inf', nowMs - ADMISSION_WINDOW_MS)
      .zadd(this.key, nowMs, token)
      .zrange(this.key, 0, -1)
      .pexpire(this.key, ADMISSION_WINDOW_MS * 4)
      .exec()
    const [err, members] = replies?.[2] ?? [new Error('admission transaction was aborted'), []]
    if (err !== null) throw err
    return { before: countByLane((members as string[]).filter(m => m !== token)), withdraw: async () => { await this.redis.zrem(this.key, token) } }
  }

  /** Admissions under way now, without adding one (what `GET /v1/capacity` counts). */
  async underWay (nowMs = Date.now()): Promise<LaneDepth[]> {
    return countByLane(await this.redis.zrangebyscore(this.key, nowMs - ADMISSION_WINDOW_MS, '+inf'))
  }
}

/** Members `[tenant, lane, id]` counted per tenant and lane; a member of another shape is skipped. */
function countByLane (members: readonly string[]): LaneDepth[] {
  const counts = new Map<string, LaneDepth>()
  for (const member of members) {
    let parsed: unknown
    try { parsed = JSON.parse(member) } catch { continue }
    if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || !(LANES as readonly unknown[]).includes(parsed[1])) continue
    const [tenant, lane] = parsed as [string, Lane]
    const id = JSON.stringify([tenant, lane])
    const seen = counts.get(id) ?? { tenant, lane, pending: 0 }
    seen.pending++
    counts.set(id, seen)
  }
  return [...counts.values()]
}

/** What one reading holds: the estimate's input. */
export type CapacityReading = CapacityInput

/**
 * How long host views and the measured rate are reused, in ms. Host views
 * are a SCAN of the keyspace and change every few seconds; the queue is
 * read fresh on every admission, since it is what a burst changes.
 */
export const SLOW_READ_TTL_MS = 1_000

/** Slots of one host as a worker publishes it, as its scheduler counts them (DockerHost.capacity). */
export function hostSlots (view: Pick<HostView, 'state' | 'draining' | 'concurrency'>): number {
  if (view.draining) return 0
  if (view.state === HostState.healthy) return view.concurrency
  if (view.state === HostState.degraded) return Math.max(1, Math.floor(view.concurrency / 2))
  return 0
}

/** Sources per queue, so the cached reads are shared by every admission of a process. */
const sourcesByQueue = new WeakMap<object, CapacitySources>()

/** The sources on one Redis, with the slow reads cached for {@link SLOW_READ_TTL_MS}. */
export function capacitySources (redis: Redis, prefix: string, queue: Pick<Queue, 'getJobCounts'>, hosts?: Pick<HostRegistry, 'views'>): CapacitySources {
  const registry = hosts ?? new HostRegistry(redis, prefix)
  const metrics = new MetricsStore(redis, prefix)
  const fair = new FairQueue(redis, prefix)
  const sources: CapacitySources = {
    // the arrival rate is a minute's: a second-old reading of it is as good
    fair: { depths: async () => await fair.depths(), weights: async () => await fair.weights(), arrivals: cached(async () => await fair.arrivals()) },
    queue,
    hosts: { views: cached(async () => await registry.views()) },
    throughput: { throughput: cached(async () => await metrics.throughput()) },
    admissions: new Admissions(redis, prefix),
    promises: new RetryPromises(redis, prefix),
  }
  // admission through the same queue (checkCapacity) then shares these cached reads
  sourcesByQueue.set(queue, sources)
  return sources
}

/** The last value of `read`, reused for {@link SLOW_READ_TTL_MS}; a failed read is not kept. */
function cached<T> (read: () => Promise<T>): () => Promise<T> {
  let last: { at: number, value: Promise<T> } | undefined
  return async () => {
    const now = Date.now()
    if (last === undefined || now - last.at > SLOW_READ_TTL_MS) {
      const value = read()
      last = { at: now, value }
      value.catch(() => { if (last?.value === value) last = undefined })
    }
    return await last.value
  }
}

/**
 * Reads everything the estimate needs, in parallel. Admissions under way
 * count as pending jobs of their tenant and lane: `admitting` when the
 * caller read them already (an admission, with itself left out), else read
 * here.
 */
export async function readCapacity (sources: CapacitySources, slaByLane: Config['slaByLane'], admitting?: LaneDepth[]): Promise<CapacityReading> {
  const [underWay, depths, weights, arrivals, counts, views, throughput] = await Promise.all([
    admitting ?? sources.admissions?.underWay() ?? [],
    sources.fair.depths(),
    sources.fair.weights(),
    sources.fair.arrivals?.() ?? [],
    sources.queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active'),
    sources.hosts.views(),
    sources.throughput.throughput() as Promise<Throughput>,
  ])
  return {
    depths: [...depths, ...underWay],
    weights,
    arrivals,
    // a delayed job is a retry in back-off: it runs again before long
    queued: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
    // BullMQ's count, not the hosts' views: those are published every few seconds, and a run
    // just finished would still hold its slot in them (what holds a slot around a grading is
    // in the estimate's rate floor)
    inFlight: counts.active ?? 0,
    slots: views.reduce((n, v) => n + hostSlots(v), 0),
    completedLastMinute: throughput.completedLastMinute,
    completedPerWindow: throughput.completedPerWindow,
    recentGradingMs: throughput.recentGradingMs,
    recentSlotHoldMs: throughput.recentSlotHoldMs,
    slaByLane,
  }
}

/**
 * A client that honoured its `Retry-After` is accepted while its estimate is
 * within this share of the SLA: the SLA itself, not a new request's
 * {@link SLA_HEADROOM}. The promise held its room through every estimate
 * since it was made, and the headroom is for what the estimate cannot see
 * coming, which for a promised client came while it waited and is counted
 * now; the estimate's own errors are on the late side (a high percentile of
 * grading times, 80 % of what the slots allow). An estimate past the SLA is
 * refused again, never accepted to be late. At 90 % the exam bench still
 * refused 21 % of clients at the try after their `Retry-After`.
 */
export const CLAIMED_HEADROOM = 1

/** What {@link checkCapacity} needs: the config and the grading queue (as in `AcceptDeps`), or the sources themselves. */
export interface CapacityDeps {
  config: Pick<Config, 'prefix' | 'slaByLane'>
  queue: Queue<GradingJob>
  /** @defaultValue {@link capacitySources} on the queue's own Redis connection */
  capacity?: CapacitySources
}

async function sourcesOf (deps: CapacityDeps): Promise<CapacitySources> {
  if (deps.capacity !== undefined) return deps.capacity
  const known = sourcesByQueue.get(deps.queue)
  if (known !== undefined) return known
  // BullMQ's client type is a narrow interface; it is the ioredis connection the queue was given
  const redis = await deps.queue.client as unknown as Redis
  const sources = capacitySources(redis, deps.config.prefix, deps.queue)
  sourcesByQueue.set(deps.queue, sources)
  return sources
}

/**
 * Refuses a new submission of `tenant` in `lane` when its estimated wait
 * passes the lane's SLA: throws {@link OverCapacity} (503 `over_capacity`)
 * with the seconds until there should be room. A lane without an SLA is
 * never refused here (and costs no Redis read); `GRADER_QUEUE_MAX` stays
 * the hard bound of every lane.
 */
export async function checkCapacity (deps: CapacityDeps, { tenant, lane, fingerprint }: { tenant: string, lane: Lane, fingerprint?: string }): Promise<void> {
  const slaMs = deps.config.slaByLane[lane]
  if (slaMs === null) return
  const sources = await sourcesOf(deps)
  // first: every admission after this one then counts it
  const admission = await sources.admissions?.begin(tenant, lane)
  const promised = fingerprint === undefined ? undefined : await sources.promises?.claim(fingerprint, slaMs * SLA_HEADROOM)
  const reading = await readCapacity(sources, deps.config.slaByLane, admission?.before ?? [])
  // the room promised to clients refused before is held for them
  // A client back at the time it was told has been counted in every estimate since, as a
  // promise ahead of the requests after it: the room it is owed is the room those left it,
  // so it needs less margin for what the estimate cannot see (see CLAIMED_HEADROOM)
  const headroom = promised?.claimed === true ? CLAIMED_HEADROOM : SLA_HEADROOM
  const estimate = estimateLane({ ...reading, depths: [...reading.depths, ...(promised?.ahead ?? [])] }, tenant, lane, headroom)
  if (estimate.accepting) return
  await admission?.withdraw().catch(() => {})
  // told to come back after every client refused before it, so the ones refused together come back spread out
  const behindPromises = promised === undefined
    ? estimate
    : estimateLane({ ...reading, depths: [...reading.depths, ...promised.all] }, tenant, lane)
  const retryAfterS = Math.max(estimate.retryAfterS ?? 1, behindPromises.retryAfterS ?? 1)
  if (fingerprint !== undefined && estimate.estimatedWaitMs !== null) {
    await sources.promises?.promise(tenant, lane, fingerprint, Date.now() + retryAfterS * 1000).catch(() => {})
  }
  const wait = estimate.estimatedWaitMs === null
    ? 'no Docker host can take work right now'
    : `a new ${lane} submission would wait about ${Math.ceil(estimate.estimatedWaitMs / 1000)} s behind ${estimate.ahead} jobs, past its SLA of ${slaMs / 1000} s`
  throw new OverCapacity(retryAfterS, `the grader is over capacity: ${wait}; try again in ${retryAfterS} s`)
}
