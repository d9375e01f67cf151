import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'

/** The signing secret in use, and whether it was generated rather than configured. */
export interface WebhookSecret {
  secret: string
  /** Generated and kept in Redis at `redisKey` because `GRADER_WEBHOOK_SECRET` is unset. */
  generated: boolean
  redisKey: string
}

/**
 * `GRADER_WEBHOOK_SECRET` when set; otherwise the one kept in Redis, generated (32 random
 * bytes) by whichever process needs it first. Never unsigned: every API process of a grader
 * signs with the same secret, so receivers keep one.
 */
export async function resolveWebhookSecret (redis: Redis, prefix: string, configured: string | undefined): Promise<WebhookSecret> {
  const redisKey = `${prefix}:webhook-secret`
  if (configured !== undefined) return { secret: configured, generated: false, redisKey }
  // NX: two processes starting at once keep the first one's secret
  await redis.set(redisKey, `whsec_${randomBytes(32).toString('base64')}`, 'NX')
  const secret = await redis.get(redisKey)
  if (secret === null) throw new Error(`the webhook secret at ${redisKey} vanished while it was read`)
  return { secret, generated: true, redisKey }
}
