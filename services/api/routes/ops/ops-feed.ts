import type { OpsSnapshot } from './ops-snapshot.js'

/** Someone listening to the feed: an `/ops/events` stream. */
export type OpsListener = (snapshot: OpsSnapshot) => void

/**
 * One reading loop for every ops page open on this API process: while at
 * least one stream listens, the grader's state is read once per
 * `intervalMs` and handed to every listener, so ten open pages cost Redis
 * what one does, and no page polls a row of its own. The loop stops when the
 * last listener leaves and when the app closes.
 */
export class OpsFeed {
  private readonly listeners = new Set<OpsListener>()
  private timer: NodeJS.Timeout | undefined
  private reading = false
  private last: OpsSnapshot | undefined

  constructor (private readonly read: () => Promise<OpsSnapshot>, private readonly intervalMs: number) {}

  /** Adds a listener; it gets the last snapshot at once (when there is one) and every one after. Returns its removal. */
  listen (listener: OpsListener): () => void {
    this.listeners.add(listener)
    if (this.last !== undefined) listener(this.last)
    if (this.timer === undefined) {
      void this.tick()
      this.timer = setInterval(() => { void this.tick() }, this.intervalMs)
    }
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0) this.stop()
    }
  }

  /** Number of listeners now. */
  get size (): number { return this.listeners.size }

  /** Stops the loop (idempotent); listeners added later start it again. */
  stop (): void {
    clearInterval(this.timer)
    this.timer = undefined
    // a page that opens later must not be shown a snapshot from before the pause as if it were fresh
    this.last = undefined
  }

  private async tick (): Promise<void> {
    // a slow Redis must not pile reads up: the tick that finds one under way is skipped
    if (this.reading) return
    this.reading = true
    try {
      const snapshot = await this.read()
      if (this.timer === undefined) return
      this.last = snapshot
      for (const listener of this.listeners) listener(snapshot)
    } finally {
      this.reading = false
    }
  }
}
