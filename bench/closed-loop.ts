/** A fixed batch of gradings kept `inFlight` at a time (closed loop: the next starts when one ends). */

export interface BatchResult {
  /** Each successful grading's own time, in ms. */
  ms: number[]
  /** Gradings that threw (a wrong verdict for a correct submission, an HTTP error, a failed docker run). */
  errors: number
  /** Up to three of their messages. */
  errorSamples: string[]
  /** Wall-clock time of the whole batch, in ms. */
  elapsedMs: number
  /** Successful gradings per second over the batch. */
  throughputPerS: number
}

/** Runs `count` gradings, `inFlight` at a time; one that throws is counted, and the batch goes on. */
export async function closedLoop (count: number, inFlight: number, gradeOnce: () => Promise<number>): Promise<BatchResult> {
  const ms: number[] = []
  const errorSamples: string[] = []
  let errors = 0
  let next = 0
  const t0 = performance.now()
  const lane = async (): Promise<void> => {
    while (next < count) {
      next++
      try {
        ms.push(await gradeOnce())
      } catch (err) {
        errors++
        if (errorSamples.length < 3) errorSamples.push(err instanceof Error ? err.message : String(err))
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane))
  const elapsedMs = performance.now() - t0
  return { ms, errors, errorSamples, elapsedMs, throughputPerS: ms.length / (elapsedMs / 1000) }
}
