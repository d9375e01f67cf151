import { describe, expect, it } from 'vitest'
import { cdfPoints, percentile, slope, summarize } from '../../../bench/stats.js'

describe('percentile', () => {
  it('interpolates between closest ranks', () => {
    expect(percentile([10, 20, 30, 40], 0.5)).toBe(25)
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBeCloseTo(9.55)
  })

  it('does not depend on the order of the samples', () => {
    expect(percentile([40, 10, 30, 20], 0.5)).toBe(25)
  })

  it('gives the extremes at 0 and 1, and the one sample for a single sample', () => {
    expect(percentile([3, 1, 2], 0)).toBe(1)
    expect(percentile([3, 1, 2], 1)).toBe(3)
    expect(percentile([7], 0.99)).toBe(7)
  })

  it('is NaN without samples and refuses a quantile outside 0..1', () => {
    expect(percentile([], 0.5)).toBeNaN()
    expect(() => percentile([1], 1.5)).toThrow(RangeError)
  })

  it('puts p99 of 100 samples just under the maximum, not on it', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(xs, 0.99)).toBeCloseTo(99.01)
  })
})

describe('summarize', () => {
  it('reports n, min, max, mean and the three percentiles', () => {
    expect(summarize([1, 2, 3, 4])).toEqual({ n: 4, min: 1, p50: 2.5, p95: expect.closeTo(3.85, 5), p99: expect.closeTo(3.97, 5), max: 4, mean: 2.5 })
  })
})

describe('cdfPoints', () => {
  it('steps up by 1/n at each sorted sample and ends at 1', () => {
    expect(cdfPoints([30, 10, 20, 40])).toEqual([{ x: 10, y: 0.25 }, { x: 20, y: 0.5 }, { x: 30, y: 0.75 }, { x: 40, y: 1 }])
  })
})

describe('slope', () => {
  it('fits a straight line exactly and is 0 for a flat or degenerate one', () => {
    expect(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toBeCloseTo(2)
    expect(slope([{ x: 0, y: 4 }, { x: 1, y: 4 }])).toBe(0)
    expect(slope([{ x: 1, y: 4 }])).toBe(0)
    expect(slope([{ x: 1, y: 4 }, { x: 1, y: 9 }])).toBe(0)
  })
})
