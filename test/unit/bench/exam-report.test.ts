import { describe, expect, it } from 'vitest'
import type { ClientOutcome } from '../../../bench/exam/exam-client.js'
import { retryAfterSeconds } from '../../../bench/exam/exam-client.js'
import { slaMissesFromMetrics } from '../../../bench/exam/sla-misses.js'
import { describeExamTarget, floodEndMs, groupReports, interactiveComparison, judgeExam, latencyTimeline, type ExamResult } from '../../../bench/exam/exam-report.js'

const base: ClientOutcome = { tries: 1, refusals: 0, retryAfterS: [], refusalsWithoutRetryAfter: 0, rateLimited: 0, unfinished: false }
function answered (acceptedAt: number, latency: number, extra: Partial<ClientOutcome> = {}): ClientOutcome {
  return { ...base, acceptedAt, answeredAt: acceptedAt + latency, status: 'pass', ...extra }
}
const r = (tenant: string, lane: ExamResult['lane'], phase: ExamResult['phase'], outcome: ClientOutcome): ExamResult => ({ tenant, lane, phase, outcome })
const SLA = { exam: 30_000, interactive: 10_000, practice: 30_000, regrade: null }

describe('exam report: groups', () => {
  const results: ExamResult[] = [
    r('exam-hall', 'exam', 'flood', answered(100_000, 1000, { container: 'warm', graderMs: { queueMs: 100, gradingMs: 800 } })),
    r('exam-hall', 'exam', 'flood', answered(105_000, 31_000, { tries: 2, refusals: 1, retryAfterS: [5], container: 'cold', graderMs: { queueMs: 29_000, gradingMs: 1900 } })),
    r('exam-hall', 'exam', 'flood', answered(120_000, 2000, { tries: 4, refusals: 3, retryAfterS: [5, 3, 2] })),
    r('exam-hall', 'exam', 'flood', { ...base, tries: 3, refusals: 2, retryAfterS: [4, 4], unfinished: true }),
    r('exam-hall', 'exam', 'flood', { ...base, acceptedAt: 101_000, answeredAt: 102_000, status: 'error/timeout', error: 'killed at the deadline' }),
    r('exam-hall', 'exam', 'flood', { ...base, error: 'POST answered 500: {}' }),
  ]
  const [g] = groupReports(results, { alone: 0, flood: 90_000 }, SLA)

  it('counts accepted, refused, refusals and the tries of the refused ones', () => {
    expect(g).toMatchObject({ tenant: 'exam-hall', lane: 'exam', phase: 'flood', submitted: 6, accepted: 4, refused: 3, refusals: 6, acceptedAtNextTry: 1, maxTries: 4 })
    expect(g!.triesOfRefused).toEqual({ 2: 1, 4: 1 })
    expect(g!.retryAfterS).toMatchObject({ n: 6, min: 2, max: 5 })
  })

  it('counts late ones against the lane\'s SLA, faults, errors and unfinished apart', () => {
    expect(g!.slaMs).toBe(30_000)
    expect(g!.late).toBe(1)
    expect(g!.latency.n).toBe(4)
    expect(g).toMatchObject({ faults: 1, errors: 1, unfinished: 1 })
    expect(g!.errorSamples.some(s => s.includes('error/timeout'))).toBe(true)
  })

  it('says where the time went by the grader\'s own timings, and how many runs were warm', () => {
    // 4 answered, 1 warm; only 2 carried the grader's timings
    expect(g!.warmShare).toBe(0.25)
    expect(g!.graderQueueMs).toMatchObject({ n: 2, min: 100, max: 29_000 })
    expect(g!.graderGradingMs).toMatchObject({ n: 2, min: 800, max: 1900 })
  })

  it('measures the last verdict from its phase\'s start', () => {
    // the last answer is 105 000 + 31 000 = 136 000 ms; the phase began at 90 000 ms
    expect(g!.drainedS).toBeCloseTo(46)
  })

  it('never counts a lane without an SLA late', () => {
    const [rg] = groupReports([r('x', 'regrade', 'flood', answered(0, 999_999))], { alone: 0, flood: 0 }, SLA)
    expect(rg!.late).toBe(0)
    expect(rg!.slaMs).toBeNull()
  })
})

describe('exam report: interactive alone against during the flood', () => {
  const results: ExamResult[] = [
    ...[400, 500, 600].map(ms => r('interactive', 'interactive', 'alone', answered(1000, ms))),
    ...[500, 700, 900].map(ms => r('interactive', 'interactive', 'flood', answered(100_000, ms))),
    // accepted after the flood was over: not "during"
    r('interactive', 'interactive', 'flood', answered(300_000, 100)),
    r('exam-hall', 'exam', 'flood', answered(100_000, 150_000)),
  ]

  it('ends the flood at the other tenants\' last verdict, or at the end when one is unfinished', () => {
    expect(floodEndMs(results, 'interactive', 400_000)).toBe(250_000)
    expect(floodEndMs([...results, r('practice-flood', 'practice', 'flood', { ...base, unfinished: true })], 'interactive', 400_000)).toBe(400_000)
  })

  it('compares p95 during the flood with p95 alone, leaving out what came after the flood', () => {
    const c = interactiveComparison(results, 'interactive', 250_000)
    expect(c.alone.n).toBe(3)
    expect(c.during.n).toBe(3)
    expect(c.afterFlood).toBe(1)
    expect(c.ratio).toBeCloseTo(c.during.p95! / c.alone.p95!)
    expect(c.ratio).toBeCloseTo(880 / 590)
  })

  it('gives no ratio when either side has no sample', () => {
    expect(interactiveComparison(results.filter(x => x.outcome.acceptedAt! > 50_000), 'interactive', 250_000).ratio).toBeNull()
  })
})

