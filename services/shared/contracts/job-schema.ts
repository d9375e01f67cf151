import type { Limits } from '../config/limits.js'
import type { Lane } from './vocabulary.js'

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
  /** See SubmissionOptionsSchema.runSkipped (the submission's, else its challenge's). */
  runSkipped?: boolean
  /** Batch submissions only: the batch whose progress counts this one when it completes. */
  batchId?: string
  /**
   * Collect the suite and report its test ids instead of grading (checking a
   * challenge's policy against its suite): `files` are the starter files,
   * nothing is stored, and the job's return value is a {@link SuiteCollection}.
   * `submissionId` is then a `collect-` id that names no submission.
   */
  collectOnly?: boolean
  /** The tenant whose key posted it (`BOOTSTRAP_TENANT` for the keys of the environment). Absent on jobs queued before tenants existed. */
  tenant?: string
  /** Its priority lane; absent means `practice`. */
  lane?: Lane
  /** When the API accepted it (epoch ms): the start of the queue-wait stage. */
  enqueuedAt: number
}

/**
 * What a `collectOnly` job returns: the node ids pytest collected, in order,
 * or why the suite does not collect (in words for the challenge's author).
 */
export type SuiteCollection = { ok: true, tests: string[] } | { ok: false, problem: string }

export const QUEUE_NAME = 'grading'
