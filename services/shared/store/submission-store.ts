import type { Redis } from 'ioredis'
import type { KeptFiles, Result, Submission } from '../contracts/submission-schema.js'
import { tenantKeyPrefix } from './tenant-scope.js'

/**
 * KEYS: submission, completion claim. ARGV: new value, ttl seconds.
 * Written only while the record exists (a deleted submission is never
 * recreated) and no completion was claimed.
 */
const SET_UNLESS_COMPLETED = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`

/**
 * KEYS: submission, completion claim, files, regrades, attached set, challenge index (or the submission again).
 * ARGV: done value, ttl seconds, channel, id, index score (expiry ms, or '' for none), now ms.
 * The result of a submission deleted meanwhile is dropped. Everything kept
 * beside the record expires with it, counted from the completion.
 */
const COMPLETE_ONCE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if not redis.call('SET', KEYS[2], '1', 'EX', ARGV[2], 'NX') then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[2])
redis.call('EXPIRE', KEYS[4], ARGV[2])
for _, key in ipairs(redis.call('SMEMBERS', KEYS[5])) do redis.call('EXPIRE', key, ARGV[2]) end
redis.call('EXPIRE', KEYS[5], ARGV[2])
if ARGV[5] ~= '' then
  redis.call('ZADD', KEYS[6], 'XX', ARGV[5], ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', ARGV[6])
  redis.call('EXPIRE', KEYS[6], ARGV[2])
end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1`

/**
 * KEYS: submission, a key beside it. ARGV: command ('RPUSH' or 'SADD'), member.
 * Adds to a key kept beside a submission, expiring with the record; nothing
 * when the record is gone.
 */
