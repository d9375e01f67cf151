import type { Redis } from 'ioredis'
import { Type, type Static } from 'typebox'

/** One webhook attempt, as `GET /v1/submissions/:id/deliveries` lists it. */
export const DeliveryAttemptSchema = Type.Object({
  /** 1 for the first attempt. */
  attempt: Type.Integer({ minimum: 1 }),
  webhookId: Type.String(),
  /** When the attempt started (ISO 8601). */
  at: Type.String({ format: 'date-time' }),
  /** The URL answered last (after redirects). */
  url: Type.String(),
  /** HTTP status of the last answer; absent when none came (see `error`). */
  statusCode: Type.Optional(Type.Integer()),
  /** Why the attempt failed without an answer, or why its answer did not count. */
  error: Type.Optional(Type.String()),
  /** Connect to last answer, redirects included, in ms. */
  durationMs: Type.Number(),
  /** When the next attempt is due (ISO 8601); absent once delivered or given up. */
  nextAttemptAt: Type.Optional(Type.String({ format: 'date-time' })),
})
export type DeliveryAttempt = Static<typeof DeliveryAttemptSchema>

/** Most attempts kept per log: far above one delivery's schedule, a bound on a shared log. */
const MAX_ENTRIES = 200

/**
 * Every attempt of the deliveries of one submission (or batch), as a Redis list kept as long
 * as results are (`GRADER_RESULT_TTL_S` after its last attempt).
 */
export class DeliveryLog {
  constructor (private readonly redis: Redis, private readonly prefix: string, private readonly ttlS: number) {}

  key (logId: string): string { return `${this.prefix}:deliveries-log:${logId}` }

  async record (logId: string, attempt: DeliveryAttempt): Promise<void> {
    const key = this.key(logId)
    await this.redis.multi().rpush(key, JSON.stringify(attempt)).ltrim(key, -MAX_ENTRIES, -1).expire(key, this.ttlS).exec()
  }

  /** Oldest first. */
  async read (logId: string): Promise<DeliveryAttempt[]> {
    return (await this.redis.lrange(this.key(logId), 0, -1)).map(raw => JSON.parse(raw) as DeliveryAttempt)
  }
}
