import { randomUUID } from 'node:crypto'
import type { Job, Queue } from 'bullmq'
import { resolveLimits, type Limits } from '../shared/config/limits.js'
import type { GradingJob, SuiteCollection } from '../shared/contracts/job-schema.js'
import { GraderError } from '../shared/errors/grader-error.js'
import type { WorkerRegistry } from '../shared/store/worker-registry.js'

/** What a collection is asked for: a challenge's language, suite, starter files and default limits. */
export interface CollectRequest {
  language: string
  tests: Record<string, string>
  starter?: Record<string, string>
  limits?: Partial<Limits>
}

/**
 * The test ids pytest collects from a suite (or why it does not collect),
 * the seam the challenge routes use: real ({@link queueCollector}) in the
 * service and integration tests, a fake in unit tests. Throws a GraderError
 * (`unavailable`, `unknown_language`) when no answer can be had.
 */
export type CollectTests = (request: CollectRequest) => Promise<SuiteCollection>

export interface QueueCollectorOptions {
  /** The grading queue: collections wait their turn with live submissions, on the same workers. */
  queue: Queue<GradingJob>
  registry: Pick<WorkerRegistry, 'languages'>
  /**
   * Longest a PUT waits for its collection, queueing included.
   * @defaultValue {@link COLLECT_WAIT_MS}
   */
  waitMs?: number
}

/** Longest a collection may take, queue wait included, before the PUT answers 503. */
export const COLLECT_WAIT_MS = 60_000
/**
 * How often the job's state is read while waiting. Polling costs one small
 * call per tick on the API's command connection; a QueueEvents stream would
 * need a blocking connection of its own for a rare admin call.
 */
const POLL_MS = 100

/**
 * Runs a collect-only job (`collectOnly`) through the queue and a worker,
 * in a real grading container, and waits for its return value. A job that
 * failed (a fault of ours, after its one retry) or did not finish in time is
 * `503 unavailable`: the challenge is not stored, and the PUT can be retried.
 */
export function queueCollector (opts: QueueCollectorOptions): CollectTests {
  const waitMs = opts.waitMs ?? COLLECT_WAIT_MS
  return async request => {
    const languages = await opts.registry.languages()
    if (languages.size === 0) {
      throw new GraderError('unavailable', 'no grading worker is running, so the policy cannot be checked against the suite right now; try again later')
    }
    if (!languages.has(request.language)) {
      throw new GraderError('unknown_language', `unknown language ${JSON.stringify(request.language.slice(0, 32))}; available: ${[...languages].sort().join(', ')}`)
    }
    const id = `collect-${randomUUID()}`
    const job: GradingJob = {
      submissionId: id,
      language: request.language,
      files: request.starter ?? {},
      tests: request.tests,
      limits: resolveLimits(request.language, request.limits),
      collectOnly: true,
      enqueuedAt: Date.now(),
    }
    let added: Job<GradingJob>
    try {
      added = await opts.queue.add('collect', job, {
        jobId: id,
        attempts: 2,
        backoff: { type: 'fixed', delay: 200 },
        // read once by this request, then removed; kept a while only if this process died meanwhile
        removeOnComplete: { age: 3600 },
        removeOnFail: { age: 3600 },
      })
    } catch (err) {
      throw new GraderError('unavailable', 'the suite could not be queued for collection; try again later', { cause: err })
    }
    return await waitForCollection(opts.queue, added.id ?? id, waitMs)
  }
}

async function waitForCollection (queue: Queue<GradingJob>, id: string, waitMs: number): Promise<SuiteCollection> {
  const deadline = Date.now() + waitMs
  while (Date.now() < deadline) {
    const job = await queue.getJob(id)
    if (job === undefined || job === null) throw new GraderError('unavailable', 'the collection of the suite was lost; try again')
    const state = await job.getState()
    if (state === 'completed') {
      await job.remove().catch(() => {})
      const value = job.returnvalue as SuiteCollection | null | undefined
      if (value === null || value === undefined || typeof value.ok !== 'boolean') {
        throw new GraderError('unavailable', 'the worker that collected the suite gave no answer (is it older than this API?); try again')
      }
      return value
    }
    if (state === 'failed') {
      await job.remove().catch(() => {})
      throw new GraderError('unavailable', `the suite could not be collected because of a problem on our side (${(job.failedReason ?? 'unknown').slice(0, 200)}); try again later`)
    }
    await new Promise(resolve => setTimeout(resolve, POLL_MS))
  }
  // still queued or running: not worth doing once nobody waits for it
  await queue.remove(id).catch(() => {})
  throw new GraderError('unavailable', `the suite was not collected within ${waitMs / 1000} s (the graders are busy); try again later`)
}
