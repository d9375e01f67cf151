import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../services/shared/config/config.js'
import { HOST_POOL_BUDGETS, loadHostPoolOptions } from '../../../services/hostpool/host-pool-options.js'

describe('host pool options', () => {
  it('holds the fixed budgets beside the environment ones, and derives the flap window and the recycle claim from them', () => {
    const o = loadHostPoolOptions({ GRADER_HOST_GRACE_MS: '2000', GRADER_RECYCLE_TIMEOUT_MS: '30000', GRADER_RECYCLE_BACKOFF_MS: '20000' })
    expect(o.acquireWaitMs).toBe(HOST_POOL_BUDGETS.acquireWaitMs)
    expect(o.imageSyncTimeoutMs).toBe(HOST_POOL_BUDGETS.imageSyncTimeoutMs)
    expect(o.flapWindowMs).toBe(120_000)
    expect(o.recycleClaimMs).toBe(2000 + 30_000 + HOST_POOL_BUDGETS.recycleClaimMarginMs)
    expect(loadHostPoolOptions({}).flapWindowMs).toBe(HOST_POOL_BUDGETS.flapWindowMinMs)
    expect(Object.isFrozen(o)).toBe(true)
  })

  it('lists every bad variable in one error', () => {
    expect(() => loadHostPoolOptions({ GRADER_PROBE_INTERVAL_MS: '5', GRADER_IMAGE_SYNC: 'yes' })).toThrow(ConfigError)
    try {
      loadHostPoolOptions({ GRADER_PROBE_INTERVAL_MS: '5', GRADER_IMAGE_SYNC: 'yes' })
    } catch (err) {
      expect((err as Error).message).toMatch(/GRADER_PROBE_INTERVAL_MS[\s\S]*GRADER_IMAGE_SYNC/)
    }
  })
})
