import { describe, expect, it } from 'vitest'
import { describeJudged, judge } from '../../../bench/targets.js'

describe('targets', () => {
  it('meets an at-most target at or under it, and says by how much it is over otherwise', () => {
    expect(judge('warmP50', 0.25).met).toBe(true)
    const missed = judge('warmP50', 0.41)
    expect(missed.met).toBe(false)
    expect(missed.missBy).toBeCloseTo(0.64)
    expect(describeJudged(missed)).toBe('warm p50 / baseline p50: 0.41× (target ≤ 0.25×: missed, 64 % over)')
  })

  it('meets an at-least target at or over it, and says by how much it is short otherwise', () => {
    expect(judge('sustainedRate', 1.6).met).toBe(true)
    const short = judge('sustainedRate', 1.2)
    expect(short.missBy).toBeCloseTo(0.2)
    expect(describeJudged(short)).toContain('missed, 20 % short')
  })

  it('never calls an unmeasured ratio met', () => {
    const j = judge('coldP50', NaN)
    expect(j.met).toBe(false)
    expect(describeJudged(j)).toContain('not measured')
  })
})
