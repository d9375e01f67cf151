import type { SlaByLane } from '../shared/config/sla-by-lane.js'
import { LANES, type Lane } from '../shared/contracts/vocabulary.js'

/**
 * How long a new submission would wait, from the fair queue, the jobs on the
 * workers and the grading rate. Pure: the Redis reads are admission.ts's.
 *
 * The model follows the fair queue's order (services/shared/queue): jobs
 * already in the grading queue go first; then, within the submitting
 * tenant, every pending job of its lane and the lanes above; the other
 * tenants take turns by weight, so while the tenant's `n` jobs (its own
 * ahead, plus the new one) are picked, tenant U gets about `n · wU / wT`
 * picks, never more than it has pending; `regrade` goes only when no other
 * lane of any tenant has work, so a regrade waits behind all of that. The
 * new job starts once enough jobs finish to free a slot for it, at the
 * measured rate, and takes a grading's time.
 *
 * The rate is the faster of the measured one (completions, which fall when
 * demand does) and what the slots manage at the time a run holds one; see
 * {@link estimateRate}.
 *
 * It errs late on purpose: the grading time is a high percentile, the rate
 * from slot holds assumes {@link SLOT_EFFICIENCY} of what they allow, and a lane
 * accepts only while the estimate is within {@link SLA_HEADROOM} of its
 * SLA. What it cannot see: jobs that arrive after the new one in a higher
 * lane, or of another tenant whose queue is empty now; the headroom is there
 * for those. Requests admitted at the same moment are counted by the caller
 * (admission.ts) in `queued`.
 */

/** Pending jobs of one tenant in one lane (the fair queue's `FairDepth`). */
export interface LaneDepth { tenant: string, lane: Lane, pending: number }

/** Everything the estimate reads, at one moment. */
export interface CapacityInput {
  /** Jobs waiting in the fair queue, per tenant and lane (zero ones may be left out). */
  depths: readonly LaneDepth[]
  /** Tenant → weight (> 0); a tenant missing here weighs {@link DEFAULT_WEIGHT}. */
  weights: Readonly<Record<string, number>>
  /**
   * Jobs added to the fair queue over the last minute, per tenant and lane
   * (`pending` = per minute): the arrivals that will compete with a new job
   * while it waits. @defaultValue none: only the jobs pending now compete
   */
  arrivals?: readonly LaneDepth[]
  /** Jobs already moved to the grading queue, waiting for a slot (they go before any pending one). */
  queued: number
  /** Gradings running now. */
  inFlight: number
  /** Gradings the usable hosts can run at once (healthy: their concurrency, degraded: half, drained or unhealthy: none). */
  slots: number
  /** Gradings finished in the last 60 s. */
  completedLastMinute: number
  /**
   * Gradings finished in each of the last few minutes, newest first.
   * @defaultValue only the last minute
   */
  completedPerWindow?: readonly number[]
  /** Recent grading times (container create to collect, without the queue wait), in ms; empty when none ran lately. */
  recentGradingMs: readonly number[]
  /**
   * How long recent runs on a full host held their slot (lease to release), in ms.
   * @defaultValue none: the rate floor then comes from the grading time alone
   */
  recentSlotHoldMs?: readonly number[]
  slaByLane: SlaByLane
}

/** The estimate for one lane of one tenant. */
export interface LaneEstimate {
  lane: Lane
  /** Jobs that would be picked before a new submission of this lane. */
  ahead: number
  /** Estimated time from accepting a new submission to its result, in ms; null when nothing can grade it now. */
  estimatedWaitMs: number | null
  /** The lane's SLA, in ms; null = none. */
  slaMs: number | null
  /** Whether a new submission of this lane is accepted now. */
  accepting: boolean
  /** When refused: seconds until there should be room (whole, at least 1). */
  retryAfterS?: number
}

/** The rate and grading time the estimate used. */
export interface RateEstimate {
  /** Gradings per minute the estimate assumes: the measured one, or the floor when that is higher. */
  ratePerMinute: number
  /** Gradings finished in the last 60 s. */
  measuredPerMinute: number
  /** The slower of the last minute and the mean of the last few: the measured rate the estimate trusts. */
  trustedPerMinute: number
  /**
   * What the slots manage whatever the demand, per minute: `slots / mean
   * slot hold of the recent runs on a full host × SLOT_EFFICIENCY`; before
   * {@link MIN_GRADING_SAMPLES} were recorded, `slots / max(grading time,
   * DEFAULT_GRADING_MS) × FLOOR_EFFICIENCY`.
   */
  floorPerMinute: number
  /** The mean recent slot hold the floor used, in ms; null when there were too few. */
  slotHoldMs: number | null
  /** The grading time added to a wait: a high percentile of the recent ones, in ms. */
  gradingMs: number
}

