/** When webhook attempts happen: the knobs of `GRADER_WEBHOOK_RETRY_*`. */
export interface RetrySchedule {
  /** First delay, in ms; each next one doubles. */
  baseMs: number
  /** Longest delay between two attempts, in ms. */
  maxMs: number
  /** Attempts go on until the delays add up to at least this, in seconds. */
  forS: number
}

/**
 * The delays before each retry, in ms: `baseMs` doubling up to `maxMs`, as many as it takes to
 * add up to `forS` seconds, and at least one (a delivery is always retried once). The defaults
 * (30 s doubling to 4 h, for 24 h) give 14 retries over about 24 h 15 min.
 */
export function retryDelaysMs (schedule: RetrySchedule): number[] {
  const delays: number[] = []
  let totalMs = 0
  while (delays.length === 0 || totalMs < schedule.forS * 1000) {
    const delay = Math.min(schedule.baseMs * 2 ** delays.length, schedule.maxMs)
    delays.push(delay)
    totalMs += delay
  }
  return delays
}
