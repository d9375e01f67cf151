import { describe, expect, it } from 'vitest'
import { scalingChartSvg } from '../../../bench/scaling/scaling-chart.js'
import { withEfficiency } from '../../../bench/scaling/scaling-report.js'
import type { ThroughputResult } from '../../../bench/scaling/scaling-throughput.js'

const result = (hosts: number, throughputPerS: number): ThroughputResult => ({
  hosts, coresPerHost: 0.5 / hosts, hostConcurrency: 8 / hosts, inFlight: 16, gradings: 60, throughputPerS, elapsedMs: 1000,
  notPassed: 0, outcomes: { pass: 60 }, perHost: {}, containerCores: 0.5, throttledFraction: 1, processCpuMsPerGrading: 50, keptBytesPerSubmission: 3000, keptBytesPerSubmissionByKind: {}, redisCpuUsPerGrading: 900, redisIdleCpuUsPerS: 2000, redisNetCpuUsPerGrading: 400, machineBusyCores: 1.8,
})

describe('scalingChartSvg', () => {
  const rows = withEfficiency([result(1, 1), result(2, 0.9), result(4, 0.8), result(1, 1)])
  const svg = scalingChartSvg(rows, { shareCores: 0.5, referencePerS: 1, machine: '2 cores, Debian 12 <test>' })

  it('draws one bar per configuration, the repeated one-host run named as such', () => {
    expect(svg.match(/<rect x=/g)).toHaveLength(4)
    expect(svg).toContain('1 host (again)')
    expect(svg).toContain('4 hosts')
  })
  it('labels each bar with its throughput and efficiency', () => {
    expect(svg).toContain('0.90/s · 0.90')
    expect(svg).toContain('0.80/s · 0.80')
  })
  it('escapes the machine name, so any text makes a valid document', () => {
    expect(svg).toContain('&lt;test&gt;')
    expect(svg).not.toContain('<test>')
  })
})
