import { Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import type { DeliveryQueue } from '../../../services/delivery/delivery-queue.js'
import { QUEUE_NAME, type GradingJob } from '../../../services/shared/contracts/job-schema.js'
import type { Result } from '../../../services/shared/contracts/submission-schema.js'
import { BatchStore } from '../../../services/shared/store/batch-store.js'
import { countBatchMember } from '../../../services/worker/batch-completion.js'
import { FairFeeder } from '../../../services/worker/fair-feeder.js'
import { FairQueue } from '../../../services/shared/queue/fair-queue.js'
import { gradingJobOptions } from '../../../services/shared/queue/grading-job-options.js'
import type { TestApp } from './build-test-app.js'

/** A stand-in worker on a test app's real queue, and what it saw. */
export interface StandInWorker {
  /** Every job taken, in the order the queue handed them out. */
  taken: GradingJob[]
  /** Resolves once `count` jobs are completed. */
  completed: (count: number) => Promise<void>
  close: () => Promise<void>
}

/**
 * Feeds jobs from the test app's fair queue into its real BullMQ queue and
 * takes them off it, one at a time (as a worker with one slot), and
 * completes each as services/worker does after grading (first completion in
 * the store, then the batch counter), with the result `resultOf` gives; no
 * Docker involved. `hold` may delay a job (to catch it while active);
 * `deliveries` receives a finished batch's `batch.done` webhook.
 */
export function standInWorker (t: TestApp, resultOf: (job: GradingJob) => Result,
  opts: { hold?: (job: Job<GradingJob>) => Promise<void>, deliveries?: DeliveryQueue } = {}): StandInWorker {
  const { hold, deliveries } = opts
  const taken: GradingJob[] = []
  let done = 0
  const waiters: Array<{ count: number, resolve: () => void }> = []
  const batches = new BatchStore(t.deps.redis, t.config.prefix, t.config.resultTtlS)
  const log = pino({ level: 'silent' })
  const connection = new Redis(t.config.redisUrl, { maxRetriesPerRequest: null })
  let running = 0
  // as a real worker: jobs wait in the fair queue until this one slot is free
  const feeder = new FairFeeder({
    fair: new FairQueue(t.deps.redis, t.config.prefix),
    grading: t.deps.queue,
    jobOptions: job => gradingJobOptions(t.config, job.submissionId),
    freeSlots: () => 1 - running,
    stillWanted: async id => (await t.deps.store.get(id))?.state !== 'done',
    log,
    intervalMs: 50,
  })
  const worker = new Worker<GradingJob>(QUEUE_NAME, async job => {
    running++
    taken.push(job.data)
    if (hold !== undefined) await hold(job)
    const first = await t.deps.store.complete(job.data.submissionId, resultOf(job.data))
    if (first) await countBatchMember({ batches, store: t.deps.store, deliveries, log }, job.data)
    done++
    running--
    feeder.kick()
    for (const w of waiters.filter(w => done >= w.count)) w.resolve()
  }, { connection, prefix: t.config.prefix, concurrency: 1 })
  feeder.start()
  return {
    taken,
    completed: async count => {
      if (done >= count) return
      await new Promise<void>(resolve => waiters.push({ count, resolve }))
    },
    close: async () => {
      await feeder.stop()
      await worker.close()
      await connection.quit()
    },
  }
}

export const PASS: Result = { status: 'pass', tests: [{ name: 'test_solution.py::test_add', status: 'pass' }], durationMs: 5 }
export const FAIL: Result = { status: 'fail', tests: [{ name: 'test_solution.py::test_add', status: 'fail', message: 'assert 1 == 2' }], durationMs: 5 }
