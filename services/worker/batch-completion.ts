import type { Logger } from 'pino'
import type { GradingJob } from '../shared/contracts/job-schema.js'
import type { DeliveryQueue } from '../delivery/delivery-queue.js'
import type { BatchStore } from '../shared/store/batch-store.js'
import type { SubmissionStore } from '../shared/store/submission-store.js'

/** What counting a batch member needs. */
export interface BatchCompletionDeps {
  /** @defaultValue none: batch progress is not counted (a worker for tests of grading alone) */
  batches?: BatchStore
  /** Read for the `batch.done` webhook's progress. */
  store: SubmissionStore
  /** Where a finished batch's `batch.done` webhook is queued. @defaultValue none: no batch webhook */
  deliveries?: DeliveryQueue
  log: Logger
}

/**
 * Called once per submission, at its first completion (the store's claim
 * makes it once): a batch member adds one to its batch's `done` counter.
 * The last member queues the batch's `batch.done` webhook, when it has a
 * `callbackUrl`. A failure is logged, never thrown: the result itself is
 * stored already, and `GET /v1/batches/:id` reads members' states from
 * their records.
 *
 * @returns true when this member was the batch's last
 */
export async function countBatchMember (deps: BatchCompletionDeps, job: Pick<GradingJob, 'batchId' | 'submissionId'>): Promise<boolean> {
  if (job.batchId === undefined || deps.batches === undefined) return false
  try {
    const finished = await deps.batches.memberDone(job.batchId)
    if (!finished) return false
    deps.log.info({ batchId: job.batchId, submissionId: job.submissionId }, 'batch done')
    const webhook = deps.deliveries === undefined ? null : await deps.batches.doneWebhook(job.batchId, deps.store)
    if (webhook !== null) await deps.deliveries?.enqueue(webhook)
    return true
  } catch (err) {
    deps.log.warn({ err, batchId: job.batchId, submissionId: job.submissionId }, 'batch progress not counted')
    return false
  }
}
