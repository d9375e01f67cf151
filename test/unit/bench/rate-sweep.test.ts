import { describe, expect, it } from 'vitest'
import { arrivalOffsets, seededRandom } from '../../../bench/arrivals.js'
import { backlogGrows, rateSteps, shortfalls, shouldStop, sweepAction, type StepOutcome } from '../../../bench/rate-sweep.js'

/** A backlog sampled every 250 ms over the window, from a function of the time in s. */
const backlog = (windowMs: number, inFlight: (s: number) => number) =>
  Array.from({ length: Math.floor(windowMs / 250) }, (_, i) => ({ tMs: (i + 1) * 250, inFlight: Math.round(inFlight((i + 1) * 0.25)) }))

const step = (over: Partial<StepOutcome> = {}): StepOutcome => ({
  ratePerS: 8, windowMs: 15_000, p50Ms: 300, p99Ms: 900, errors: 0,
  // Little's law: 8/s × 0.3 s ≈ 2–3 in flight, with some noise
  backlog: backlog(15_000, s => 2 + (Math.floor(s * 4) % 3)),
  ...over,
})

describe('rateSteps', () => {
  it('rises geometrically from the start up to the maximum, rounded to 0.1/s', () => {
    expect(rateSteps(4, 1.25, 10)).toEqual([4, 5, 6.3, 7.8, 9.8])
  })

  it('refuses a factor that would not rise', () => {
    expect(() => rateSteps(4, 1, 10)).toThrow(RangeError)
    expect(() => rateSteps(0, 2, 10)).toThrow(RangeError)
  })
})

describe('the stop rule', () => {
  it('keeps rising while p99 is within the SLA, nothing errors and the backlog is steady', () => {
    expect(shortfalls(step(), 2000)).toEqual([])
    expect(shouldStop(step(), 2000)).toBe(false)
  })

  it('stops when p99 passes the SLA', () => {
    expect(shortfalls(step({ p99Ms: 2001 }), 2000)).toEqual(['p99_over_sla'])
    expect(shouldStop(step({ p99Ms: 2001 }), 2000)).toBe(true)
  })

  it('stops when p99 was not measured (nothing came back)', () => {
    expect(shortfalls(step({ p99Ms: NaN }), 2000)).toContain('p99_over_sla')
  })

  it('stops on any error, even with p99 fine', () => {
    expect(shortfalls(step({ errors: 1 }), 2000)).toEqual(['errors'])
  })

  it('stops when the backlog grows, even before p99 passes the SLA', () => {
    // 8/s offered, 6/s served: 2 more in flight every second
    const growing = step({ backlog: backlog(15_000, s => 2 + 2 * s) })
    expect(backlogGrows(growing)).toBe(true)
    expect(shortfalls(growing, 2000)).toEqual(['backlog_grows'])
  })

  it('does not take the ramp-up of the first answers for a growing backlog', () => {
    // in flight rises for one latency (1.5 s), then holds
    const ramp = step({ p50Ms: 1500, backlog: backlog(15_000, s => 12 * Math.min(1, s / 1.5)) })
    expect(backlogGrows(ramp)).toBe(false)
  })

  it('needs more than noise to call a backlog growing: a slow drift of a few submissions is not', () => {
    const drift = step({ backlog: backlog(15_000, s => 2 + s / 10) })
    expect(backlogGrows(drift)).toBe(false)
  })
})

describe('sweepAction', () => {
  it('rises after a sustained try, the first or a repeat', () => {
    expect(sweepAction([[]], 1)).toBe('rise')
    expect(sweepAction([['p99_over_sla'], []], 1)).toBe('rise')
  })

  it('tries a rate that fell short once more before it stops', () => {
    expect(sweepAction([['p99_over_sla']], 1)).toBe('repeat')
    expect(sweepAction([['p99_over_sla'], ['backlog_grows']], 1)).toBe('stop')
  })

  it('stops at once without repeats', () => {
    expect(sweepAction([['errors']], 0)).toBe('stop')
  })
})

describe('arrivals', () => {
  it('offers about rate × window Poisson arrivals, in order, within the window', () => {
    const xs = arrivalOffsets(10, 60_000, seededRandom(1))
    expect(xs.length).toBeGreaterThan(540)
    expect(xs.length).toBeLessThan(660)
    expect([...xs].sort((a, b) => a - b)).toEqual(xs)
    expect(xs.every(x => x >= 0 && x < 60_000)).toBe(true)
  })

  it('is the same load for the same seed', () => {
    expect(arrivalOffsets(5, 10_000, seededRandom(7))).toEqual(arrivalOffsets(5, 10_000, seededRandom(7)))
    expect(arrivalOffsets(5, 10_000, seededRandom(7))).not.toEqual(arrivalOffsets(5, 10_000, seededRandom(8)))
  })

  it('spaces fixed arrivals evenly', () => {
    expect(arrivalOffsets(4, 1000, seededRandom(1), 'fixed')).toEqual([0, 250, 500, 750])
  })
})
