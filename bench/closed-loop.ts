/** A fixed batch of gradings kept `inFlight` at a time (closed loop: the next starts when one ends). */

export interface BatchResult {
  /** Each grading's own time, in ms. */
  ms: number[]
  /** Wall-clock time of the whole batch, in ms. */
  elapsedMs: number
  /** Gradings per second over the batch. */
  throughputPerS: number
}

export async function closedLoop (count: number, inFlight: number, gradeOnce: () => Promise<number>): Promise<BatchResult> {
  const ms: number[] = []
  let next = 0
  const t0 = performance.now()
  const lane = async (): Promise<void> => {
    while (next < count) {
      next++
      ms.push(await gradeOnce())
    }
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane))
  const elapsedMs = performance.now() - t0
  return { ms, elapsedMs, throughputPerS: count / (elapsedMs / 1000) }
}
