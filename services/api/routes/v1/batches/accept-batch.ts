import { Compile } from 'typebox/compile'
import { CallbackAllowList } from '../../../../delivery/callback-allow-list.js'
import { checkCallbackUrl } from '../../../../delivery/callback-url-check.js'
import type { DeliveryQueue } from '../../../../delivery/delivery-queue.js'
import { SubmissionRequestSchema, type SubmissionRequest } from '../../../../shared/contracts/submission-schema.js'
import { GraderError, isGraderError } from '../../../../shared/errors/grader-error.js'
import type { BatchStore } from '../../../../shared/store/batch-store.js'
import { acceptSubmission, type AcceptDeps } from '../../../accept-submission.js'
import { OverCapacity } from '../../../admission.js'
import { formatSchemaErrors } from '../../../plugins/schema-error-formatter.js'
import type { BatchAccepted, BatchEntryAnswer, BatchRequest } from './batch-schema.js'

const entryCheck = Compile(SubmissionRequestSchema)

/** What accepting a batch needs: what one submission needs, and the batch store. */
export interface BatchDeps extends AcceptDeps {
  batches: BatchStore
  /** Where the `batch.done` webhook goes when the batch is done as soon as it is sealed. */
  deliveries: () => DeliveryQueue
  /**
   * Told the longest `Retry-After` of the entries refused for capacity, for the answer's header.
   * @defaultValue none: no header
   */
  retryAfter?: (seconds: number) => void
}

/** An entry refused with `err`, in the one error shape; a fault of ours is named, never detailed. */
function refusal (err: unknown, deps: BatchDeps, index: number): BatchEntryAnswer {
  if (isGraderError(err) && err.status < 500) return { error: { code: err.code, message: err.message } }
  if (isGraderError(err) && (err.code === 'unavailable' || err.code === 'over_capacity')) return { error: { code: err.code, message: err.message } }
  deps.log.error({ err, entry: index }, 'batch entry not accepted')
  return { error: { code: 'internal', message: 'this submission could not be accepted because of a problem on our side; send it again' } }
}

/**
 * Accepts a batch: each entry as `POST /v1/submissions` would (the same
 * checks, in `acceptSubmission`), one after the other, so the answers keep
 * the request's order and one batch cannot flood Redis with parallel
 * writes. A bad entry gets its own error and the others go on.
 *
 * The batch is made before its first member and sealed after its last, so a
 * member finished before the batch is complete is counted all the same
 * (`BatchStore.seal`). With a `callbackUrl`, a `batch.done` webhook is
 * queued once the last member is done.
 */
export async function acceptBatch (deps: BatchDeps, body: BatchRequest, id: string, idempotencyKey?: string): Promise<BatchAccepted> {
  if (body.submissions.length > deps.config.batchMax) {
    throw new GraderError('batch_too_large', `a batch holds at most ${deps.config.batchMax} submissions (GRADER_BATCH_MAX), not ${body.submissions.length}`)
  }
  // resolved now to refuse a bad target at once (400); delivery checks every connection again
  if (body.callbackUrl !== undefined) await checkCallbackUrl(body.callbackUrl, new CallbackAllowList(deps.config.callbackAllow))
  await deps.batches.create({ id, kind: 'submissions', tenant: deps.principal.tenantId, submittedBy: deps.principal.keyId, ...(body.callbackUrl !== undefined ? { callbackUrl: body.callbackUrl } : {}) })
  if (idempotencyKey !== undefined) await deps.batches.attach(id, idempotencyKey)
  const submissions: BatchEntryAnswer[] = []
  let accepted = 0
  let retryAfterS = 0
  for (const [index, entry] of body.submissions.entries()) {
    if (!entryCheck.Check(entry)) {
      const errors = [...entryCheck.Errors(entry)] as unknown as Parameters<typeof formatSchemaErrors>[0]
      submissions.push({ error: { code: 'invalid_request', message: formatSchemaErrors(errors, `submissions/${index}`).message } })
      continue
    }
    try {
      const { submission } = await acceptSubmission(deps, entry as SubmissionRequest, { batch: id })
      await deps.batches.addMember(id, submission.id)
      submissions.push({ id: submission.id, state: 'queued' })
      accepted++
    } catch (err) {
      if (err instanceof OverCapacity) retryAfterS = Math.max(retryAfterS, err.retryAfterS)
      submissions.push(refusal(err, deps, index))
    }
  }
  if (retryAfterS > 0) deps.retryAfter?.(retryAfterS)
  // done at sealing (no entry accepted, or every member graded meanwhile):
  // no worker will see its last member finish, so the webhook is queued here
  const answer: BatchAccepted = { id, accepted, submissions }
  if (await deps.batches.seal(id, answer)) {
    const webhook = await deps.batches.doneWebhook(id, deps.store)
    if (webhook !== null) await deps.deliveries().enqueue(webhook)
  }
  deps.log.info({ batchId: id, entries: body.submissions.length, accepted }, 'batch queued')
  return answer
}
