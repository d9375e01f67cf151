import type { Job } from 'bullmq'
import type { Logger } from 'pino'
import type { HostPool, Lease } from '../hostpool/host-pool.js'
import type { RunProgress } from '../sandbox/sandbox-run.js'
import { SandboxSession, type SandboxOpenInput } from '../sandbox/sandbox-session.js'
import { cpuSharesFor } from '../sandbox/container-spec.js'
import { decideVerdict } from '../sandbox/verdict.js'
import type { GradingJob, SuiteCollection } from '../shared/contracts/job-schema.js'
import type { Lane } from '../shared/contracts/vocabulary.js'
import type { Result } from '../shared/contracts/submission-schema.js'
import { GraderError, isGraderError } from '../shared/errors/grader-error.js'
import type { DeliveryQueue } from '../delivery/delivery-queue.js'
import type { MetricsStore } from '../shared/observability/metrics-store.js'
import type { BatchStore } from '../shared/store/batch-store.js'
import type { SubmissionStore } from '../shared/store/submission-store.js'
import type { WarmPool } from '../warmpool/warm-pool.js'
import type { DockerHost } from '../hostpool/docker-host.js'
import { countBatchMember } from './batch-completion.js'
import type { ContainerRemovals } from './container-removals.js'
import { ProgressReporter, type ProgressPublisher } from './progress-reporter.js'
import { collectSuite } from './collect-suite.js'
import { sandboxInput } from './sandbox-input.js'

export interface GradeDeps {
  pool: HostPool
  /** Counters and histograms in Redis, rendered by the API's /metrics. */
  metrics: MetricsStore
  store: SubmissionStore
  workerId: string
  log: Logger
  /** Seccomp profile text for every grading container; undefined = the daemon's default. */
  seccompProfile?: string
  /** The deployment (`GRADER_PREFIX`): each container is labelled with it, for the reaper. */
  prefix: string
  /**
   * Where each run's progress (grading started, each test started) is
   * published for `GET /v1/submissions/:id/events`; throttled, fire-and-forget.
   * @defaultValue none: no progress is published
   */
  progress?: ProgressPublisher
  /**
   * Batches whose members' completions are counted (`GET /v1/batches/:id`).
   * @defaultValue none: batch progress is not counted
   */
  batches?: BatchStore
  /**
   * Where a done submission's `submission.done` webhook is queued (when it has a `callbackUrl`).
   * @defaultValue none: no webhook is queued
   */
  deliveries?: DeliveryQueue
  /**
   * Warm containers to take a run's container from; a run it cannot serve goes cold.
   * @defaultValue none: every run is cold
   */
  warm?: WarmPool<DockerHost, SandboxSession>
  /**
   * Where each run's container removal is tracked: it happens after the
   * verdict is stored, and the run's host slot is held until it ends.
   * @defaultValue none: the removal is awaited before the verdict is stored
   */
  removals?: ContainerRemovals
}

/** A warm container from the pool when it has one for this run, else a cold one opened now. */
async function openContainer (deps: Pick<GradeDeps, 'warm'>, lease: Lease, input: SandboxOpenInput & { submissionId: string }, lane: Lane | undefined, log: Logger): Promise<{ session: SandboxSession, warm: boolean }> {
  const warm = await deps.warm?.take(lease, input.limits, input.submissionId, { lane, ...(input.cpuShares === undefined ? {} : { cpuShares: input.cpuShares }) })
  if (warm !== undefined) {
    warm.handedOver()
    return { session: warm, warm: true }
  }
  return { session: await SandboxSession.open(lease.host.docker, input, log), warm: false }
}

/**
 * Queues the webhook of a submission just completed, if it has a `callbackUrl`. Called after
 * every completion, also one that was not the first (a job retried after its worker died
 * between completing and queueing): the delivery's job id de-duplicates.
 */
export async function queueWebhook (deps: Pick<GradeDeps, 'store' | 'deliveries'>, submissionId: string): Promise<void> {
  if (deps.deliveries === undefined) return
  const submission = await deps.store.get(submissionId)
  if (submission !== null) await deps.deliveries.submissionDone(submission)
}

/** Job data a retry adds: the host that failed, so the next attempt goes elsewhere. */
type AttemptData = GradingJob & { lastHost?: string }

/** What a student reads when we could not grade, whatever broke on our side. */
export const INTERNAL_MESSAGE = 'We could not grade your submission because of a problem on our side, not in your code. Please submit it again.'

/**
 * The BullMQ processor: one job in, one result stored. Verdicts (pass, fail,
 * timeout, OOM…) are results, never errors. Faults of ours are rethrown while
 * attempts remain, so BullMQ retries them with backoff (and the next attempt
 * avoids the host that failed); once they run out, or for a fault not worth
 * retrying, the student gets `error/internal`, never `fail`.
 */
