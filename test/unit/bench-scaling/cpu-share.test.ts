import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CpuShare, detectCgroupVersion, parseCpuStat, quotaUs, usageBetween } from '../../../bench/scaling/cpu-share.js'

describe('quotaUs', () => {
  it('turns cores into a CFS quota per 100 ms period', () => {
    expect(quotaUs(1)).toBe(100_000)
    expect(quotaUs(0.25)).toBe(25_000)
    expect(quotaUs(2)).toBe(200_000)
  })
  it('never goes below the kernel minimum of 1 ms', () => {
    expect(quotaUs(0.001)).toBe(1000)
  })
  it('refuses a share of no cores', () => {
    expect(() => quotaUs(0)).toThrow(/above 0/)
    expect(() => quotaUs(Number.NaN)).toThrow(/above 0/)
  })
})

describe('parseCpuStat', () => {
  it('reads the throttling counters of cgroup v1', () => {
    expect(parseCpuStat('nr_periods 120\nnr_throttled 30\nthrottled_time 999\n')).toEqual({ usageUs: 0, periods: 120, throttledPeriods: 30 })
  })
  it('reads usage_usec as well on cgroup v2', () => {
    expect(parseCpuStat('usage_usec 5000\nuser_usec 4000\nsystem_usec 1000\nnr_periods 10\nnr_throttled 2\nthrottled_usec 7\n'))
      .toEqual({ usageUs: 5000, periods: 10, throttledPeriods: 2 })
  })
  it('subtracts two readings', () => {
    expect(usageBetween({ usageUs: 10, periods: 5, throttledPeriods: 1 }, { usageUs: 30, periods: 9, throttledPeriods: 4 }))
      .toEqual({ usageUs: 20, periods: 4, throttledPeriods: 3 })
  })
})

// A cgroup v1 root is plain folders and files: a temporary folder laid out the same way stands in.
describe('CpuShare on a cgroup v1 layout', () => {
  let root = ''
  afterEach(() => { if (root !== '') rmSync(root, { recursive: true, force: true }) })
  const v1Root = () => {
    root = mkdtempSync(join(tmpdir(), 'cpu-share-'))
    mkdirSync(join(root, 'cpu'))
    mkdirSync(join(root, 'cpuacct'))
    writeFileSync(join(root, 'cpu', 'cpu.cfs_quota_us'), '-1')
    return root
  }

  it('detects v1 by its cpu hierarchy and v2 by cgroup.controllers', () => {
    expect(detectCgroupVersion(v1Root())).toBe('v1')
    writeFileSync(join(root, 'cgroup.controllers'), 'cpu io memory')
    expect(detectCgroupVersion(root)).toBe('v2')
  })

  it('writes the quota and the period of the share, and reads them back as cores', () => {
    const share = CpuShare.create('grader-scale-a', 0.5, v1Root())
    expect(readFileSync(join(root, 'cpu', 'grader-scale-a', 'cpu.cfs_quota_us'), 'utf8')).toBe('50000')
    expect(readFileSync(join(root, 'cpu', 'grader-scale-a', 'cpu.cfs_period_us'), 'utf8')).toBe('100000')
    expect(share.cores()).toBe(0.5)
    expect(share.cgroupParent).toBe('/grader-scale-a')
  })

  it('clears empty container cgroups below the share before lowering it', () => {
    const share = CpuShare.create('grader-scale-a', 1, v1Root())
    mkdirSync(join(root, 'cpu', 'grader-scale-a', 'left-by-a-container'))
    share.setCores(0.25)
    expect(() => readFileSync(join(root, 'cpu', 'grader-scale-a', 'left-by-a-container'))).toThrow()
    expect(share.cores()).toBe(0.25)
  })

  it('reports cpuacct usage in µs beside the throttling counters', () => {
    const share = CpuShare.create('grader-scale-a', 1, v1Root())
    writeFileSync(join(root, 'cpu', 'grader-scale-a', 'cpu.stat'), 'nr_periods 4\nnr_throttled 1\nthrottled_time 0\n')
    writeFileSync(join(root, 'cpuacct', 'grader-scale-a', 'cpuacct.usage'), '2500000')
    expect(share.usage()).toEqual({ usageUs: 2500, periods: 4, throttledPeriods: 1 })
  })

  it('refuses a name that is not a plain cgroup name', () => {
    expect(() => CpuShare.create('../escape', 1, v1Root())).toThrow(/cgroup name/)
  })
})

describe('CpuShare.remove on a cgroup v1 layout', () => {
  it('removes the share from every hierarchy dockerd made it in, with the cgroups below it', () => {
    const root = mkdtempSync(join(tmpdir(), 'cpu-share-'))
    try {
      for (const h of ['cpu', 'cpuacct', 'memory', 'pids']) mkdirSync(join(root, h))
      writeFileSync(join(root, 'cpu', 'cpu.cfs_quota_us'), '-1')
      const share = CpuShare.create('grader-scale-a', 1, root)
      // What dockerd adds when a container starts under --cgroup-parent=/grader-scale-a.
      mkdirSync(join(root, 'memory', 'grader-scale-a', 'container-id'), { recursive: true })
      mkdirSync(join(root, 'pids', 'grader-scale-a'))
      share.remove()
      // Only the hierarchies holding no control files: in a plain folder (unlike cgroupfs) the
      // quota files written by create() are real files, so rmdir leaves cpu/ where it is.
      for (const h of ['cpuacct', 'memory', 'pids']) expect(existsSync(join(root, h, 'grader-scale-a'))).toBe(false)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
