import { describe, expect, it } from 'vitest'
import { examChart, latencyChart, queueChart } from '../../../bench/exam/exam-chart.js'
import { recordText, type ExamRecord } from '../../../bench/exam/exam-record.js'

const summary = { n: 0, min: null, p50: null, p95: null, p99: null, max: null, mean: null }
function record (withCapacity: boolean): ExamRecord {
  const group = (lane: 'exam' | 'practice' | 'interactive') => ({
    tenant: lane, lane, phase: 'flood' as const, submitted: 1, accepted: 1, refused: 0, refusals: 0, acceptedAtNextTry: 0, triesOfRefused: {}, maxTries: 1,
    retryAfterS: summary, refusalsWithoutRetryAfter: 0, rateLimited: 0, latency: summary, slaMs: 30_000, late: 0, faults: 0, errors: 0, unfinished: 0, errorSamples: [], drainedS: 10,
  })
  return {
    version: 1, scenario: 'exam', startedAt: '2026-12-02T00:00:00Z', durationS: 100, scale: 0.1, seed: 1, timeLimitS: 600, timedOut: false,
    machine: { cores: 2, os: 'x', kernel: 'x', docker: 'x', cpuModel: 'x', memoryGiB: 1, backgroundBusyCores: 0 },
    grader: { mode: 'started', env: {}, tenancy: 'tenants', slaMsByLane: { exam: 30_000, interactive: 10_000, practice: 30_000, regrade: null } },
    tenants: [], floodStartS: 20, floodEndS: 80, examDrainedS: 40,
    groups: [group('exam'), group('practice'), group('interactive')],
    interactive: { alone: summary, during: summary, afterFlood: 0, ratio: null },
    load: { floodBusyCores: 1.9, benchCpuS: 12 }, serverSlaMisses: null, problems: [], targets: [],
    timeline: [
      { tS: 21, held: { exam: 5, practice: 3 }, retrying: { exam: 7 }, ...(withCapacity ? { capacity: { exam: { queued: 4, estimatedWaitMs: 9000 } }, rate: { ratePerMinute: 60, measuredPerMinute: 50, inFlight: 2, queued: 3 } } : {}) },
      { tS: 22, held: { exam: 6, practice: 2 }, retrying: { exam: 2 } },
    ],
    latencyTimeline: [{ tS: 20, lane: 'exam', n: 3, p50: 900, p95: 1800, max: 2000 }],
    latencyBucketS: 5,
  }
}

describe('exam chart', () => {
  it('stacks the queue panel above the latency panel in one SVG', () => {
    const svg = examChart(record(false))
    expect(svg.match(/<svg /g)).toHaveLength(3)
    expect(svg).toContain('y="400"')
    expect(svg).toContain('queue per lane')
    expect(svg).toContain('Latency of the accepted submissions')
  })

  it('draws the clients\' view of the queue, and the capacity route\'s total only when it answered', () => {
    expect(queueChart(record(false), 100)).toContain('exam: awaiting verdict')
    expect(queueChart(record(false), 100)).not.toContain('capacity: waiting')
    expect(queueChart(record(true), 100)).toContain('capacity: waiting, all lanes')
  })

  it('draws the estimated wait beside the measured latency when the capacity route answered', () => {
    expect(latencyChart(record(false), 100)).not.toContain('estimated wait')
    expect(latencyChart(record(true), 100)).toContain('exam: estimated wait')
  })

  it('dashes the refused clients waiting to retry only for lanes that had any', () => {
    const svg = queueChart(record(false), 100)
    expect(svg).toContain('exam: refused, retrying')
    expect(svg).not.toContain('practice: refused')
  })

  it('marks the flood, the exam\'s drain and each distinct SLA', () => {
    const svg = latencyChart(record(false), 100)
    expect(svg).toContain('flood starts')
    expect(svg).toContain('exam drained')
    expect(svg).toContain('SLA 30 s (exam, practice)')
    expect(svg).toContain('SLA 10 s (interactive)')
  })
})

describe('exam record text', () => {
  it('reads back as the same record, one line per second of the timeline', () => {
    const r = record(true)
    const text = recordText(r)
    expect(JSON.parse(text)).toEqual(r)
    expect(text.split('\n').filter(l => l.startsWith('    {"tS":'))).toHaveLength(r.timeline.length + r.latencyTimeline.length)
  })
})
