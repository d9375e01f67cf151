import type { Limits } from '../config/limits.js'

/**
 * What the API puts on the queue and a worker grades. Limits are already
 * resolved and clamped; files are validated. The job id is the submission id,
 * so a submission can never be enqueued twice.
 */
export interface GradingJob {
  submissionId: string
  language: string
  files: Record<string, string>
  tests: Record<string, string>
  limits: Limits
  /** See SubmissionOptionsSchema.strictComparisons. */
  strictComparisons?: boolean
  /** See SubmissionOptionsSchema.isolation; absent means `split`. */
  isolation?: 'split' | 'in-process'
  /** Batch submissions only: the batch whose progress counts this one when it completes. */
  batchId?: string
  /** When the API accepted it (epoch ms): the start of the queue-wait stage. */
  enqueuedAt: number
}

export const QUEUE_NAME = 'grading'
