import { describe, expect, it } from 'vitest'
import { formatScalingTable, withEfficiency, workerReach } from '../../../bench/scaling/scaling-report.js'
import type { ThroughputResult } from '../../../bench/scaling/scaling-throughput.js'

const result = (hosts: number, throughputPerS: number): ThroughputResult => ({
  hosts, coresPerHost: 1 / hosts, hostConcurrency: 4 / hosts, inFlight: 8, gradings: 40, throughputPerS, elapsedMs: 1000,
  notPassed: 0, outcomes: { pass: 40 }, perHost: {}, containerCores: 0.9, throttledFraction: 0.5, processCpuMsPerGrading: 40, keptBytesPerSubmission: 3000, keptBytesPerSubmissionByKind: {}, redisCpuUsPerGrading: 900, redisIdleCpuUsPerS: 2000, redisNetCpuUsPerGrading: 400, machineBusyCores: 1.5,
})

describe('withEfficiency', () => {
  it('divides each throughput by the one-host throughput of the same total share', () => {
    const rows = withEfficiency([result(1, 4), result(2, 3.6), result(4, 2)])
    expect(rows.map(r => r.efficiency)).toEqual([1, 0.9, 0.5])
  })
  it('takes the mean of the one-host runs as the reference, so drift between them is shared out', () => {
    const rows = withEfficiency([result(1, 4), result(2, 4.5), result(1, 5)])
    expect(rows.map(r => r.efficiency)).toEqual([4 / 4.5, 1, 5 / 4.5])
  })
  it('refuses results without a one-host reference', () => {
    expect(() => withEfficiency([result(2, 3)])).toThrow(/one-host/)
    expect(() => withEfficiency([result(1, 0), result(2, 3)])).toThrow(/one-host/)
  })
})

describe('workerReach', () => {
  it('counts the hosts one worker core drives from its CPU per grading and a host rate per core', () => {
    // 20 ms per grading: 50 gradings/s per worker core; hosts grade 2.5/s per core.
    const reach = workerReach(20, 2.5, [1, 4])
    expect(reach.gradingsPerSPerWorkerCore).toBe(50)
    expect(reach.hostsPerWorker).toEqual([{ hostCores: 1, hosts: 20 }, { hostCores: 4, hosts: 5 }])
  })
  it('refuses a zero CPU per grading, which would drive infinitely many hosts', () => {
    expect(() => workerReach(0, 2)).toThrow()
  })
})

describe('formatScalingTable', () => {
  it('prints one line per configuration under a header, with the efficiency', () => {
    const lines = formatScalingTable(withEfficiency([result(1, 4), result(2, 3)])).split('\n')
    expect(lines).toHaveLength(4)
    expect(lines[0]).toMatch(/^hosts\s+cores\/host/)
    expect(lines[3]).toMatch(/^2\s+0\.50\s+2\s+3\.00\s+0\.75/)
  })
})