const ADD_BESIDE = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return 0 end
redis.call(ARGV[1], KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ttl)
return 1`

/**
 * Submissions as the API answers them, kept in Redis so any API process can
 * answer for any worker. Per submission:
 *
 * - `submission:<id>`: the record, as JSON;
 * - `…:completed`: the completion claim;
 * - `…:files`: the files (and the tests of a submission that sent its own),
 *   kept so a challenge's submissions can be graded again (regrade);
 * - `…:regrades`: ids of the submissions that graded it again, oldest first;
 * - `…:attached`: names of other keys holding its data (an idempotency
 *   entry), so they expire and are deleted with it;
 * - `…:progress`: the worker's last progress update (`SubmissionProgress`,
 *   which expires by itself), deleted with it too.
 *
 * and `challenge-submissions:<challenge id>`, a sorted set of a challenge's
 * submissions (regrades excluded) scored by when they expire.
 *
 * All of it expires `ttlS` seconds after the submission was created, then
 * again after it finished. Completion is announced on one pub/sub channel
 * (message = submission id), so an API process holding `?wait=true` requests
 * needs one subscription, not one per request.
 */
export class SubmissionStore {
  constructor (
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Seconds a submission stays readable after it was created or finished. */
    private readonly ttlS: number,
  ) {}

  key (id: string): string { return `${this.prefix}:submission:${id}` }
  get doneChannel (): string { return `${this.prefix}:submission-done` }

  /**
   * Stores a new submission and, when given, its files. A challenge
   * submission (not a regrade) joins the challenge's index.
   */
  async create (submission: Submission, kept?: KeptFiles): Promise<void> {
    const tx = this.redis.multi().set(this.key(submission.id), JSON.stringify(submission), 'EX', this.ttlS, 'NX')
    if (kept !== undefined) tx.set(this.filesKey(submission.id), JSON.stringify(kept), 'EX', this.ttlS)
    if (submission.challenge !== undefined && submission.regradeOf === undefined) {
      const index = this.challengeIndexKey(submission.challenge, submission.tenant)
      // every write pushes the index's expiry to now + ttl, past every member's,
      // and drops the members expired meanwhile: no id outlives its submission here
      tx.zadd(index, Date.now() + this.ttlS * 1000, submission.id).zremrangebyscore(index, '-inf', Date.now()).expire(index, this.ttlS)
    }
    await tx.exec()
  }

  /** The record, with the ids of its regrades when it has any. */
  async get (id: string): Promise<Submission | null> {
    const [raw, regrades] = await Promise.all([this.redis.get(this.key(id)), this.redis.lrange(this.regradesKey(id), 0, -1)])
    if (raw === null) return null
    const submission = JSON.parse(raw) as Submission
    return regrades.length > 0 ? { ...submission, regrades } : submission
  }

  /** Several records at once (one MGET), in order; null for one expired or deleted. Regrade lists are not read. */
  async getMany (ids: readonly string[]): Promise<Array<Submission | null>> {
    if (ids.length === 0) return []
    const raws = await this.redis.mget(...ids.map(id => this.key(id)))
    return raws.map(raw => (raw === null ? null : JSON.parse(raw) as Submission))
  }

  /** The files kept for a regrade; null once expired or deleted. */
  async files (id: string): Promise<KeptFiles | null> {
    const raw = await this.redis.get(this.filesKey(id))
    return raw === null ? null : JSON.parse(raw) as KeptFiles
  }

  /** Ids of a challenge's live submissions (regrades excluded), oldest first. */
  async challengeSubmissions (challengeId: string, tenant?: string, nowMs = Date.now()): Promise<string[]> {
    const index = this.challengeIndexKey(challengeId, tenant)
    await this.redis.zremrangebyscore(index, '-inf', nowMs)
    return await this.redis.zrange(index, 0, -1)
  }

  /** Records that `regradeId` graded `originalId` again; nothing when the original is gone. */
  async addRegrade (originalId: string, regradeId: string): Promise<void> {
    await this.redis.eval(ADD_BESIDE, 2, this.key(originalId), this.regradesKey(originalId), 'RPUSH', regradeId)
  }

  /**
   * Names another key that holds this submission's data (an idempotency
   * entry, a delivery log): it then expires with the record, from its
   * completion on, and `purge` deletes it. Nothing when the record is gone.
   */
  async attach (id: string, key: string): Promise<void> {
    await this.redis.eval(ADD_BESIDE, 2, this.key(id), this.attachedKey(id), 'SADD', key)
  }

  /** Removes the record only (a submission that could not be queued). */
  async remove (id: string): Promise<void> {
    await this.redis.del(this.key(id))
  }

  /**
   * Deletes everything kept of a submission: the record, its files, its
   * claim, the list of its regrades, every attached key, its place in the
   * challenge index and in the list of its original's regrades. Returns the
   * record as it was, or null when there was none. A worker grading it now
   * finds no record when it completes, and stores nothing.
   */
  async purge (id: string): Promise<Submission | null> {
    const submission = await this.get(id)
    if (submission === null) return null
    const attached = await this.redis.smembers(this.attachedKey(id))
    // `:progress` is the worker's last progress update (SubmissionProgress)
    const tx = this.redis.multi().del(this.key(id), this.completedKey(id), this.filesKey(id), this.regradesKey(id), this.attachedKey(id),
      `${this.key(id)}:progress`, ...attached)
    if (submission.challenge !== undefined) tx.zrem(this.challengeIndexKey(submission.challenge, submission.tenant), id)
    if (submission.regradeOf !== undefined) tx.lrem(this.regradesKey(submission.regradeOf), 0, id)
    await tx.exec()
    return submission
  }

  /** queued → running. A submission already done is left alone (a retried job never un-finishes it). */
  async markRunning (id: string): Promise<void> {
    const current = await this.get(id)
    if (current === null || current.state === 'done') return
    const { regrades: _regrades, ...record } = current
    await this.redis.eval(SET_UNLESS_COMPLETED, 2, this.key(id), this.completedKey(id),
      JSON.stringify({ ...record, state: 'running' }), this.ttlS)
  }

  /**
   * Records the result and announces it. Only the first completion counts:
   * the client sees a submission graded exactly once even if a job is
   * retried after a worker died between grading and acknowledging. The claim,
   * the write and the announcement are one atomic step, so a failure between
   * them cannot leave a claimed submission without its result. A submission
   * deleted meanwhile stays deleted: false.
   */
  async complete (id: string, result: Result): Promise<boolean> {
    const current = await this.get(id)
    if (current === null) return false
    const { regrades: _regrades, ...record } = current
    const indexed = record.challenge !== undefined && record.regradeOf === undefined
    const done = await this.redis.eval(COMPLETE_ONCE, 6, this.key(id), this.completedKey(id), this.filesKey(id),
      this.regradesKey(id), this.attachedKey(id), indexed ? this.challengeIndexKey(record.challenge as string, record.tenant) : this.key(id),
      JSON.stringify({ ...record, state: 'done', result }), this.ttlS, this.doneChannel, id,
      indexed ? String(Date.now() + this.ttlS * 1000) : '', Date.now())
    return done === 1
  }

  private completedKey (id: string): string { return `${this.key(id)}:completed` }
  private filesKey (id: string): string { return `${this.key(id)}:files` }
  private regradesKey (id: string): string { return `${this.key(id)}:regrades` }
  private attachedKey (id: string): string { return `${this.key(id)}:attached` }
  /** Per tenant, as challenge ids are (`tenantKeyPrefix`). */
  private challengeIndexKey (challengeId: string, tenant: string | undefined): string { return `${tenantKeyPrefix(this.prefix, tenant)}:challenge-submissions:${challengeId}` }
}
