import type { Redis } from 'ioredis'
import type { Result, Submission } from '../contracts/submission-schema.js'

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
    await this.redis.set(this.key(id), JSON.stringify({ ...current, state: 'running' }), 'EX', this.ttlS)
  }

  /**
   * Records the result and announces it. Only the first completion counts:
   * the client sees a submission graded exactly once even if a job is
   * retried after a worker died between grading and acknowledging.
   */
  async complete (id: string, result: Result): Promise<boolean> {
    // Claim the completion atomically: two workers finishing the same job
    // (one presumed dead, then back) cannot both record a result.
    const claimed = await this.redis.set(`${this.key(id)}:completed`, '1', 'EX', this.ttlS, 'NX')
    if (claimed !== 'OK') return false
    const current = await this.get(id)
    if (current === null) return false
    await this.redis.set(this.key(id), JSON.stringify({ ...current, state: 'done', result }), 'EX', this.ttlS)
    await this.redis.publish(this.doneChannel, id)
    return true
  }
}
