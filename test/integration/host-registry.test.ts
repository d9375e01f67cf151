// The Redis side of the host pool's shared state: recycle claims and controls.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { HostRegistry } from '../../services/shared/store/host-registry.js'
import { scanKeys } from '../../services/shared/store/redis-keys.js'

const redis = new Redis(process.env.REDIS_URL ?? '')
const prefix = `test-hosts-${randomUUID()}`
const registry = new HostRegistry(redis, prefix)
afterAll(async () => {
  const keys = await scanKeys(redis, `${prefix}:*`)
  if (keys.length > 0) await redis.del(...keys)
  await redis.quit()
})

describe('host registry', () => {
  it('lets only one worker at a time claim the recycle of a shared host', async () => {
    expect(await registry.claimRecycle('dock-1', 'worker-a', 10_000)).toBe(true)
    expect(await registry.claimRecycle('dock-1', 'worker-b', 10_000)).toBe(false)
    // Releasing someone else's claim does nothing.
    await registry.releaseRecycle('dock-1', 'worker-b')
    expect(await registry.claimRecycle('dock-1', 'worker-b', 10_000)).toBe(false)
    await registry.releaseRecycle('dock-1', 'worker-a')
    expect(await registry.claimRecycle('dock-1', 'worker-b', 10_000)).toBe(true)
  })

  it('keeps concurrent control changes of one host', async () => {
    await Promise.all([registry.setControl('dock-2', { draining: true }), registry.setControl('dock-2', { concurrency: 5 })])
    expect((await registry.controls())['dock-2']).toEqual({ draining: true, concurrency: 5 })
  })
})