/** A tenant the fair queue does not know yet weighs this much (the queue's own default). */
export const DEFAULT_WEIGHT = 1
/** Grading time assumed before any grading was recorded, in ms: about twice a cold container with a short suite on the bench machine. */
export const DEFAULT_GRADING_MS = 2_000
/**
 * Share of the throughput the grading time alone would allow (slots /
 * grading time) that the rate floor assumes. The grading time leaves out
 * what holds a slot around it (moving the job, storing the result, removing
 * the container), and a burst runs cold where the gradings before it ran
 * warm (3 s against 0.3 s on the loaded test machine): the floor is there
 * for the start of a burst, before the measured rate has caught up, so it
 * errs low.
 */
export const FLOOR_EFFICIENCY = 0.5
/**
 * Share of `slots / mean slot hold` the rate assumes. The hold covers all a
 * run keeps its slot for; left out are the gaps between one run's release
 * and the next one's lease (the feeder, BullMQ's fetch), and holds measured
 * while slots were idle are shorter than once every slot runs (the runs
 * share the CPU): a 25 % longer hold than measured still keeps the wait
 * within {@link SLA_HEADROOM}'s margin.
 */
export const SLOT_EFFICIENCY = 0.8
/** Fewer recent gradings than this say too little: the grading time is then at least {@link DEFAULT_GRADING_MS}. */
export const MIN_GRADING_SAMPLES = 5
/** Percentile of the recent grading times added to every wait. */
export const GRADING_PERCENTILE = 0.95
/** A lane accepts while its estimate is within this share of its SLA; the rest absorbs what the estimate cannot see. */
export const SLA_HEADROOM = 0.8
/** Retry-After when no host can grade at all (nothing drains, so no estimate): seconds. */
export const NO_CAPACITY_RETRY_S = 30
/** Longest Retry-After given, in seconds: past it, the estimate says little. */
export const MAX_RETRY_AFTER_S = 3_600

const REGRADE: Lane = 'regrade'

function percentile (values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!
}

/** The rate and grading time the estimate assumes; see {@link RateEstimate}. */
export function estimateRate (input: Pick<CapacityInput, 'slots' | 'completedLastMinute' | 'completedPerWindow' | 'recentGradingMs' | 'recentSlotHoldMs'>): RateEstimate {
  const recent = input.recentGradingMs
  const measured = recent.length === 0 ? 0 : percentile(recent, GRADING_PERCENTILE)
  const gradingMs = Math.max(1, recent.length < MIN_GRADING_SAMPLES ? Math.max(measured, DEFAULT_GRADING_MS) : measured)
  const holds = input.recentSlotHoldMs ?? []
  const slotHoldMs = holds.length < MIN_GRADING_SAMPLES ? null : Math.max(1, holds.reduce((n, ms) => n + ms, 0) / holds.length)
  // Completions measure demand as much as capacity: while refused clients wait out their
  // Retry-After, slots idle and fewer gradings finish, and a rate from completions alone would
  // refuse more and more (the exam bench's spiral: 0.72 of 2 cores busy). What a slot can do is
  // measured by how long a run holds it: the mean, since throughput is slots / mean service time.
  // Runs on a full host only (every shared slot busy, so the runs share the CPU as they do
  // under the load this estimate is for): the runs of a quiet spell promised the exam bench's
  // burst 263 gradings a minute where 120 came (49 late), and cold runs alone leave out that
  // the warm pool keeps up under load (a third of the rate: clients waiting, slots idle).
  // Kept however long ago the host was last full: what it did then it can do again.
  // Without enough of them, the default grading time at least: a burst's gradings are the
  // slow ones (cold containers, a busy machine).
  const floorPerMinute = slotHoldMs === null
    ? Math.max(0, input.slots) * 60_000 / Math.max(gradingMs, DEFAULT_GRADING_MS) * FLOOR_EFFICIENCY
    : Math.max(0, input.slots) * 60_000 / slotHoldMs * SLOT_EFFICIENCY
  const measuredPerMinute = Math.max(0, input.completedLastMinute)
  // the rate swings with the mix of suites and what else the machine runs (57 to 16 a minute
  // within 100 s in the exam bench): a fast minute is trusted only as far as the last few
  // minutes bear it out; a slow one at once
  const windows = input.completedPerWindow ?? []
  const mean = windows.length === 0 ? measuredPerMinute : windows.reduce((n, c) => n + Math.max(0, c), 0) / windows.length
  const trustedPerMinute = Math.min(measuredPerMinute, mean)
  // nothing can run without a slot, however fast the last minute was
  const ratePerMinute = input.slots <= 0 ? 0 : Math.max(trustedPerMinute, floorPerMinute)
  return { ratePerMinute, measuredPerMinute, trustedPerMinute, floorPerMinute, slotHoldMs, gradingMs }
}

