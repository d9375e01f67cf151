/**
 * The open-loop rate sweep's rules, pure: which rates to offer, when a rate
 * counts as sustained, and when to stop rising. The driver is bench/load.ts.
 */
import { slope } from './stats.js'

/** One sample of the backlog: submissions sent and not yet answered, at `tMs` into the step. */
export interface BacklogSample {
  tMs: number
  inFlight: number
}

/** What one step of the sweep measured. */
export interface StepOutcome {
  /** Offered arrival rate, per second. */
  ratePerS: number
  /** Length of the arrival window, in ms. */
  windowMs: number
  /** End-to-end latency at the 50th percentile, in ms (from each arrival's scheduled time). */
  p50Ms: number
  /** End-to-end latency at the 99th percentile, in ms. */
  p99Ms: number
  /** Submissions that did not come back `done` with a verdict (HTTP errors, timeouts, `error` results). */
  errors: number
  /** The backlog during the arrival window. */
  backlog: BacklogSample[]
}

/** Why a step was not sustained; empty when it was. */
export type Shortfall = 'p99_over_sla' | 'errors' | 'backlog_grows'

/**
 * Rising rates: `startPerS`, then each `factor` times the last (rounded to
 * 0.1/s), up to `maxPerS`. Geometric steps keep the sweep short whatever the
 * machine's capacity, and fine enough (25 % by default) to place it.
 */
export function rateSteps (startPerS: number, factor: number, maxPerS: number): number[] {
  if (!(startPerS > 0) || !(factor > 1)) throw new RangeError('rates need a positive start and a factor above 1')
  const out: number[] = []
  for (let r = startPerS; r <= maxPerS + 1e-9; r *= factor) out.push(Math.round(r * 10) / 10)
  return out
}

/**
 * Whether the backlog grew during the window: the least-squares slope of the
 * in-flight count times the window is more than a tenth of the window's
 * arrivals, and at least 3. Samples from the ramp-up are left out (the first
 * second, or the step's p50 if longer, at most half the window): until the
 * first answers are due the count only rises. A stable system then holds about
 * rate × latency in flight (Little's law) with noise around it; one past its
 * capacity piles up (rate − capacity) per second, which the slope sees before
 * p99 does in a short window.
 */
export function backlogGrows (step: Pick<StepOutcome, 'ratePerS' | 'windowMs' | 'backlog' | 'p50Ms'>): boolean {
  const settleMs = Math.min(step.windowMs / 2, Math.max(1000, Number.isFinite(step.p50Ms) ? step.p50Ms : 0))
  const settled = step.backlog.filter(s => s.tMs >= settleMs).map(s => ({ x: s.tMs / 1000, y: s.inFlight }))
  const growth = slope(settled) * (step.windowMs / 1000)
  const arrivals = step.ratePerS * step.windowMs / 1000
  return growth > Math.max(3, 0.1 * arrivals)
}

/** Every reason the step falls short of sustained (p99 ≤ SLA, nothing errors, the backlog does not grow). */
export function shortfalls (step: StepOutcome, slaMs: number): Shortfall[] {
  const out: Shortfall[] = []
  if (!(step.p99Ms <= slaMs)) out.push('p99_over_sla')
  if (step.errors > 0) out.push('errors')
  if (backlogGrows(step)) out.push('backlog_grows')
  return out
}

/** What the sweep does after a step: offer the next rate, offer the same rate once more, or stop. */
export type SweepAction = 'rise' | 'repeat' | 'stop'

/**
 * After the tries at one rate (their shortfalls, oldest first): a sustained
 * try rises; a rate falls short only after `repeats` + 1 tries, so one burst of
 * someone else's work on a shared machine does not end the sweep early. Past
 * a rate that falls short, higher ones only queue more: the sweep stops there.
 */
export function sweepAction (tries: ReadonlyArray<readonly Shortfall[]>, repeats: number): SweepAction {
  const last = tries[tries.length - 1]
  if (last === undefined || last.length === 0) return 'rise'
  return tries.length <= repeats ? 'repeat' : 'stop'
}

/** Whether the sweep stops after this one step, with no repeat: the step falls short. */
export function shouldStop (step: StepOutcome, slaMs: number): boolean {
  return sweepAction([shortfalls(step, slaMs)], 0) === 'stop'
}
