import type { Redis } from 'ioredis'
import type { BatchProgress } from '../contracts/batch-schema.js'
import type { SubmissionStore } from './submission-store.js'

/** Records read per MGET while summing a batch up: a regrade may have thousands of members. */
const READ_CHUNK = 500

/**
 * KEYS: the batch hash. ARGV: now ISO.
 * Marks the batch done once every member is (`total` is known, `done`
 * reached it) and reports that to one caller only: `completedAt` is set once.
 */
const FINISH_IF_DONE = `
local total = tonumber(redis.call('HGET', KEYS[1], 'total') or '-1')
local done = tonumber(redis.call('HGET', KEYS[1], 'done') or '0')
if total >= 0 and done >= total and redis.call('HSETNX', KEYS[1], 'completedAt', ARGV[1]) == 1 then return 1 end
return 0`

/** KEYS: batch hash, members. ARGV: now ISO, ttl seconds. One member done. Returns 1 when that finished the batch, -1 when there is no such batch. */
const MEMBER_DONE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
redis.call('HINCRBY', KEYS[1], 'done', 1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
local attached = redis.call('HGET', KEYS[1], 'idempotencyKey')
if attached then redis.call('EXPIRE', attached, ARGV[2]) end
${FINISH_IF_DONE}`

/** KEYS: batch hash. ARGV: now ISO, total, the answer's JSON. The batch's members are all queued: their number is known. */
const SEAL = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
redis.call('HSET', KEYS[1], 'total', ARGV[2], 'answer', ARGV[3])
${FINISH_IF_DONE}`

/** KEYS: batch hash, members. ARGV: now ISO, member, 1 if it was done. A deleted member leaves the batch. */
const FORGET = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('LREM', KEYS[2], 0, ARGV[2]) == 0 then return 0 end
if ARGV[3] == '1' then redis.call('HINCRBY', KEYS[1], 'done', -1) end
local total = tonumber(redis.call('HGET', KEYS[1], 'total') or '-1')
if total >= 0 then redis.call('HSET', KEYS[1], 'total', total - 1) end
${FINISH_IF_DONE}`

/** A `batch.done` webhook to queue: Standard Webhooks' payload `{ type, timestamp, data }`, data = the batch's progress. */
export interface BatchDoneWebhook {
  id: string
  url: string
  logId: string
  payload: { type: 'batch.done', timestamp: string, data: BatchProgress }
  /** Whose secret signs it. */
  tenant?: string
}

/** What a batch is for: plain submissions, or the regrade of a challenge. */
export const BATCH_KINDS = { submissions: 'submissions', regrade: 'regrade' } as const
export type BatchKind = typeof BATCH_KINDS[keyof typeof BATCH_KINDS]

/** A batch as stored (its members' states are read from their own records). */
export interface BatchRecord {
  id: string
  kind: BatchKind
  createdAt: string
  /** Members accepted; absent (-1 stored) while they are still being queued. */
  total?: number
  /** Members done so far. */
  done: number
  /** When the last member was done. */
  completedAt?: string
  /** Called once with the batch when it is done. */
  callbackUrl?: string
  /** Regrades only: the challenge and version graded against. */
  challenge?: string
  version?: string
  /** The tenant whose key made it; absent on batches made before tenants (the bootstrap tenant). */
  tenant?: string
  /** Member submission ids, in the order of the request. */
  members: string[]
}

/**
 * Batches in Redis: `batch:<id>` (a hash: kind, counters, callback) and
 * `batch:<id>:members` (a list of submission ids, in request order). Both
 * expire `ttlS` seconds after the batch was made or a member was last done,
 * so a batch lives as long as its last result.
 *
 * Completion is an atomic counter: each member's first completion adds one
 * to `done` (`memberDone`), `seal` sets `total` once every member is queued,
 * and whichever of them sees `done == total` first is told so, once.
 */
export class BatchStore {
  constructor (private readonly redis: Redis, private readonly prefix: string, private readonly ttlS: number) {}

  key (id: string): string { return `${this.prefix}:batch:${id}` }
  private membersKey (id: string): string { return `${this.key(id)}:members` }

  /** A new batch with no members yet (`total` unknown until `seal`). */
  async create (batch: { id: string, kind: BatchKind, callbackUrl?: string, challenge?: string, version?: string, tenant?: string, submittedBy?: string }, now = new Date()): Promise<void> {
    const fields: Record<string, string> = { kind: batch.kind, createdAt: now.toISOString(), total: '-1', done: '0' }
    if (batch.tenant !== undefined) fields.tenant = batch.tenant
    if (batch.submittedBy !== undefined) fields.submittedBy = batch.submittedBy
    if (batch.callbackUrl !== undefined) fields.callbackUrl = batch.callbackUrl
    if (batch.challenge !== undefined) fields.challenge = batch.challenge
    if (batch.version !== undefined) fields.version = batch.version
    await this.redis.multi().hset(this.key(batch.id), fields).expire(this.key(batch.id), this.ttlS).exec()
  }

  /** Adds a member once it is queued (a member done before it is listed is counted all the same: `done` is a counter). */
  async addMember (id: string, submissionId: string): Promise<void> {
    await this.redis.multi()
      .rpush(this.membersKey(id), submissionId).expire(this.membersKey(id), this.ttlS)
      .exec()
  }

  /** Adds several members at once, in order. */
  async addMembers (id: string, submissionIds: readonly string[]): Promise<void> {
    if (submissionIds.length === 0) return
    await this.redis.multi().rpush(this.membersKey(id), ...submissionIds).expire(this.membersKey(id), this.ttlS).exec()
  }

  /**
   * Every member is queued: fixes `total`, and keeps the answer given (an
   * idempotent replay of the batch gets it again, refused entries included).
   * True when they were all done already (the caller then reports completion).
   */
  async seal (id: string, answer: unknown = null, now = new Date()): Promise<boolean> {
    const members = await this.redis.llen(this.membersKey(id))
    return await this.redis.eval(SEAL, 1, this.key(id), now.toISOString(), members, JSON.stringify(answer)) === 1
  }

  /** Who made a batch (its tenant and key), to answer it only to them; null for an unknown batch. */
  async owner (id: string): Promise<{ tenant?: string, submittedBy?: string } | null> {
    const [kind, tenant, submittedBy] = await this.redis.hmget(this.key(id), 'kind', 'tenant', 'submittedBy')
    if (kind === null) return null
    return { ...(tenant !== null ? { tenant } : {}), ...(submittedBy !== null ? { submittedBy } : {}) }
  }

  /** The answer kept by `seal`; null for an unknown batch or one not sealed yet. */
  async answer (id: string): Promise<unknown> {
    const raw = await this.redis.hget(this.key(id), 'answer')
    return raw === null ? null : JSON.parse(raw) as unknown
  }

  /**
   * Names the `Idempotency-Key` entry that made this batch: it then expires
   * with the batch, from its last member's completion on.
   */
  async attach (id: string, key: string): Promise<void> {
    await this.redis.hset(this.key(id), 'idempotencyKey', key)
  }

  /** A member's first completion. True when it finished the batch (exactly one caller sees true). */
  async memberDone (id: string, now = new Date()): Promise<boolean> {
    return await this.redis.eval(MEMBER_DONE, 2, this.key(id), this.membersKey(id), now.toISOString(), this.ttlS) === 1
  }

  /** A member deleted (`DELETE /v1/submissions/:id`) leaves the batch. True when that finished the batch. */
  async forget (id: string, submissionId: string, wasDone: boolean, now = new Date()): Promise<boolean> {
    return await this.redis.eval(FORGET, 2, this.key(id), this.membersKey(id), now.toISOString(), submissionId, wasDone ? '1' : '0') === 1
  }

  async get (id: string): Promise<BatchRecord | null> {
    const [hash, members] = await Promise.all([this.redis.hgetall(this.key(id)), this.redis.lrange(this.membersKey(id), 0, -1)])
    if (hash.kind === undefined) return null
    const total = Number(hash.total ?? -1)
    return {
      id,
      kind: hash.kind as BatchKind,
      createdAt: hash.createdAt ?? '',
      ...(total >= 0 ? { total } : {}),
      done: Number(hash.done ?? 0),
      ...(hash.completedAt !== undefined ? { completedAt: hash.completedAt } : {}),
      ...(hash.callbackUrl !== undefined ? { callbackUrl: hash.callbackUrl } : {}),
      ...(hash.challenge !== undefined ? { challenge: hash.challenge } : {}),
      ...(hash.version !== undefined ? { version: hash.version } : {}),
      ...(hash.tenant !== undefined ? { tenant: hash.tenant } : {}),
      members,
    }
  }

  /**
   * A batch's progress from its record and its members' own records (as
   * `GET /v1/batches/:id` answers it and the `batch.done` webhook carries
   * it). A member whose record is gone (expired, deleted) is left out.
   */
  async progress (id: string, store: SubmissionStore): Promise<BatchProgress | null> {
    const batch = await this.get(id)
    if (batch === null) return null
    const counts = { queued: 0, running: 0, done: 0, pass: 0, fail: 0, error: 0 }
    const submissions: BatchProgress['submissions'] = []
    for (let i = 0; i < batch.members.length; i += READ_CHUNK) {
      for (const member of await store.getMany(batch.members.slice(i, i + READ_CHUNK))) {
        if (member === null) continue
        counts[member.state]++
        const status = member.result?.status
        if (status !== undefined) counts[status]++
        submissions.push({
          id: member.id,
          state: member.state,
          ...(status !== undefined ? { status } : {}),
          ...(member.regradeOf !== undefined ? { regradeOf: member.regradeOf } : {}),
        })
      }
    }
    return {
      id,
      kind: batch.kind,
      state: batch.completedAt !== undefined ? 'done' : 'running',
      createdAt: batch.createdAt,
      ...(batch.completedAt !== undefined ? { completedAt: batch.completedAt } : {}),
      total: batch.total ?? batch.members.length,
      done: batch.done,
      counts,
      ...(batch.challenge !== undefined ? { challenge: batch.challenge, version: batch.version } : {}),
      submissions,
    }
  }

  /**
   * The `batch.done` webhook of a finished batch with a `callbackUrl`, in the
   * shape `DeliveryQueue.enqueue` takes; null when it has none. Its id is
   * fixed per batch (`msg_batch_<id>`), so queueing it twice sends it once.
   */
  async doneWebhook (id: string, store: SubmissionStore, now = new Date()): Promise<BatchDoneWebhook | null> {
    const batch = await this.get(id)
    if (batch?.callbackUrl === undefined) return null
    const progress = await this.progress(id, store)
    if (progress === null) return null
    return {
      id: `msg_batch_${id}`, url: batch.callbackUrl, logId: id, payload: { type: 'batch.done', timestamp: now.toISOString(), data: progress },
      ...(batch.tenant !== undefined ? { tenant: batch.tenant } : {}),
    }
  }
}
