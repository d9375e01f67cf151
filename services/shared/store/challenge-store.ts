import type { Redis } from 'ioredis'
import type { Challenge, ChallengeRequest } from '../contracts/challenge-schema.js'
import { tenantKeyPrefix } from './tenant-scope.js'

/** KEYS: version, latest, versions. ARGV: value, version, created ms. Returns 1 when the version is new. */
const PUT_VERSION = `
local created = redis.call('SET', KEYS[1], ARGV[1], 'NX')
redis.call('SET', KEYS[2], ARGV[2])
if created then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2]) return 1 end
return 0`

/**
 * KEYS: the (challenge, student) set. ARGV: now ms, window ms, max, member.
 * Returns {1} when admitted, {0, oldest ms} when the window is full.
 */
const TAKE_FEEDBACK = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2])}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return {1}`

/** What a feedback-budget check answers. */
export type FeedbackDecision = { admitted: true } | { admitted: false, retryAfterS: number }

/** One entry of `GET /v1/challenges/:id/versions`. */
export interface ChallengeVersion { version: string, createdAt: string }

/**
 * Challenges kept in Redis under the grader's prefix: one JSON value per
 * version (`challenge:<id>:v:<version>`, never overwritten: a version is a
 * content hash), a `latest` pointer, and a sorted set of versions by
 * creation time. Challenges do not expire.
 *
 * Also keeps the feedback budget: one sorted set of submission timestamps
 * per (challenge, student).
 *
 * A store belongs to one tenant (the bootstrap tenant unless given): its
 * keys live under the tenant's prefix (`tenantKeyPrefix`), so the same id
 * names a different challenge in each tenant. `inTenant` gives another
 * tenant's store.
 */
export class ChallengeStore {
  private readonly prefix: string
  constructor (private readonly redis: Redis, private readonly graderPrefix: string, tenant?: string) {
    this.prefix = tenantKeyPrefix(graderPrefix, tenant)
  }

  /** The challenges of `tenant` (undefined: the bootstrap tenant, for records made before tenants). */
  inTenant (tenant: string | undefined): ChallengeStore {
    return new ChallengeStore(this.redis, this.graderPrefix, tenant)
  }

  private key (id: string): string { return `${this.prefix}:challenge:${id}` }
  private versionKey (id: string, version: string): string { return `${this.key(id)}:v:${version}` }

  /** Stores a version (idempotent: the same content keeps its first `createdAt`) and makes it the latest. */
  async put (id: string, version: string, body: ChallengeRequest, now = new Date()): Promise<Challenge> {
    const challenge: Challenge = { id, version, createdAt: now.toISOString(), ...body }
    await this.redis.eval(PUT_VERSION, 3, this.versionKey(id, version), `${this.key(id)}:latest`, `${this.key(id)}:versions`,
      JSON.stringify(challenge), version, now.getTime())
    return (await this.get(id, version)) ?? challenge
  }

  /** A version, or the latest when `version` is omitted; null when there is none. */
  async get (id: string, version?: string): Promise<Challenge | null> {
    const wanted = version ?? await this.redis.get(`${this.key(id)}:latest`)
    if (wanted === null) return null
    const raw = await this.redis.get(this.versionKey(id, wanted))
    return raw === null ? null : JSON.parse(raw) as Challenge
  }

  /** Every version, oldest first; empty when the challenge does not exist. */
  async versions (id: string): Promise<ChallengeVersion[]> {
    const flat = await this.redis.zrange(`${this.key(id)}:versions`, 0, -1, 'WITHSCORES')
    const out: ChallengeVersion[] = []
    for (let i = 0; i < flat.length; i += 2) out.push({ version: flat[i] as string, createdAt: new Date(Number(flat[i + 1])).toISOString() })
    return out
  }

  /** Removes every version; false when there was none. */
  async remove (id: string): Promise<boolean> {
    const versions = await this.redis.zrange(`${this.key(id)}:versions`, 0, -1)
    const removed = await this.redis.del(`${this.key(id)}:latest`, `${this.key(id)}:versions`, ...versions.map(v => this.versionKey(id, v)))
    return removed > 0
  }

  /**
   * Counts one submission of `student` to `challengeId` against a budget of
   * `max` per `windowS` seconds, atomically; refused submissions are not counted.
   */
  async takeFeedback (challengeId: string, student: string, budget: { max: number, windowS: number }, member: string, nowMs = Date.now()): Promise<FeedbackDecision> {
    const windowMs = budget.windowS * 1000
    const answer = await this.redis.eval(TAKE_FEEDBACK, 1, `${this.prefix}:feedback:${challengeId}:${student}`,
      nowMs, windowMs, budget.max, member) as number[]
    if (answer[0] === 1) return { admitted: true }
    const oldest = answer[1] ?? nowMs
    return { admitted: false, retryAfterS: Math.max(1, Math.ceil((oldest + windowMs - nowMs) / 1000)) }
  }
}
