import { describe, expect, it } from 'vitest'
import { cpuCost, parseProcStat } from '../../../bench/host-cpu.js'

describe('host CPU from /proc/stat', () => {
  const stat = (user: number, idle: number, iowait = 0) => `cpu  ${user} 0 100 ${idle} ${iowait} 5 5 0 40 0\ncpu0 1 2 3 4 5 6 7 8 9 10\nintr 1 2\n`

  it('counts user, nice, system, irq, softirq and steal as busy, idle and iowait as not, guest not twice', () => {
    expect(parseProcStat(stat(1000, 5000, 50))).toEqual({ busy: 1110, total: 6160 })
  })

  it('turns two readings into core-seconds and busy cores', () => {
    const cost = cpuCost(parseProcStat(stat(1000, 5000)), parseProcStat(stat(1300, 5100)), 2, 100)
    expect(cost.busyS).toBeCloseTo(3)
    expect(cost.busyCores).toBeCloseTo(1.5)
  })

  it('refuses a file without an aggregate cpu line', () => {
    expect(() => parseProcStat('cpu0 1 2 3 4\n')).toThrow(/aggregate cpu line/)
  })
})
