import { Type, type Static } from 'typebox'

/** BullMQ queue of webhook deliveries (keys `<prefix>:deliveries:*`), apart from grading. */
export const DELIVERY_QUEUE_NAME = 'deliveries'

/**
 * Standard Webhooks' recommended payload: what happened, when, and the object it happened to.
 * `submission.done` carries the submission as `GET /v1/submissions/:id` answers it (full view).
 */
export const WebhookPayloadSchema = Type.Object({
  type: Type.String({ minLength: 1, maxLength: 100 }),
  timestamp: Type.String({ format: 'date-time' }),
  data: Type.Unknown(),
})
export type WebhookPayload = Static<typeof WebhookPayloadSchema>

/**
 * One delivery on the queue. Its BullMQ job id is its `webhookId`, so enqueueing the same
 * delivery twice (a grading job retried after a crash) queues it once.
 */
export const DeliveryJobSchema = Type.Object({
  /** `webhook-id` of every attempt; `[A-Za-z0-9_.-]`, at most 200 characters (BullMQ forbids `:` in job ids). */
  webhookId: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,200}$' }),
  url: Type.String(),
  /** The delivery log this delivery's attempts are recorded in (a submission id for `submission.done`). */
  logId: Type.String({ minLength: 1, maxLength: 200 }),
  /**
   * The payload sent. A `submission.done` delivery is queued without one: the first attempt
   * renders the submission's full view and keeps it here, so every attempt sends the same bytes.
   */
  payload: Type.Optional(WebhookPayloadSchema),
  /** `submission.done` deliveries: the submission to render, and when it was done (ISO 8601). */
  submissionId: Type.Optional(Type.String()),
  doneAt: Type.Optional(Type.String()),
  /** The tenant whose secret signs it and whose headers go with it. @defaultValue the bootstrap tenant */
  tenant: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
})
export type DeliveryJob = Static<typeof DeliveryJobSchema>
