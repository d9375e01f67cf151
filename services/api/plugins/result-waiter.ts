/**
 * Holds `?wait=true` requests until their submission is done, with ONE Redis
 * subscription per process: workers publish the submission id on the store's
 * done channel, and the message is dispatched to the requests waiting for it
 * in memory. A subscription per request would cost a Redis connection each.
 */

/**
 * The part of an ioredis client in subscriber mode the waiter uses; a typed
 * seam so unit tests can drive it with an EventEmitter.
 */
export interface DoneSubscriber {
  subscribe (channel: string): Promise<unknown>
  unsubscribe (channel: string): Promise<unknown>
  on (event: 'message', listener: (channel: string, message: string) => void): unknown
  off (event: 'message', listener: (channel: string, message: string) => void): unknown
  /**
   * The connection was lost (ioredis emits it before reconnecting and
   * re-subscribing): messages published until it is back are missed, so a
   * stream that relies on them must end (see `ProgressHub`).
   */
  on (event: 'close', listener: () => void): unknown
  off (event: 'close', listener: () => void): unknown
}

/**
 * How a wait ended:
 * - `done`: the submission's completion was announced;
 * - `timeout`: the time allowed ran out;
 * - `aborted`: the caller gave up (the client disconnected);
 * - `closed`: the process is shutting down.
 */
export type WaitOutcome = 'done' | 'timeout' | 'aborted' | 'closed'

/** A registration for one submission, made before it can possibly finish. */
export interface Watch {
  /** Resolves once, with how the wait ended; always unregisters the watch. */
  wait (opts: { timeoutMs: number, signal?: AbortSignal }): Promise<WaitOutcome>
  /** Unregisters without waiting (e.g. the submission was never enqueued). */
  cancel (): void
}

type Settle = (outcome: WaitOutcome) => void

/**
 * The in-memory side of `?wait=true`: a map from submission id to the waits
 * registered for it, fed by one subscription to the done channel.
 */
export class ResultWaiter {
  private readonly waiters = new Map<string, Set<Settle>>()
  private subscribed = false

  constructor (private readonly subscriber: DoneSubscriber, private readonly channel: string) {}

  /** Subscribes to the done channel. Call once before any watch can matter. */
  async start (): Promise<void> {
    if (this.subscribed) return
    this.subscriber.on('message', this.onMessage)
    await this.subscriber.subscribe(this.channel)
    this.subscribed = true
  }

  /**
   * Ends every wait with `closed` so held requests answer at once instead of
   * delaying shutdown. Watches made afterwards still time out normally.
   */
  releaseAll (): void {
    for (const settles of this.waiters.values()) for (const settle of settles) settle('closed')
    this.waiters.clear()
  }

  /** Releases every wait and unsubscribes; the subscriber connection itself belongs to the caller. */
  async stop (): Promise<void> {
    this.releaseAll()
    this.subscriber.off('message', this.onMessage)
    if (!this.subscribed) return
    this.subscribed = false
    await this.subscriber.unsubscribe(this.channel)
  }

  /** Submissions with at least one wait registered (for tests and metrics). */
  get pending (): number {
    return this.waiters.size
  }

  /**
   * Registers interest in one submission. Register BEFORE the submission is
   * enqueued: a completion announced between enqueueing and `wait()` is then
   * still caught, because the watch latches it.
   */
  watch (id: string): Watch {
    let settle!: Settle
    // a promise settles once: later calls (timer after message…) are no-ops
    const settled = new Promise<WaitOutcome>(resolve => { settle = resolve })
    this.add(id, settle)
    const cancel = (): void => this.remove(id, settle)

    const wait = async ({ timeoutMs, signal }: { timeoutMs: number, signal?: AbortSignal }): Promise<WaitOutcome> => {
      const timer = setTimeout(() => settle('timeout'), timeoutMs)
      const onAbort = (): void => settle('aborted')
      if (signal?.aborted === true) settle('aborted')
      signal?.addEventListener('abort', onAbort, { once: true })
      try {
        return await settled
      } finally {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        cancel()
      }
    }
    return { wait, cancel }
  }

  // an arrow property so it can be passed to on/off as is
  private readonly onMessage = (channel: string, id: string): void => {
    if (channel !== this.channel) return
    const settles = this.waiters.get(id)
    if (settles === undefined) return
    this.waiters.delete(id)
    for (const settle of settles) settle('done')
  }

  private add (id: string, settle: Settle): void {
    const settles = this.waiters.get(id)
    if (settles === undefined) this.waiters.set(id, new Set([settle]))
    else settles.add(settle)
  }

  private remove (id: string, settle: Settle): void {
    const settles = this.waiters.get(id)
    if (settles === undefined) return
    settles.delete(settle)
    if (settles.size === 0) this.waiters.delete(id)
  }
}
