import type { Redis } from 'ioredis'
import type { GradingJob } from '../contracts/job-schema.js'
import { BOOTSTRAP_TENANT, DEFAULT_LANE, LANES, type Lane } from '../contracts/vocabulary.js'
import { ACK, ADD, ARRIVAL_BUCKET_S, ARRIVAL_BUCKETS, PICK, RECLAIM, REMOVE } from './fair-scripts.js'

/** Pending jobs of one tenant in one lane. */
export interface FairDepth { tenant: string, lane: Lane, pending: number }

/** A job taken out of the fair queue, now admitting: on its way into BullMQ's `grading`. */
export interface PickedJob { job: GradingJob, tenant: string, lane: Lane }

/**
 * The fair queue in front of BullMQ's `grading` queue. Jobs wait here, per
 * tenant and lane, until a worker has a free slot; then its feeder
 * ({@link pick}) takes the next one, weighted fair across tenants (stride
 * scheduling: see fair-scripts.ts), lanes strictly by priority within a
 * tenant, `regrade` only when no other lane of any tenant has work, and adds
 * it to `grading`, where it runs as any job (locks, retries, stalls).
 *
 * A pick moves the job to an admitting record that {@link ack} clears once
 * it is in BullMQ; {@link reclaim} hands back admitting jobs older than a few
 * seconds, so a feeder that died in between loses nothing (BullMQ's add with
 * the submission id as job id makes the second add a no-op).
 */
export class FairQueue {
  /** Key base of every key of this queue. */
  private readonly base: string
  /** Pub/sub channel of wake-ups: a job was added. Feeders subscribe to it. */
  readonly wakeChannel: string

  constructor (private readonly redis: Redis, prefix: string) {
    this.base = `${prefix}:fair`
    this.wakeChannel = `${prefix}:fair:wake`
  }

  /**
   * Puts a job in its tenant's lane (`job.tenant ?? BOOTSTRAP_TENANT`,
   * `job.lane ?? DEFAULT_LANE`); `weight` = the tenant's weight (> 0),
   * remembered per tenant. Publishes a wake-up for feeders. Adding a
   * submission id that is already waiting does nothing.
   */
  async add (job: GradingJob, weight: number, nowMs = Date.now()): Promise<void> {
    checkWeight(weight)
    await this.redis.eval(ADD, 0, this.base, job.submissionId, job.tenant ?? BOOTSTRAP_TENANT, job.lane ?? DEFAULT_LANE,
      String(weight), JSON.stringify(job), this.wakeChannel, String(arrivalBucket(nowMs)))
  }

  /**
   * Jobs added per tenant and lane over the last minute (the last
   * {@link ARRIVAL_BUCKETS} buckets of {@link ARRIVAL_BUCKET_S} s, the
   * current one included), as `pending` of a {@link FairDepth}: each
   * tenant's arrival rate per minute.
   */
  async arrivals (nowMs = Date.now()): Promise<FairDepth[]> {
    const last = arrivalBucket(nowMs)
    const pipeline = this.redis.pipeline()
    for (let b = last - ARRIVAL_BUCKETS + 1; b <= last; b++) pipeline.hgetall(`${this.base}:arrivals:${b}`)
    const counts = new Map<string, FairDepth>()
    for (const [err, raw] of (await pipeline.exec()) ?? []) {
      if (err !== null) throw err
      for (const [field, n] of Object.entries(raw as Record<string, string>)) {
        const [tenant, lane] = field.split('\t') as [string, Lane]
        if (!(LANES as readonly string[]).includes(lane)) continue
        const seen = counts.get(field) ?? { tenant, lane, pending: 0 }
        seen.pending += Number(n) || 0
        counts.set(field, seen)
      }
    }
    return [...counts.values()]
  }

  /** Removes a pending job (DELETE of a queued submission); true when it was pending. */
  async remove (submissionId: string): Promise<boolean> {
    return await this.redis.eval(REMOVE, 0, this.base, submissionId) === 1
  }

