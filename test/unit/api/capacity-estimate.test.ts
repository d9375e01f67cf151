import { describe, expect, it } from 'vitest'
import {
  DEFAULT_GRADING_MS, estimateLane, estimateRate, FLOOR_EFFICIENCY, jobsAhead, MIN_GRADING_SAMPLES, NO_CAPACITY_RETRY_S, SLA_HEADROOM, SLOT_EFFICIENCY,
  type CapacityInput, type LaneDepth,
} from '../../../services/api/capacity-estimate.js'
import { LANES } from '../../../services/shared/contracts/vocabulary.js'

const SLA = { exam: 30_000, interactive: 30_000, practice: 30_000, regrade: null }

/** Two slots grading 1 s each, 60 a minute, nothing measured, nothing queued. */
function input (over: Partial<CapacityInput> = {}): CapacityInput {
  return {
    depths: [], weights: {}, queued: 0, inFlight: 0, slots: 2, completedLastMinute: 0,
    // cold runs holding their slot 1.6 s: 2 slots × 60 s / 1.6 s × SLOT_EFFICIENCY = 60 a minute
    recentGradingMs: Array(20).fill(1_000), recentSlotHoldMs: Array(20).fill(1_600), slaByLane: SLA, ...over,
  }
}
const pending = (tenant: string, lane: LaneDepth['lane'], n: number): LaneDepth => ({ tenant, lane, pending: n })

describe('estimateRate', () => {
  it('uses the measured rate when it is above the floor', () => {
    const rate = estimateRate({ slots: 2, completedLastMinute: 200, recentGradingMs: [1_000] })
    expect(rate.ratePerMinute).toBe(200)
  })

  it('falls back to a floor from the slots and the grading time, never shorter than the default, when no cold run was recorded', () => {
    const rate = estimateRate({ slots: 2, completedLastMinute: 0, recentGradingMs: Array(10).fill(4_000) })
    expect(rate.floorPerMinute).toBe(2 * 15 * FLOOR_EFFICIENCY)
    expect(rate.ratePerMinute).toBe(rate.floorPerMinute)
    // a quiet spell's fast warm runs promise a burst no more than the default grading time allows
    expect(estimateRate({ slots: 2, completedLastMinute: 0, recentGradingMs: Array(10).fill(200) }).floorPerMinute)
      .toBe(2 * 60_000 / DEFAULT_GRADING_MS * FLOOR_EFFICIENCY)
  })

  it('trusts a few fast gradings no more than the default grading time', () => {
    expect(estimateRate({ slots: 1, completedLastMinute: 0, recentGradingMs: Array(MIN_GRADING_SAMPLES - 1).fill(300) }).gradingMs).toBe(DEFAULT_GRADING_MS)
    expect(estimateRate({ slots: 1, completedLastMinute: 0, recentGradingMs: Array(MIN_GRADING_SAMPLES).fill(300) }).gradingMs).toBe(300)
  })

  it('assumes a default grading time before any grading was recorded', () => {
    expect(estimateRate({ slots: 1, completedLastMinute: 0, recentGradingMs: [] }).gradingMs).toBe(DEFAULT_GRADING_MS)
  })

  it('adds a high percentile of the grading times, not their mean', () => {
    const rate = estimateRate({ slots: 1, completedLastMinute: 0, recentGradingMs: [...Array(90).fill(1_000), ...Array(10).fill(9_000)] })
    expect(rate.gradingMs).toBe(9_000)
  })

  it('trusts a fast last minute only as far as the mean of the last few bears it out, and a slow one at once', () => {
    const rising = estimateRate({ slots: 2, completedLastMinute: 60, completedPerWindow: [60, 30, 30], recentGradingMs: Array(20).fill(10_000) })
    expect(rising.measuredPerMinute).toBe(60)
    expect(rising.trustedPerMinute).toBe(40)
    expect(rising.ratePerMinute).toBe(40)
    const falling = estimateRate({ slots: 2, completedLastMinute: 16, completedPerWindow: [16, 57, 50], recentGradingMs: Array(20).fill(10_000) })
    expect(falling.ratePerMinute).toBe(16)
  })

  it('takes what the slots manage from how long runs hold them, however few finished (demand, not capacity)', () => {
    // refused clients waiting out their Retry-After: 6 gradings in the last minute on 2 slots held 2 s each
    const idle = estimateRate({ slots: 2, completedLastMinute: 6, completedPerWindow: [6, 6, 6], recentGradingMs: Array(20).fill(1_500), recentSlotHoldMs: Array(20).fill(2_000) })
    expect(idle.slotHoldMs).toBe(2_000)
    expect(idle.floorPerMinute).toBe(2 * 30 * SLOT_EFFICIENCY)
    expect(idle.ratePerMinute).toBe(idle.floorPerMinute)
    // the mean hold, not a percentile: throughput is slots / mean service time
    expect(estimateRate({ slots: 1, completedLastMinute: 0, recentGradingMs: [], recentSlotHoldMs: [1_000, 1_000, 1_000, 1_000, 6_000] }).slotHoldMs).toBe(2_000)
  })

  it('keeps the grading-time floor until enough slot holds were recorded', () => {
    const few = estimateRate({ slots: 2, completedLastMinute: 0, recentGradingMs: Array(10).fill(1_000), recentSlotHoldMs: Array(MIN_GRADING_SAMPLES - 1).fill(100) })
    expect(few.slotHoldMs).toBeNull()
    expect(few.floorPerMinute).toBe(2 * 60_000 / DEFAULT_GRADING_MS * FLOOR_EFFICIENCY)
  })

  it('has no rate without a slot, whatever the last minute did', () => {
    expect(estimateRate({ slots: 0, completedLastMinute: 500, recentGradingMs: [] }).ratePerMinute).toBe(0)
  })
})

