import type { JobsOptions, Queue } from 'bullmq'
import type { Logger } from 'pino'
import type { GradingJob } from '../shared/contracts/job-schema.js'
import type { FairQueue } from '../shared/queue/fair-queue.js'

const INTERACTIVE = 'interactive'

/** Fallback feed interval, in ms: wake-ups and job ends normally kick the feeder long before. */
export const FEED_INTERVAL_MS = 500
/**
 * An admitting job older than this, in ms, was picked by a feeder that died or
 * lost Redis before adding it to BullMQ, and is added again. A live feeder
 * takes two Redis round trips between pick and ack, so this leaves ample margin.
 */
export const RECLAIM_AFTER_MS = 5_000
/** How often, in ms, a feeder looks for such jobs. */
const SWEEP_EVERY_MS = 2_000
/** Bound on the jobs moved in one pass, so a pass always ends (the next kick goes on). */
const MAX_PER_PASS = 256

/** What the feeder needs; narrow seams, so a test can hand in fakes. */
export interface FairFeederDeps {
  fair: Pick<FairQueue, 'pick' | 'ack' | 'reclaim'>
  /** BullMQ's `grading` queue. */
  grading: Pick<Queue<GradingJob>, 'add' | 'getJobCountByTypes'>
  /** BullMQ options of a grading job (gradingJobOptions). */
  jobOptions: (job: GradingJob) => JobsOptions
  /** This worker's free run slots now: host slots minus runs in flight. */
  freeSlots: () => number
  /**
   * Free slots now counting the hosts' interactive reserve too: a job of the
   * `interactive` lane may take one when {@link freeSlots} has none.
   * @defaultValue {@link freeSlots}: no reserve
   */
  freeSlotsForInteractive?: () => number
  /**
   * Whether a reclaimed job should still be graded: false once its
   * submission is deleted or done (its BullMQ job may be completed and
   * removed already, and a second add would grade it twice).
   */
  stillWanted: (submissionId: string) => Promise<boolean>
  log: Logger
  /** @defaultValue {@link FEED_INTERVAL_MS} */
  intervalMs?: number
  /** @defaultValue {@link RECLAIM_AFTER_MS} */
  reclaimAfterMs?: number
}

/**
 * Moves jobs from the fair queue into BullMQ's `grading` queue, one free
 * slot of this worker at a time, so a tenant's flood waits in the fair queue
 * (where the fair order applies) instead of in BullMQ (first come, first
 * served). It feeds while this worker has more free slots than BullMQ has
 * waiting jobs: at most one job per free slot waits in BullMQ, and that is
 * all the head start a flooding tenant gets over a newcomer.
 *
 * Kicked when a run starts or ends, on a wake-up from the API, and every
 * {@link FEED_INTERVAL_MS}. Passes never overlap; a kick during a pass runs
 * one more. A failure (Redis down) is logged and the timer retries: it never
 * throws out of the feeder.
 */
export class FairFeeder {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private again = false
  private stopped = false
  private lastSweepAt = 0
  private failing = false
  /** A job this feeder picked and could not add: added first on the next pass (else reclaimed by any feeder). */
  private unadded: GradingJob | undefined

  constructor (private readonly deps: FairFeederDeps) {}

  start (): void {
    if (this.timer !== undefined || this.stopped) return
    this.timer = setInterval(() => { this.kick() }, this.deps.intervalMs ?? FEED_INTERVAL_MS)
    this.timer.unref()
    this.kick()
  }

  /** Runs a feed pass now, or right after the one under way. */
  kick (): void {
    if (this.stopped) return
    if (this.running !== undefined) {
      this.again = true
      return
    }
    this.running = (async () => {
      do {
        this.again = false
        await this.pass()
      } while (this.again && !this.stopped)
    })().finally(() => { this.running = undefined })
  }

  /** Stops feeding; resolves once a pass under way has ended (its job added or left admitting). */
  async stop (): Promise<void> {
    this.stopped = true
    if (this.timer !== undefined) clearInterval(this.timer)
    await this.running
  }

  private async pass (): Promise<void> {
    try {
      if (this.unadded !== undefined) await this.admit(this.unadded)
      if (Date.now() - this.lastSweepAt >= SWEEP_EVERY_MS) await this.sweep()
      for (let n = 0; n < MAX_PER_PASS && !this.stopped; n++) {
        const free = this.deps.freeSlots()
        const reserve = this.deps.freeSlotsForInteractive?.() ?? free
        if (free <= 0 && reserve <= 0) break
        const waiting = await this.deps.grading.getJobCountByTypes('waiting', 'prioritized')
        // past the shared slots, only an interactive job may come, into the reserve: so every
        // job in BullMQ still has a slot it may take, and no other lane's job ever holds one
        // of the reserve's places
        const picked = waiting < free
          ? await this.deps.fair.pick()
          : waiting < reserve ? await this.deps.fair.pick(undefined, INTERACTIVE) : undefined
        if (picked === undefined) break
        await this.admit(picked.job)
      }
      if (this.failing) this.deps.log.info('fair feeder recovered')
      this.failing = false
    } catch (err) {
      // Logged once per outage, not on every tick of it; a job picked but not
      // added stays admitting and is reclaimed.
      if (!this.failing) this.deps.log.warn({ err }, 'fair feeder failed: retrying')
      this.failing = true
    }
  }

  private async admit (job: GradingJob): Promise<void> {
    this.unadded = job
    await this.deps.grading.add(job.collectOnly === true ? 'collect' : 'grade', job, this.deps.jobOptions(job))
    await this.deps.fair.ack(job.submissionId)
    this.unadded = undefined
  }

  /** Adds again the jobs a feeder picked and never acknowledged. */
  private async sweep (): Promise<void> {
    this.lastSweepAt = Date.now()
    for (const job of await this.deps.fair.reclaim(this.deps.reclaimAfterMs ?? RECLAIM_AFTER_MS)) {
      if (await this.deps.stillWanted(job.submissionId)) {
        this.deps.log.warn({ submissionId: job.submissionId }, 'admitting job reclaimed: added to the grading queue again')
        await this.admit(job)
      } else {
        await this.deps.fair.ack(job.submissionId)
      }
    }
  }
}