  /** Pending jobs per tenant and lane (only non-zero ones), tenants in name order, lanes highest first. */
  async depths (): Promise<FairDepth[]> {
    const tenants = (await this.redis.hkeys(`${this.base}:weights`)).sort()
    if (tenants.length === 0) return []
    const pipeline = this.redis.pipeline()
    for (const tenant of tenants) for (const lane of LANES) pipeline.zcard(this.laneKey(lane, tenant))
    const counts = (await pipeline.exec()) ?? []
    const depths: FairDepth[] = []
    let i = 0
    for (const tenant of tenants) {
      for (const lane of LANES) {
        const [err, pending] = counts[i++] ?? [null, 0]
        if (err !== null) throw err
        if (typeof pending === 'number' && pending > 0) depths.push({ tenant, lane, pending })
      }
    }
    return depths
  }

  /** A job still in the fair queue (pending or admitting), or undefined once it is in BullMQ or gone. */
  async job (submissionId: string): Promise<GradingJob | undefined> {
    const raw = await this.redis.hget(`${this.base}:jobs`, submissionId)
    return raw === null ? undefined : JSON.parse(raw) as GradingJob
  }

  /** Tenant weights as remembered (tenant → weight). */
  async weights (): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(`${this.base}:weights`)
    return Object.fromEntries(Object.entries(raw).map(([tenant, w]) => [tenant, Number(w)]))
  }

  /** Sets a tenant's weight; its next picks use it. */
  async setWeight (tenant: string, weight: number): Promise<void> {
    checkWeight(weight)
    await this.redis.hset(`${this.base}:weights`, tenant, String(weight))
  }

  /**
   * Takes the next job by the fair order and marks it admitting; undefined
   * when nothing is pending. The caller adds it to BullMQ, then calls
   * {@link ack}. With `only`, a live lane, it takes the next job of that
   * lane only (for a slot no other lane may use), in the tenants' fair order.
   */
  async pick (now = Date.now(), only?: Exclude<Lane, 'regrade'>): Promise<PickedJob | undefined> {
    const answer = await this.redis.eval(PICK, 0, this.base, String(now), only ?? '') as [string, string, string, Lane] | null
    if (answer === null) return undefined
    const [id, payload, tenant, lane] = answer
    if (payload === '') {
      // never expected (the JSON leaves only with the admitting record): drop the empty record
      await this.ack(id)
      return await this.pick(now, only)
    }
    return { job: JSON.parse(payload) as GradingJob, tenant, lane }
  }

  /** The picked job is in BullMQ: forgets its admitting record. True when there was one. */
  async ack (submissionId: string): Promise<boolean> {
    return await this.redis.eval(ACK, 0, this.base, submissionId) === 1
  }

  /**
   * Admitting jobs picked more than `olderThanMs` ago, at most `limit`: their
   * feeder did not ack them (it died, or lost Redis, between pick and add).
   * Each is stamped now, so a concurrent sweep does not take it too.
   */
  async reclaim (olderThanMs: number, limit = 100, now = Date.now()): Promise<GradingJob[]> {
    const flat = await this.redis.eval(RECLAIM, 0, this.base, String(now), String(now - olderThanMs), String(limit)) as string[]
    const jobs: GradingJob[] = []
    for (let i = 0; i + 1 < flat.length; i += 2) jobs.push(JSON.parse(flat[i + 1]!) as GradingJob)
    return jobs
  }

  /** Jobs picked and not yet acknowledged. */
  async admitting (): Promise<number> {
    return await this.redis.zcard(`${this.base}:admitting`)
  }

  private laneKey (lane: Lane, tenant: string): string { return `${this.base}:q:${lane}:${tenant}` }
}

function arrivalBucket (nowMs: number): number { return Math.floor(nowMs / 1000 / ARRIVAL_BUCKET_S) }

function checkWeight (weight: number): void {
  if (!Number.isFinite(weight) || weight <= 0) throw new RangeError(`a tenant's weight must be a finite number above 0, not ${weight}`)
}