describe('exam report: targets', () => {
  const groups = groupReports([
    r('exam-hall', 'exam', 'flood', answered(0, 1000, { tries: 2, refusals: 1, retryAfterS: [3] })),
    r('exam-hall', 'exam', 'flood', answered(0, 1000)),
  ], { alone: 0, flood: 0 }, SLA)

  it('meets all three when nothing is late, the ratio holds and each refused one got in at its next try', () => {
    const t = judgeExam(groups, { alone: { n: 3, min: 1, p50: 1, p95: 100, p99: 1, max: 1, mean: 1 }, during: { n: 3, min: 1, p50: 1, p95: 150, p99: 1, max: 1, mean: 1 }, afterFlood: 0, ratio: 1.5 })
    expect(t.map(x => [x.name, x.met])).toEqual([['noLateAccepted', true], ['interactiveP95Ratio', true], ['retryAfterHonoured', true]])
  })

  it('misses each with the numbers that say why', () => {
    const bad = groupReports([
      r('exam-hall', 'exam', 'flood', answered(0, 40_000, { tries: 3, refusals: 2, retryAfterS: [3, 3] })),
      r('exam-hall', 'exam', 'flood', answered(0, 1000, { tries: 2, refusalsWithoutRetryAfter: 1 })),
    ], { alone: 0, flood: 0 }, SLA)
    const t = judgeExam(bad, { alone: { n: 3, min: 1, p50: 1, p95: 100, p99: 1, max: 1, mean: 1 }, during: { n: 3, min: 1, p50: 1, p95: 151, p99: 1, max: 1, mean: 1 }, afterFlood: 0, ratio: 1.51 })
    expect(t.every(x => !x.met)).toBe(true)
    expect(t[0]!.reason).toContain('1 of 2: exam-hall/exam 1 (max 40000 ms, SLA 30000 ms)')
    expect(t[2]!.reason).toContain('0 of 1 refused were accepted at the next try; the others needed up to 3 tries')
    expect(t[2]!.reason).toContain('1 503 came without Retry-After')
    expect(describeExamTarget(t[1]!)).toBe('interactive p95 during the flood / alone: 1.51× (target ≤ 1.5×: missed): p95 151 ms during (n = 3) against 100 ms alone (n = 3)')
  })

  it('names the grader\'s own count of misses beside the clients\'', () => {
    const t = judgeExam(groups, { alone: { n: 0, min: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN }, during: { n: 0, min: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN }, afterFlood: 0, ratio: null }, [{ lane: 'exam', cause: 'queue_wait', count: 2 }])
    expect(t[0]!.reason).toBe('all 2 answered within their lane\'s SLA; the grader counted 2 (grader_sla_misses_total: exam/queue_wait 2)')
  })

  it('never calls a target met when nothing was measured', () => {
    const t = judgeExam([], { alone: { n: 0, min: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN }, during: { n: 0, min: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN }, afterFlood: 0, ratio: null })
    expect(t[0]!.met).toBe(false)
    expect(t[1]!.met).toBe(false)
  })
})

describe('exam report: latency over time', () => {
  it('buckets verdicts by when they arrived, per lane', () => {
    const points = latencyTimeline([
      r('a', 'exam', 'flood', answered(0, 1000)),
      r('a', 'exam', 'flood', answered(2000, 2000)),
      r('b', 'practice', 'flood', answered(3000, 4000)),
      r('a', 'exam', 'flood', { ...base, unfinished: true }),
    ], 5)
    expect(points).toEqual([
      { tS: 0, lane: 'exam', n: 2, p50: 1500, p95: 1950, max: 2000 },
      { tS: 5, lane: 'practice', n: 1, p50: 4000, p95: 4000, max: 4000 },
    ])
  })
})

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    expect(retryAfterSeconds('7')).toBe(7)
    expect(retryAfterSeconds(new Date(10_500).toUTCString(), 1000)).toBe(9)
    expect(retryAfterSeconds(null)).toBeUndefined()
    expect(retryAfterSeconds('soon')).toBeUndefined()
  })
})

describe('the grader\'s own SLA misses', () => {
  it('sums grader_sla_misses_total over languages, per lane and cause, and ignores other metrics', () => {
    const text = [
      '# HELP grader_sla_misses_total Gradings whose end-to-end time exceeded their lane\'s GRADER_SLA_MS',
      '# TYPE grader_sla_misses_total counter',
      'grader_sla_misses_total{language="python",lane="exam",cause="queue_wait"} 3',
      'grader_sla_misses_total{language="java",lane="exam",cause="queue_wait"} 2',
      'grader_sla_misses_total{language="python",lane="practice",cause="grading"} 1',
      'grader_sla_misses_total{language="python",lane="interactive",cause="retried"} 0',
      'grader_submissions_total{language="python",status="pass"} 99',
    ].join('\n')
    expect(slaMissesFromMetrics(text)).toEqual([
      { lane: 'exam', cause: 'queue_wait', count: 5 },
      { lane: 'practice', cause: 'grading', count: 1 },
    ])
    expect(slaMissesFromMetrics('')).toEqual([])
  })
})
