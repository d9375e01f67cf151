import type { JobsOptions } from 'bullmq'
import type { Config } from '../config/config.js'

/** First retry delay of a grading job, in ms; each next one doubles (BullMQ's exponential backoff). */
export const GRADING_BACKOFF_MS = 500
/** How many failed grading jobs BullMQ keeps (besides their age limit). */
export const FAILED_JOBS_KEPT = 1000

/**
 * BullMQ options of a job on the `grading` queue, the same for every way a
 * job gets there (the fair feeder, a direct add), so retries and retention
 * never depend on the path.
 *
 * @param submissionId the job id: one submission can never be queued twice,
 *   and a second add of the same id (a feeder's reclaim) is a no-op
 * @param priority BullMQ priority (1 = highest of the prioritized); none for
 *   live traffic. @defaultValue none
 */
export function gradingJobOptions (config: Pick<Config, 'attempts' | 'resultTtlS'>, submissionId: string, priority?: number): JobsOptions {
  return {
    jobId: submissionId,
    attempts: config.attempts,
    backoff: { type: 'exponential', delay: GRADING_BACKOFF_MS },
    removeOnComplete: true,
    // a failed job keeps the files: kept for inspection, but never longer than the result itself
    removeOnFail: { count: FAILED_JOBS_KEPT, age: config.resultTtlS },
    ...(priority !== undefined ? { priority } : {}),
  }
}
