import { createHash, randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { LANES, type Lane } from '../shared/contracts/vocabulary.js'
import { MAX_RETRY_AFTER_S, type LaneDepth } from './capacity-estimate.js'

/**
 * What a `Retry-After` promised. Without it, every client refused in the
 * same second is told the same second, comes back together with the ones
 * arriving fresh then, and most are refused again (the exam bench measured
 * 1 % accepted at the try after honouring the header). So each refusal is
 * a promise, kept in Redis for every API process: a sorted set scored by
 * the time the client was told to come back, members naming tenant, lane
 * and the request's fingerprint.
 *
 * - A new request counts every promise of its lane's window (due before it
 *   could be graded within the SLA) as a job ahead of it, by tenant and lane
 *   as the queue is counted: the room a promise was given is held for it.
 * - A request that matches a promise due now (same fingerprint) claims it,
 *   and counts only the promises due before its own: it goes before the
 *   ones refused after it.
 * - A refused request is told to come back after every promise before it
 *   (all of them count in its Retry-After), so promises are spread over the
 *   seconds at the grading rate instead of piled on one.
 * - A promise nobody claimed is forgotten {@link PROMISE_GRACE_MS} after it
 *   fell due: the client gave up, or came with another body.
 */

/** A client may come back this much before its Retry-After (clocks, rounding) and still claim its promise. */
export const PROMISE_EARLY_MS = 1_000
/** A promise not claimed this long after it fell due is forgotten, and the room it held is free. */
export const PROMISE_GRACE_MS = 5_000

/** Promises counted for one request, per tenant and lane (the queue's `LaneDepth` shape). */
export interface PromisesAhead {
  /** Whether the request claimed a promise made to it. */
  claimed: boolean
  /** Promises whose room is held before this request: what its admission counts. */
  ahead: LaneDepth[]
  /** Every outstanding promise before this request: what its Retry-After counts, if refused. */
  all: LaneDepth[]
}

/**
 * Removes the expired promises, claims one of this fingerprint due now, and
 * counts the others per tenant and lane, in one step (so two API processes
 * never both claim one promise, nor count one just claimed).
 * KEYS[1] the set; ARGV: fingerprint, now, early, grace, horizon (ms).
 * Returns [claimed (0/1), then per tenant and lane: tenant, lane, ahead, all].
 */
const CLAIM = `
local key, fp = KEYS[1], ARGV[1]
local now, early, grace, horizon = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (now - grace))
local mine, mineScore = nil, nil
local due = redis.call('ZRANGEBYSCORE', key, '-inf', now + early, 'WITHSCORES')
for i = 1, #due, 2 do
  local t, l, f = string.match(due[i], '^([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t')
  if f == fp then mine, mineScore = due[i], tonumber(due[i + 1]); break end
end
if mine then redis.call('ZREM', key, mine) end
local limit = mineScore and mineScore or (now + horizon)
local counts, order = {}, {}
local all = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
for i = 1, #all, 2 do
  local t, l = string.match(all[i], '^([^\\t]*)\\t([^\\t]*)\\t')
  if t then
    local id = t .. '\\t' .. l
    local c = counts[id]
    if not c then c = { t, l, 0, 0 }; counts[id] = c; order[#order + 1] = id end
    local score = tonumber(all[i + 1])
    if (not mineScore or score < mineScore) and score <= limit then c[3] = c[3] + 1 end
    if not mineScore or score < mineScore then c[4] = c[4] + 1 end
  end
end
local out = { mine and 1 or 0 }
for _, id in ipairs(order) do
  local c = counts[id]
  out[#out + 1] = c[1]; out[#out + 1] = c[2]; out[#out + 1] = c[3]; out[#out + 1] = c[4]
end
return out
`

/** The same request, as far as a promise goes: tenant, key, and a digest of what it submits. */
export function requestFingerprint (parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32)
}

/** The promises `Retry-After` made, in Redis; see the file's comment. */
export class RetryPromises {
  private readonly key: string
  constructor (private readonly redis: Redis, prefix: string) { this.key = `${prefix}:capacity:promised` }

  /**
   * Claims this fingerprint's promise when one is due at `nowMs`, and counts
   * the others. `horizonMs`: how far ahead a promise holds room against a
   * new request (the lane's accepting limit).
   */
  async claim (fingerprint: string, horizonMs: number, nowMs = Date.now()): Promise<PromisesAhead> {
    const reply = await this.redis.eval(CLAIM, 1, this.key, fingerprint, nowMs, PROMISE_EARLY_MS, PROMISE_GRACE_MS, Math.max(0, Math.round(horizonMs))) as Array<string | number>
    const ahead: LaneDepth[] = []
    const all: LaneDepth[] = []
    for (let i = 1; i + 3 < reply.length; i += 4) {
      const tenant = String(reply[i])
      const lane = String(reply[i + 1]) as Lane
      if (!(LANES as readonly string[]).includes(lane)) continue
      const nAhead = Number(reply[i + 2])
      const nAll = Number(reply[i + 3])
      if (nAhead > 0) ahead.push({ tenant, lane, pending: nAhead })
      if (nAll > 0) all.push({ tenant, lane, pending: nAll })
    }
    return { claimed: Number(reply[0]) === 1, ahead, all }
  }

  /** The promises that hold room against a new request now, without claiming any (what `GET /v1/capacity` counts). */
  async held (horizonMs: number, nowMs = Date.now()): Promise<LaneDepth[]> {
    // no fingerprint is '-': nothing is claimed
    return (await this.claim('-', horizonMs, nowMs)).ahead
  }

  /** Promises a client of `tenant` in `lane` room once `dueMs` comes. */
  async promise (tenant: string, lane: Lane, fingerprint: string, dueMs: number): Promise<void> {
    // tabs cannot be in a tenant id, a lane or a hex digest: the Lua splits on them
    const member = [tenant, lane, fingerprint, randomUUID()].join('\t')
    await this.redis.multi()
      .zadd(this.key, dueMs, member)
      // the longest promise is MAX_RETRY_AFTER_S away: past that and its grace, the set holds nothing live
      .pexpire(this.key, MAX_RETRY_AFTER_S * 1000 + PROMISE_GRACE_MS * 2)
      .exec()
  }
}
