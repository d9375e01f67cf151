/**
 * Removals of grading containers the worker did not wait for: a run's
 * container is removed after its verdict is stored, off the path the student
 * waits on. Each run is tracked from the moment its container is opened
 * until it is removed, so a stopping worker (and a test checking for
 * leftovers) waits for all of them, in flight or removing; a removal that
 * fails is logged by the session and left to the reaper, never lost.
 */
export class ContainerRemovals {
  private readonly pending = new Set<Promise<void>>()

  /** Tracks one removal (it never rejects: failures are the session's to log). */
  add (removal: Promise<void>): void {
    const tracked = removal.catch(() => {}).finally(() => { this.pending.delete(tracked) })
    this.pending.add(tracked)
  }

  get size (): number { return this.pending.size }

  /** Resolves once every removal started so far has ended. */
  async settled (): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending])
  }
}
