import { describe, expect, it } from 'vitest'
import { poolCounts } from '../../../bench/bench-report.js'

describe('poolCounts', () => {
  it('sums hits and misses over the hosts that report a pool', () => {
    const hosts = { hosts: [{ id: 'a', pool: { ready: 2, hits: 40, misses: 1 } }, { id: 'b', pool: { hits: 3, misses: 2 } }, { id: 'c' }] }
    expect(poolCounts(hosts)).toEqual({ hits: 43, misses: 3 })
  })

  it('is undefined for a grader without a pool, or no answer', () => {
    expect(poolCounts({ hosts: [{ id: 'a' }] })).toBeUndefined()
    expect(poolCounts(null)).toBeUndefined()
    expect(poolCounts({ error: { code: 'forbidden' } })).toBeUndefined()
  })
})
