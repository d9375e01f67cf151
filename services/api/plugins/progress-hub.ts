/**
 * Live progress for the event streams of `GET /v1/submissions/:id/events`,
 * with ONE Redis subscription per process (on the connection the
 * `ResultWaiter` already holds in subscriber mode): workers publish each
 * update on the progress channel, and the message is dispatched in memory
 * to the streams following that submission. A subscription per stream would
 * cost a Redis connection each.
 */
import { parseProgress, type SubmissionProgressEvent } from '../../shared/store/submission-progress.js'
import type { DoneSubscriber } from './result-waiter.js'

/** One stream's interest in one submission. */
export interface ProgressListener {
  /** An update for the submission, in the order Redis numbered them (`seq`) or later ones first: compare `seq`. */
  progress (event: SubmissionProgressEvent): void
  /** The subscription's connection was lost: updates may have been missed, the listener is already removed. */
  lost (): void
}

export class ProgressHub {
  private readonly listeners = new Map<string, Set<ProgressListener>>()
  private subscribed = false

  constructor (private readonly subscriber: DoneSubscriber, private readonly channel: string) {}

  /** Subscribes to the progress channel. Call once before any stream opens. */
  async start (): Promise<void> {
    if (this.subscribed) return
    this.subscriber.on('message', this.onMessage)
    this.subscriber.on('close', this.onClose)
    await this.subscriber.subscribe(this.channel)
    this.subscribed = true
  }

  /** Unsubscribes; the connection itself belongs to the caller. Listeners left are told `lost`. */
  async stop (): Promise<void> {
    this.subscriber.off('message', this.onMessage)
    this.subscriber.off('close', this.onClose)
    this.onClose()
    if (!this.subscribed) return
    this.subscribed = false
    await this.subscriber.unsubscribe(this.channel)
  }

  /** Listeners registered, over all submissions (for tests and metrics: 0 once every stream ended). */
  get listening (): number {
    let n = 0
    for (const set of this.listeners.values()) n += set.size
    return n
  }

  /** Registers a listener for one submission; the returned function unregisters it (idempotent). */
  listen (id: string, listener: ProgressListener): () => void {
    const set = this.listeners.get(id)
    if (set === undefined) this.listeners.set(id, new Set([listener]))
    else set.add(listener)
    return () => {
      const current = this.listeners.get(id)
      if (current === undefined) return
      current.delete(listener)
      if (current.size === 0) this.listeners.delete(id)
    }
  }

  // arrow properties so they can be passed to on/off as they are
  private readonly onMessage = (channel: string, message: string): void => {
    if (channel !== this.channel) return
    // what a worker wrote, but still checked: a malformed message is dropped, never thrown into ioredis
    const event = parseProgress(message)
    if (event === null) return
    const set = this.listeners.get(event.id)
    if (set === undefined) return
    for (const listener of [...set]) {
      try { listener.progress(event) } catch {}
    }
  }

  private readonly onClose = (): void => {
    const all = [...this.listeners.values()].flatMap(set => [...set])
    this.listeners.clear()
    for (const listener of all) {
      try { listener.lost() } catch {}
    }
  }
}
