import type { Redis } from 'ioredis'
import type { Result, Submission } from '../contracts/submission-schema.js'

/** KEYS: submission, completion claim. ARGV: new value, ttl seconds. */
const SET_UNLESS_COMPLETED = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`

/** KEYS: submission, completion claim. ARGV: done value, ttl seconds, channel, id. */
const COMPLETE_ONCE = `
if not redis.call('SET', KEYS[2], '1', 'EX', ARGV[2], 'NX') then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1`

/**
 * Submissions as the API answers them, kept in Redis (one JSON value per
 * submission) so any API process can answer for any worker. Files and tests
 * are not kept here: they live only in the queued job.
 *
 * Completion is announced on one pub/sub channel (message = submission id),
 * so an API process holding `?wait=true` requests needs one subscription,
 * not one per request.
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

  async create (submission: Submission): Promise<void> {
    await this.redis.set(this.key(submission.id), JSON.stringify(submission), 'EX', this.ttlS, 'NX')
  }

  async get (id: string): Promise<Submission | null> {
    const raw = await this.redis.get(this.key(id))
    return raw === null ? null : JSON.parse(raw) as Submission
  }

  async remove (id: string): Promise<void> {
    await this.redis.del(this.key(id))
  }

  /** queued → running. A submission already done is left alone (a retried job never un-finishes it). */
  async markRunning (id: string): Promise<void> {
    const current = await this.get(id)
    if (current === null || current.state === 'done') return
    // Written only if no completion was claimed meanwhile (checked in the same atomic step).
    await this.redis.eval(SET_UNLESS_COMPLETED, 2, this.key(id), this.completedKey(id),
      JSON.stringify({ ...current, state: 'running' }), this.ttlS)
  }

  /**
   * Records the result and announces it. Only the first completion counts:
   * the client sees a submission graded exactly once even if a job is
   * retried after a worker died between grading and acknowledging. The claim,
   * the write and the announcement are one atomic step, so a failure between
   * them cannot leave a claimed submission without its result.
   */
  async complete (id: string, result: Result): Promise<boolean> {
    const current = await this.get(id)
    if (current === null) return false
    const done = await this.redis.eval(COMPLETE_ONCE, 2, this.key(id), this.completedKey(id),
      JSON.stringify({ ...current, state: 'done', result }), this.ttlS, this.doneChannel, id)
    return done === 1
  }

  private completedKey (id: string): string { return `${this.key(id)}:completed` }
}