export function createGradeProcessor (deps: GradeDeps) {
  return async function gradeSubmission (job: Job<AttemptData>): Promise<void | SuiteCollection> {
    // a policy check's collection, not a submission: nothing to store or count
    if (job.data.collectOnly === true) return await collectSuite(deps, job)
    const data = job.data
    const attempt = job.attemptsMade + 1
    const log = deps.log.child({ submissionId: data.submissionId, jobId: job.id, language: data.language, attempt })
    const queueMs = Date.now() - data.enqueuedAt
    await deps.store.markRunning(data.submissionId)
    const progress = deps.progress === undefined ? undefined : new ProgressReporter(deps.progress, data.submissionId, log)
    progress?.started()

    let lease: Lease | undefined
    let leasedAt = 0
    let saturated = false
    let session: SandboxSession | undefined
    try {
      lease = await deps.pool.acquire(data.language, data.lastHost, data.lane)
      leasedAt = Date.now()
      saturated = lease.host.inFlight >= lease.host.capacity
      const hostLog = log.child({ host: lease.host.id })
      const input = {
        ...sandboxInput(deps, data, lease),
        strictComparisons: data.strictComparisons,
        runSkipped: data.runSkipped,
        isolation: data.isolation ?? 'split',
        cpuShares: cpuSharesFor(data.lane),
        ...(progress !== undefined ? { onProgress: (p: RunProgress) => { progress.update(p) } } : {}),
      }
      const opened = await openContainer(deps, lease, input, data.lane, hostLog)
      session = opened.session
      // Tracked from now on, so whoever waits for the worker's removals also waits for this run's.
      deps.removals?.add(session.closed)
      const { observation, timings } = await session.run(input)
      // no update may be published after the result: the run is over
      progress?.stop()
      if (deps.removals === undefined) await session.close()
      const verdict = decideVerdict(observation)
      const durationMs = timings.createMs + timings.startMs + timings.uploadMs + timings.runMs + timings.collectMs
      const result: Result = {
        ...verdict, durationMs, timings: { queueMs, ...timings }, host: lease.host.id, container: opened.warm ? 'warm' : 'cold', attempts: attempt,
      }
      const first = await deps.store.complete(data.submissionId, result)
      hostLog.info({ status: result.status, reason: result.reason, durationMs, queueMs, duplicate: !first }, 'graded')
      // a failure here is retried like any fault of ours: the retry's completion queues it again
      await queueWebhook(deps, data.submissionId)
      if (first) {
        await countBatchMember({ ...deps, log }, data)
        await deps.metrics.graded({
          language: data.language, status: result.status, reason: result.reason, host: lease.host.id,
          timings: result.timings, endToEndMs: Date.now() - data.enqueuedAt, lane: data.lane, attempts: attempt,
        }).catch((err: Error) => log.warn({ err }, 'metrics not recorded'))
      }
    } catch (err) {
      // Anything else (Redis unreachable while storing, a Docker client error) is ours and worth another attempt.
      const fault = isGraderError(err) ? err : new GraderError('unavailable', (err as Error).message, { cause: err, retryable: true })
      const attemptsLeft = (job.opts.attempts ?? 1) - attempt
      if (fault.retryable && attemptsLeft > 0) {
        log.warn({ err: fault, host: lease?.host.id, attemptsLeft }, 'grading fault: retrying')
        await deps.metrics.retried({ host: lease?.host.id, code: fault.code }).catch(() => {})
        if (lease) await job.updateData({ ...data, lastHost: lease.host.id })
        throw fault
      }
      log.error({ err: fault, host: lease?.host.id }, 'grading fault: giving up')
      const first = await deps.store.complete(data.submissionId, {
        status: 'error', reason: 'internal', message: INTERNAL_MESSAGE, tests: [], durationMs: 0, attempts: attempt,
      })
      await queueWebhook(deps, data.submissionId).catch((err: Error) => log.error({ err }, 'webhook not queued'))
      if (first) {
        await countBatchMember({ ...deps, log }, data)
        await deps.metrics.graded({ language: data.language, status: 'error', reason: 'internal', endToEndMs: Date.now() - data.enqueuedAt, lane: data.lane, attempts: attempt })
          .catch(() => {})
      }
    } finally {
      progress?.stop()
      // The container goes after the verdict is stored; its host slot is held until it has.
      const held = lease
      const removal = (session?.close() ?? Promise.resolve()).finally(() => {
        if (held === undefined) return
        held.release()
        // What a slot can do whatever the demand, for the capacity estimate's rate
        // (capacity-estimate.ts): runs that took the host's last shared slot only, since a
        // run on a quiet host has the CPU to itself and would promise a burst too much.
        if (saturated) void deps.metrics.slotHeld(Date.now() - leasedAt).catch(() => {})
      })
      if (deps.removals === undefined) await removal
      else void removal
    }
  }
}
