import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { Value } from 'typebox/value'
import type { Config } from '../shared/config/config.js'
import type { Submission } from '../shared/contracts/submission-schema.js'
import { DELIVERY_QUEUE_NAME, DeliveryJobSchema, WebhookPayloadSchema, type DeliveryJob, type WebhookPayload } from './delivery-job-schema.js'
import { retryDelaysMs } from './delivery-schedule.js'

/** An arbitrary signed delivery, e.g. `{"type":"batch.done",…}` once a batch is done. */
export interface WebhookDelivery {
  /** `webhook-id` of every attempt, and the de-duplication key: `[A-Za-z0-9_.-]{1,200}`. */
  id: string
  /** An `http(s)` URL already checked with `checkCallbackUrl` (it is checked again on every connection). */
  url: string
  payload: WebhookPayload
  /** Delivery log the attempts go to (`DeliveryLog.read`). @defaultValue `id` */
  logId?: string
  /** Whose secret signs it. @defaultValue the bootstrap tenant */
  tenant?: string
}

/** The `webhook-id` of a submission's `submission.done` delivery. */
export const submissionWebhookId = (submissionId: string): string => `msg_submission_${submissionId}`

/**
 * Puts deliveries on their BullMQ queue, where the dispatcher (in the API process) takes them.
 * Used by the worker when a submission is done, and by whatever else sends webhooks (batches).
 */
export class DeliveryQueue {
  private readonly attempts: number
  /** Seconds finished delivery jobs are kept (for de-duplication). */
  private readonly keepS: number

  constructor (private readonly queue: Queue<DeliveryJob>, config: Pick<Config, 'webhookRetry' | 'resultTtlS'>) {
    this.attempts = retryDelaysMs(config.webhookRetry).length + 1
    this.keepS = config.resultTtlS
  }

  /** A queue on `connection` (not closed by `close`) under `config.prefix`. */
  static open (connection: Redis, config: Pick<Config, 'prefix' | 'webhookRetry' | 'resultTtlS'>): DeliveryQueue {
    return new DeliveryQueue(new Queue<DeliveryJob>(DELIVERY_QUEUE_NAME, { connection, prefix: config.prefix }), config)
  }

  /** Queues a delivery; a second call with the same `id` while the first is kept is a no-op. */
  async enqueue (delivery: WebhookDelivery): Promise<void> {
    if (!Value.Check(WebhookPayloadSchema, delivery.payload)) throw new Error('a webhook payload is { type, timestamp, data }')
    await this.add({
      webhookId: delivery.id, url: delivery.url, logId: delivery.logId ?? delivery.id, payload: delivery.payload,
      ...(delivery.tenant !== undefined ? { tenant: delivery.tenant } : {}),
    })
  }

  /**
   * Queues the `submission.done` delivery of a finished submission with a `callbackUrl`
   * (nothing otherwise). Safe to call again for the same submission: it is queued once.
   */
  async submissionDone (submission: Pick<Submission, 'id' | 'callbackUrl' | 'tenant'>): Promise<void> {
    if (submission.callbackUrl === undefined) return
    await this.add({
      webhookId: submissionWebhookId(submission.id),
      url: submission.callbackUrl,
      logId: submission.id,
      submissionId: submission.id,
      doneAt: new Date().toISOString(),
      ...(submission.tenant !== undefined ? { tenant: submission.tenant } : {}),
    })
  }

  async close (): Promise<void> { await this.queue.close() }

  private async add (job: DeliveryJob): Promise<void> {
    if (!Value.Check(DeliveryJobSchema, job)) throw new Error(`invalid webhook delivery: ${[...Value.Errors(DeliveryJobSchema, job)].map(e => `${e.instancePath} ${e.message}`).join('; ')}`)
    await this.queue.add('deliver', job, {
      jobId: job.webhookId,
      attempts: this.attempts,
      // delays from the dispatcher's backoffStrategy (retryDelaysMs), not BullMQ's built-in exponential
      backoff: { type: 'webhook' },
      // kept, done or not, as long as results: a grading job retried within that time finds it
      // and queues nothing (BullMQ skips an id it still holds)
      removeOnComplete: { age: this.keepS },
      removeOnFail: { age: this.keepS },
    })
  }
}
