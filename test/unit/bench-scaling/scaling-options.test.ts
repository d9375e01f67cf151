import { describe, expect, it } from 'vitest'
import { parseScalingOptions } from '../../../bench/scaling/scaling-options.js'
import { engineDaemonConfig, hostName } from '../../../bench/scaling/scaling-engines.js'

describe('parseScalingOptions', () => {
  it('compares 1, 2 and 4 hosts holding half a core in all, 8 slots, 16 in flight, by default', () => {
    const o = parseScalingOptions([])
    expect(o).toMatchObject({ hosts: [1, 2, 4], shareCores: 0.5, slots: 8, inFlight: 16, poolSize: 0, only: 'both', out: 'docs/bench/scaling.json' })
  })
  it('makes --quick smaller without changing what is compared but the widest configuration', () => {
    const o = parseScalingOptions(['--quick'])
    expect(o.hosts).toEqual([1, 2])
    expect(o.gradings).toBeLessThan(parseScalingOptions([]).gradings)
  })
  it('keeps in flight at twice the slots unless told', () => {
    expect(parseScalingOptions(['--slots', '8']).inFlight).toBe(16)
    expect(parseScalingOptions(['--slots', '8', '--in-flight', '9']).inFlight).toBe(9)
  })
  it('lists every problem at once', () => {
    expect(() => parseScalingOptions(['--hosts', '2,4', '--slots', '3', '--only', 'all'])).toThrow(/must start with 1[\s\S]*divide evenly[\s\S]*only/)
  })
  it('refuses hosts so small that a submission could not ask for their share', () => {
    expect(() => parseScalingOptions(['--hosts', '1,8', '--slots', '8', '--share-cores', '0.5'])).toThrow(/below 0.1 core/)
  })
})

describe('engine configuration', () => {
  it('gives each engine the main engine flags and its own cgroup parent', () => {
    expect(engineDaemonConfig('/grader-scale-b')).toEqual({
      bridge: 'none', iptables: false, ip6tables: false, 'log-driver': 'none', 'cgroup-parent': '/grader-scale-b',
    })
  })
  it('names hosts a, b, c… so they fit in socket paths', () => {
    expect([0, 1, 3].map(hostName)).toEqual(['scale-a', 'scale-b', 'scale-d'])
  })
})
