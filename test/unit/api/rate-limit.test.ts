import { describe, expect, it } from 'vitest'
import type { Principal } from '../../../services/api/plugins/principal.js'
import { limitsFor, rateLimitVerdict, type LimitCount } from '../../../services/api/plugins/rate-limit.js'

const principal = (overrides: Partial<Principal> = {}): Principal => ({
  keyId: 'key_a', tenantId: 'ten_a', roles: new Set(['submit']), globalAdmin: false, tenantWeight: 1, ...overrides,
})
const count = (overrides: Partial<LimitCount> = {}): LimitCount => ({
  dimension: 'tenant', perMinute: 10, remaining: 5, resetS: 30, exceeded: false, ...overrides,
})

describe('limitsFor', () => {
  it('applies no limit without a principal', () => {
    expect(limitsFor(undefined)).toEqual([])
  })

  it('applies no limit to a principal without limits', () => {
    expect(limitsFor(principal())).toEqual([])
  })

  it('applies the tenant limit counted by tenant id and the key limit counted by key id', () => {
    expect(limitsFor(principal({ tenantPerMinute: 600, keyPerMinute: 5 }))).toEqual([
      { dimension: 'tenant', id: 'ten_a', perMinute: 600 },
      { dimension: 'key', id: 'key_a', perMinute: 5 },
    ])
  })

  it('applies only the dimension that has a limit', () => {
    expect(limitsFor(principal({ keyPerMinute: 5 }))).toEqual([{ dimension: 'key', id: 'key_a', perMinute: 5 }])
    expect(limitsFor(principal({ tenantPerMinute: 7 }))).toEqual([{ dimension: 'tenant', id: 'ten_a', perMinute: 7 }])
  })

  it('keeps a limit of 0 (every request refused) apart from no limit', () => {
    expect(limitsFor(principal({ tenantPerMinute: 0 }))).toEqual([{ dimension: 'tenant', id: 'ten_a', perMinute: 0 }])
  })
})

describe('rateLimitVerdict', () => {
  it('sends no header when nothing was counted', () => {
    expect(rateLimitVerdict([])).toEqual({ headers: {} })
  })

  it('reports the limit with the fewest requests left on an accepted request', () => {
    const verdict = rateLimitVerdict([count({ perMinute: 600, remaining: 400, resetS: 50 }), count({ dimension: 'key', perMinute: 5, remaining: 2, resetS: 20 })])
    expect(verdict).toEqual({ headers: { 'ratelimit-limit': '5', 'ratelimit-remaining': '2', 'ratelimit-reset': '20' } })
  })

  it('reports the later reset when both limits have as many left', () => {
    const verdict = rateLimitVerdict([count({ remaining: 3, resetS: 10 }), count({ dimension: 'key', perMinute: 4, remaining: 3, resetS: 40 })])
    expect(verdict.headers['ratelimit-reset']).toBe('40')
    expect(verdict.refused).toBeUndefined()
  })

  it('refuses over one limit with Retry-After = its reset, and says which limit', () => {
    const verdict = rateLimitVerdict([count({ perMinute: 600, remaining: 100 }), count({ dimension: 'key', perMinute: 5, remaining: 0, resetS: 12, exceeded: true })])
    expect(verdict.headers).toEqual({ 'ratelimit-limit': '5', 'ratelimit-remaining': '0', 'ratelimit-reset': '12', 'retry-after': '12' })
    expect(verdict.refused).toEqual({ retryAfterS: 12, message: expect.stringMatching(/this key .*5 per minute for the key.* 12 s/) })
  })

  it('waits for the last limit to reset when over both', () => {
    const verdict = rateLimitVerdict([count({ remaining: 0, resetS: 45, exceeded: true }), count({ dimension: 'key', perMinute: 5, remaining: 0, resetS: 12, exceeded: true })])
    expect(verdict.headers['retry-after']).toBe('45')
    expect(verdict.headers['ratelimit-limit']).toBe('10')
    expect(verdict.refused?.message).toMatch(/this tenant and this key/)
  })
})
