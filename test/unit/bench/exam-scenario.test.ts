import { describe, expect, it } from 'vitest'
import { EXAM, examSchedule, INTERACTIVE, PRACTICE, scaledCount } from '../../../bench/exam/exam-scenario.js'

describe('exam schedule', () => {
  const plan = examSchedule(1, 1)
  const of = (tenant: string, phase?: string) => plan.filter(p => p.tenant === tenant && (phase === undefined || p.phase === phase))

  it('has the issue\'s counts at scale 1: 700 exam students, 2,000 practice, 50 interactive a few times each', () => {
    expect(of('exam')).toHaveLength(700)
    expect(of('practice')).toHaveLength(2000)
    expect(new Set(of('interactive').map(p => p.student)).size).toBe(50)
    expect(of('interactive', 'alone')).toHaveLength(50 * INTERACTIVE.aloneSubmits)
    expect(of('interactive', 'flood')).toHaveLength(50 * INTERACTIVE.floodSubmits)
  })

  it('puts every exam submission within 60 s, in the exam lane, exactly 20 % of them heavy', () => {
    const exam = of('exam')
    expect(exam.every(p => p.lane === 'exam' && p.phase === 'flood' && p.atMs >= 0 && p.atMs < EXAM.windowMs)).toBe(true)
    expect(exam.filter(p => p.kind === 'heavy')).toHaveLength(140)
    expect(new Set(exam.map(p => p.student)).size).toBe(700)
  })

  it('sends the practice flood in bursts of 2 s, 15 s apart, all fast and in the practice lane', () => {
    const practice = of('practice')
    expect(practice.every(p => p.lane === 'practice' && p.kind === 'fast')).toBe(true)
    for (const p of practice) {
      const into = p.atMs % PRACTICE.burstEveryMs
      expect(into).toBeLessThan(PRACTICE.burstMs)
    }
    const perBurst = [0, 1, 2, 3].map(b => practice.filter(p => Math.floor(p.atMs / PRACTICE.burstEveryMs) === b).length)
    expect(perBurst).toEqual([500, 500, 500, 500])
  })

  it('offers the interactive tenant the same rate alone and during the flood', () => {
    const aloneRate = of('interactive', 'alone').length / INTERACTIVE.aloneMs
    const floodRate = of('interactive', 'flood').length / INTERACTIVE.floodMs
    expect(floodRate).toBeCloseTo(aloneRate, 10)
  })

  it('orders the plan alone phase first, then by time, and numbers it', () => {
    const firstFlood = plan.findIndex(p => p.phase === 'flood')
    expect(plan.slice(0, firstFlood).every(p => p.phase === 'alone')).toBe(true)
    expect(plan.slice(firstFlood).every(p => p.phase === 'flood')).toBe(true)
    for (let i = 1; i < plan.length; i++) if (plan[i]!.phase === plan[i - 1]!.phase) expect(plan[i]!.atMs).toBeGreaterThanOrEqual(plan[i - 1]!.atMs)
    expect(plan.map(p => p.seq)).toEqual(plan.map((_, i) => i))
  })

  it('is the same for the same seed and differs for another', () => {
    expect(examSchedule(0.1, 7)).toEqual(examSchedule(0.1, 7))
    expect(examSchedule(0.1, 8)).not.toEqual(examSchedule(0.1, 7))
  })

  it('scales every count, keeping at least one of each', () => {
    expect(scaledCount(700, 0.1)).toBe(70)
    expect(scaledCount(50, 0.001)).toBe(1)
    const small = examSchedule(0.05, 1)
    expect(small.filter(p => p.tenant === 'exam')).toHaveLength(35)
    expect(small.filter(p => p.tenant === 'exam' && p.kind === 'heavy')).toHaveLength(7)
    expect(small.filter(p => p.tenant === 'practice')).toHaveLength(100)
    expect(() => scaledCount(10, 0)).toThrow(RangeError)
  })
})
