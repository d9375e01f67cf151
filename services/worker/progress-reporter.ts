import type { Logger } from 'pino'
import type { RunProgress } from '../sandbox/sandbox-run.js'
import type { ProgressUpdate } from '../shared/store/submission-progress.js'

/** Where progress goes; `SubmissionProgress` in production, a recorder in unit tests. */
export interface ProgressPublisher {
  publish (update: ProgressUpdate): Promise<unknown>
}

/**
 * Fewest milliseconds between two updates of one submission. A suite of
 * thousands of fast tests would otherwise cost a Redis round trip (and a
 * message to every API process) per test; a progress bar needs a few per
 * second at most.
 */
export const PROGRESS_INTERVAL_MS = 200

/**
 * Publishes one submission's progress without ever slowing or failing its
 * grading: every call returns at once, at most one publish is in flight,
 * updates closer than `intervalMs` are coalesced into the latest (which is
 * always sent, unless the run ended first), and a failed publish is logged,
 * never thrown.
 */
export class ProgressReporter {
  private pending: ProgressUpdate | null = null
  private lastSentMs = Number.NEGATIVE_INFINITY
  private timer: NodeJS.Timeout | undefined
  private inFlight = false
  private stopped = false
  private failures = 0

  constructor (
    private readonly publisher: ProgressPublisher,
    private readonly submissionId: string,
    private readonly log: Logger,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
  ) {}

  /** Grading has started: `running` without a test yet. */
  started (): void {
    this.offer({ id: this.submissionId, state: 'running' })
  }

  /** A test has started (the sandbox's `onProgress`). */
  update (progress: RunProgress): void {
    this.offer({
      id: this.submissionId,
      state: 'running',
      test: progress.test,
      done: progress.done,
      ...(progress.total !== undefined ? { total: progress.total } : {}),
    })
  }

  /** The run is over: nothing pending is sent any more (the result follows on its own channel). */
  stop (): void {
    this.stopped = true
    this.pending = null
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.failures > 1) this.log.warn({ failures: this.failures }, 'progress updates not published')
  }

  private offer (update: ProgressUpdate): void {
    if (this.stopped) return
    this.pending = update
    this.schedule()
  }

  private schedule (): void {
    if (this.timer !== undefined || this.inFlight || this.pending === null) return
    const waitMs = this.lastSentMs + this.intervalMs - Date.now()
    if (waitMs <= 0) {
      this.flush()
      return
    }
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flush()
    }, waitMs)
    // a pending update must never keep a stopping worker alive
    this.timer.unref()
  }

  private flush (): void {
    const update = this.pending
    if (this.stopped || update === null) return
    this.pending = null
    this.inFlight = true
    this.lastSentMs = Date.now()
    // through a promise so even a publisher that throws synchronously is only logged
    Promise.resolve().then(async () => await this.publisher.publish(update)).catch((err: unknown) => {
      // logged once per run: with Redis away every update would fail the same way
      if (this.failures++ === 0) this.log.warn({ err }, 'progress update not published')
    }).finally(() => {
      this.inFlight = false
      this.schedule()
    })
  }
}
