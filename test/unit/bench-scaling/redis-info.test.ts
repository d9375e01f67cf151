import { describe, expect, it } from 'vitest'
import { countersFromInfo, keyKind, parseInfo } from '../../../bench/scaling/redis-info.js'
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

describe('keyKind', () => {
  const id = '3f2b8c1e-5a4d-4e6f-9b7a-1c2d3e4f5a6b'
  it('names our keys by kind, without their ids', () => {
    expect(keyKind('p', `p:submission:${id}`)).toBe('submission')
    expect(keyKind('p', `p:submission:${id}:files`)).toBe('submission files')
  })
  it('tells a BullMQ job hash from the queue\'s own keys', () => {
    expect(keyKind('p', `p:grading:${id}`)).toBe('job')
    expect(keyKind('p', `p:grading:${id}:logs`)).toBe('job logs')
    expect(keyKind('p', 'p:grading:wait')).toBe('queue wait')
    expect(keyKind('p', 'p:grading:events')).toBe('queue events')
  })
})
