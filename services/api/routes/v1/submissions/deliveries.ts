import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from 'typebox'
import { DeliveryAttemptSchema, type DeliveryAttempt, type DeliveryLog } from '../../../../delivery/delivery-log.js'
import { submissionWebhookId } from '../../../../delivery/delivery-queue.js'
import type { Submission } from '../../../../shared/contracts/submission-schema.js'
import type { SubmissionStore } from '../../../../shared/store/submission-store.js'
import { SubmissionParamsSchema } from '../../../schemas/submission-routes-schema.js'
import { readSubmission } from '../../../submission-id.js'
import { principalOf } from '../../../plugins/auth.js'

/**
 * Where a submission's webhook stands, derived from its attempts: `none` (no `callbackUrl`),
 * `pending` (not sent yet, or a retry is due), `delivered` (a 2xx), `failed` (retries used up,
 * or the submission expired before it could be sent).
 */
export const DeliveryStateSchema = Type.Union([Type.Literal('none'), Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')])
export type DeliveryState = Static<typeof DeliveryStateSchema>

/** `GET /v1/submissions/:id/deliveries`. */
export const DeliveriesSchema = Type.Object({
  submissionId: Type.String(),
  callbackUrl: Type.Optional(Type.String()),
  /** `webhook-id` of every attempt. */
  webhookId: Type.Optional(Type.String()),
  state: DeliveryStateSchema,
  /** Oldest first. */
  attempts: Type.Array(DeliveryAttemptSchema),
})

export interface DeliveryRoutesOptions {
  store: SubmissionStore
  deliveryLog: DeliveryLog
}

export function deliveryState (submission: Pick<Submission, 'callbackUrl'>, attempts: DeliveryAttempt[]): DeliveryState {
  if (submission.callbackUrl === undefined) return 'none'
  const last = attempts.at(-1)
  if (last === undefined || last.nextAttemptAt !== undefined) return 'pending'
  return last.error === undefined ? 'delivered' : 'failed'
}

/** `GET /v1/submissions/:id/deliveries`: every webhook attempt of a submission. Auth by the enclosing scope. */
export const deliveryRoutes: FastifyPluginAsyncTypebox<DeliveryRoutesOptions> = async (app, opts) => {
  app.get('/:id/deliveries', {
    schema: { params: SubmissionParamsSchema, response: { 200: DeliveriesSchema } },
  }, async request => {
    const { id } = request.params
    const submission = await readSubmission(opts.store, id, principalOf(request))
    const attempts = await opts.deliveryLog.read(id)
    return {
      submissionId: id,
      ...(submission.callbackUrl !== undefined ? { callbackUrl: submission.callbackUrl, webhookId: submissionWebhookId(id) } : {}),
      state: deliveryState(submission, attempts),
      attempts,
    }
  })
}
