import { describe, expect, it } from 'vitest'
import { countersFromInfo, parseInfo } from '../../../bench/scaling/redis-info.js'
import { parseLoadavg } from '../../../bench/scaling/machine-load.js'

const INFO = '# Server\r\nredis_version:7.0.15\r\n\r\n# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\n# CPU\r\nused_cpu_sys:1.500000\r\nused_cpu_user:2.250000\r\n'

describe('Redis INFO', () => {
  it('reads fields, skipping section headers and blank lines', () => {
    const f = parseInfo(INFO)
    expect(f.get('used_memory_human')).toBe('1.00M')
    expect(f.has('# Memory')).toBe(false)
  })
  it('turns memory into bytes and CPU seconds into µs', () => {
    expect(countersFromInfo(INFO)).toEqual({ usedMemoryBytes: 1048576, cpuUs: 3_750_000, version: '7.0.15' })
  })
  it('refuses an INFO without the memory field', () => {
    expect(() => countersFromInfo('redis_version:7\r\n')).toThrow(/used_memory/)
  })
})

describe('parseLoadavg', () => {
  it('reads the three load averages', () => {
    expect(parseLoadavg('0.52 1.10 2.00 1/345 6789\n')).toEqual({ load1: 0.52, load5: 1.1, load15: 2 })
  })
  it('refuses text that is not a loadavg', () => {
    expect(() => parseLoadavg('nonsense')).toThrow(/loadavg/)
  })
})