describe('estimateLane', () => {
  it('accepts into an empty queue with the wait of one grading', () => {
    const e = estimateLane(input(), 'a', 'practice')
    expect(e).toMatchObject({ ahead: 0, estimatedWaitMs: 1_000, accepting: true })
    expect(e.retryAfterS).toBeUndefined()
  })

  it('refuses behind a deep queue, with a Retry-After that shrinks as the queue drains', () => {
    const deep = (n: number) => estimateLane(input({ depths: [pending('a', 'practice', n)], inFlight: 2 }), 'a', 'practice')
    const full = deep(200)
    expect(full.accepting).toBe(false)
    expect(full.retryAfterS).toBeGreaterThanOrEqual(1)
    const half = deep(100)
    expect(half.accepting).toBe(false)
    expect(half.retryAfterS!).toBeLessThan(full.retryAfterS!)
    // floor rate 60/min: each job ahead is a second
    expect(full.retryAfterS! - half.retryAfterS!).toBe(100)
    expect(deep(10).accepting).toBe(true)
  })

  it('gives a Retry-After that, once waited out on a queue draining at the rate, gets it accepted', () => {
    const base = input({ depths: [pending('a', 'practice', 80)], inFlight: 2, completedLastMinute: 120 })
    const refused = estimateLane(base, 'a', 'practice')
    expect(refused.accepting).toBe(false)
    const drained = Math.ceil(refused.retryAfterS! * 120 / 60)
    const later = estimateLane({ ...base, depths: [pending('a', 'practice', 80 - drained)] }, 'a', 'practice')
    expect(later.accepting).toBe(true)
    expect(later.estimatedWaitMs!).toBeLessThanOrEqual(30_000 * SLA_HEADROOM)
  })

  it('counts only the tenant\'s own lanes at or above the new one', () => {
    const depths = [pending('a', 'exam', 3), pending('a', 'interactive', 5), pending('a', 'practice', 7), pending('a', 'regrade', 11)]
    expect(jobsAhead({ depths, weights: {}, queued: 0 }, 'a', 'exam')).toBe(3)
    expect(jobsAhead({ depths, weights: {}, queued: 0 }, 'a', 'interactive')).toBe(8)
    expect(jobsAhead({ depths, weights: {}, queued: 0 }, 'a', 'practice')).toBe(15)
    expect(jobsAhead({ depths, weights: {}, queued: 26 }, 'a', 'regrade')).toBe(26 + 26)
  })

  it('lets another tenant\'s flood ahead only by its weight', () => {
    const depths = [pending('flood', 'practice', 2_000), pending('a', 'interactive', 4)]
    // a's 5th job: the flood gets 5 turns at equal weight, 15 at three times a's weight
    expect(jobsAhead({ depths, weights: { flood: 1, a: 1 }, queued: 0 }, 'a', 'interactive')).toBe(4 + 5)
    expect(jobsAhead({ depths, weights: { flood: 3, a: 1 }, queued: 0 }, 'a', 'interactive')).toBe(4 + 15)
    expect(jobsAhead({ depths, weights: { flood: 1, a: 2 }, queued: 0 }, 'a', 'interactive')).toBe(4 + 3)
    // the flood's tenant itself waits behind its own 2 000
    expect(estimateLane(input({ depths, weights: { flood: 1, a: 1 } }), 'flood', 'practice').accepting).toBe(false)
    expect(estimateLane(input({ depths, weights: { flood: 1, a: 1 } }), 'a', 'interactive').accepting).toBe(true)
  })

  it('counts the jobs another tenant\'s arrivals bring within the wait, up to its weight\'s share, and its own higher lanes\' arrivals', () => {
    // a's 10 practice ahead; an exam hall (weight 2) with nothing pending now, arriving at 120 a minute
    const depths = [pending('a', 'practice', 10)]
    const arrivals = [pending('hall', 'exam', 120)]
    const weights = { a: 1, hall: 2 }
    expect(jobsAhead({ depths, weights, queued: 0 }, 'a', 'practice', 24_000)).toBe(10)
    // 48 arrive within 24 s; the hall takes at most 2 × 11 turns while a's 11 go
    expect(jobsAhead({ depths, weights, queued: 0, arrivals }, 'a', 'practice', 24_000)).toBe(10 + 22)
    // over 5 s only 10 arrive
    expect(jobsAhead({ depths, weights, queued: 0, arrivals }, 'a', 'practice', 5_000)).toBe(10 + 10)
    // no horizon (no SLA): nothing is expected
    expect(jobsAhead({ depths, weights, queued: 0, arrivals }, 'a', 'practice')).toBe(10)
    // its own exam arrivals go before its practice, its own practice arrivals after it
    expect(jobsAhead({ depths, weights, queued: 0, arrivals: [pending('a', 'exam', 60), pending('a', 'practice', 600)] }, 'a', 'practice', 10_000)).toBe(10 + 10)
    // and the estimate refuses what it would have accepted on the pending jobs alone
    const over = { depths: [pending('a', 'practice', 15)], weights }
    expect(estimateLane(input(over), 'a', 'practice').accepting).toBe(true)
    expect(estimateLane(input({ ...over, arrivals }), 'a', 'practice').accepting).toBe(false)
  })

  it('takes no more turns from another tenant than it has pending', () => {
    const depths = [pending('b', 'practice', 2), pending('a', 'practice', 10)]
    expect(jobsAhead({ depths, weights: {}, queued: 0 }, 'a', 'practice')).toBe(10 + 2)
  })

  it('puts everyone\'s other lanes before a regrade, and never refuses a regrade without an SLA', () => {
    const depths = [pending('b', 'practice', 5_000), pending('b', 'regrade', 50), pending('a', 'regrade', 10)]
    expect(jobsAhead({ depths, weights: {}, queued: 0 }, 'a', 'regrade')).toBe(5_000 + 10 + 11)
    const e = estimateLane(input({ depths }), 'a', 'regrade')
    expect(e.accepting).toBe(true)
    expect(e.estimatedWaitMs!).toBeGreaterThan(30_000)
    expect(e.slaMs).toBeNull()
    // and a regrade waiting does not hold up an exam
    expect(estimateLane(input({ depths: [pending('a', 'regrade', 5_000)] }), 'a', 'exam').ahead).toBe(0)
  })

  it('counts jobs already handed to the workers and those running', () => {
    expect(estimateLane(input({ queued: 3, inFlight: 2 }), 'a', 'exam')).toMatchObject({ ahead: 3, estimatedWaitMs: 4_000 + 1_000 })
  })

  it('refuses with a fixed Retry-After when no host can take work', () => {
    expect(estimateLane(input({ slots: 0 }), 'a', 'exam')).toMatchObject({ estimatedWaitMs: null, accepting: false, retryAfterS: NO_CAPACITY_RETRY_S })
  })

  it('keeps headroom under the SLA', () => {
    // 23 jobs to finish at 60/min: 23 s + 1 s, within 30 s but past 80 % of it
    const e = estimateLane(input({ depths: [pending('a', 'exam', 24)], inFlight: 1 }), 'a', 'exam')
    expect(e.estimatedWaitMs).toBe(24_000 + 1_000)
    expect(e.accepting).toBe(false)
    expect(e.retryAfterS).toBe(1)
  })

  it('estimates every lane with its own SLA', () => {
    const every = (over: Partial<CapacityInput>) => LANES.map(lane => estimateLane(input(over), 'a', lane))
    const lanes = every({ depths: [pending('a', 'practice', 20)], slaByLane: { ...SLA, interactive: 5_000 } })
    expect(lanes.map(l => [l.lane, l.accepting])).toEqual([['exam', true], ['interactive', true], ['practice', true], ['regrade', true]])
    const busy = every({ depths: [pending('a', 'interactive', 10)], slaByLane: { ...SLA, interactive: 5_000 } })
    expect(busy.find(l => l.lane === 'interactive')).toMatchObject({ accepting: false, slaMs: 5_000 })
    expect(busy.find(l => l.lane === 'practice')).toMatchObject({ accepting: true, slaMs: 30_000 })
  })
})