/**
 * Jobs the fair queue would pick before a new submission of `tenant` in
 * `lane`, over a wait of up to `horizonMs`: the jobs pending now, and those
 * the tenants' arrival rates bring within the horizon that would go before
 * it (another tenant's, up to its weight's share; its own tenant's in higher
 * lanes). A tenant that keeps arriving takes its share whether or not it has
 * jobs pending at this moment: counting only the pending ones let a lower
 * weight's jobs be accepted and then wait out a higher weight's arrivals
 * (95 practice submissions late behind an exam hall in the exam bench).
 */
export function jobsAhead (input: Pick<CapacityInput, 'depths' | 'weights' | 'queued' | 'arrivals'>, tenant: string, lane: Lane, horizonMs = 0): number {
  const rank = LANES.indexOf(lane)
  const weightOf = (t: string): number => {
    const w = input.weights[t]
    return w !== undefined && Number.isFinite(w) && w > 0 ? w : DEFAULT_WEIGHT
  }
  let own = 0
  let othersAboveRegrade = 0
  // other tenant → its pending jobs that compete with the new one by weight
  const competing = new Map<string, number>()
  for (const d of input.depths) {
    if (d.pending <= 0) continue
    if (d.tenant === tenant) {
      // its own lanes at or above the new one's go first (a regrade: every lane, then the regrades before it)
      if (LANES.indexOf(d.lane) <= rank) own += d.pending
      continue
    }
    if (lane === REGRADE) {
      // any lane but regrade of any tenant goes before a regrade; other regrades take turns
      if (d.lane === REGRADE) competing.set(d.tenant, (competing.get(d.tenant) ?? 0) + d.pending)
      else othersAboveRegrade += d.pending
    } else if (d.lane !== REGRADE) {
      // lanes are ordered within a tenant only: another tenant's practice job competes with an exam by weight
      competing.set(d.tenant, (competing.get(d.tenant) ?? 0) + d.pending)
    }
  }
  // arrivals within the horizon: only for live lanes (a regrade waits for all the rest anyway)
  const expected = new Map<string, number>()
  if (lane !== REGRADE && horizonMs > 0) {
    for (const a of input.arrivals ?? []) {
      if (a.pending <= 0 || a.lane === REGRADE) continue
      const coming = a.pending * horizonMs / 60_000
      if (a.tenant === tenant) {
        if (LANES.indexOf(a.lane) < rank) own += Math.ceil(coming)
      } else {
        expected.set(a.tenant, (expected.get(a.tenant) ?? 0) + coming)
      }
    }
  }
  const n = own + 1
  let others = othersAboveRegrade
  for (const other of new Set([...competing.keys(), ...expected.keys()])) {
    const likely = (competing.get(other) ?? 0) + Math.ceil(expected.get(other) ?? 0)
    others += Math.min(likely, Math.ceil(n * weightOf(other) / weightOf(tenant)))
  }
  return Math.max(0, input.queued) + own + others
}

/**
 * The estimate for one new submission of `tenant` in `lane`, accepted while
 * its wait is within `headroom` of the lane's SLA.
 */
export function estimateLane (input: CapacityInput, tenant: string, lane: Lane, headroom = SLA_HEADROOM): LaneEstimate {
  return estimateWith(input, estimateRate(input), tenant, lane, headroom)
}

function estimateWith (input: CapacityInput, rate: RateEstimate, tenant: string, lane: Lane, headroom = SLA_HEADROOM): LaneEstimate {
  const slaMs = input.slaByLane[lane]
  // the longest it may wait if accepted: what others' arrivals have time to take
  const ahead = jobsAhead(input, tenant, lane, slaMs === null ? 0 : slaMs * headroom)
  // it starts once enough running or earlier jobs finish to leave a slot for it
  const mustFinish = Math.max(0, Math.max(0, input.inFlight) + ahead + 1 - Math.max(0, input.slots))
  const estimatedWaitMs = rate.ratePerMinute <= 0
    ? null
    : Math.ceil(mustFinish * 60_000 / rate.ratePerMinute + rate.gradingMs)
  if (slaMs === null) return { lane, ahead, estimatedWaitMs, slaMs, accepting: true }
  const limitMs = slaMs * headroom
  if (estimatedWaitMs !== null && estimatedWaitMs <= limitMs) return { lane, ahead, estimatedWaitMs, slaMs, accepting: true }
  // room comes a whole grading at a time: the wait shrinks only when one of the jobs ahead (or
  // running: when each started is not known) finishes, one every 60 s / rate
  const perJobMs = 60_000 / rate.ratePerMinute
  const retryAfterS = estimatedWaitMs === null
    ? NO_CAPACITY_RETRY_S
    : Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil(Math.ceil((estimatedWaitMs - limitMs) / perJobMs) * perJobMs / 1000)))
  return { lane, ahead, estimatedWaitMs, slaMs, accepting: false, retryAfterS }
}
