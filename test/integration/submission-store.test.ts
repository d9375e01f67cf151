// Exactly-once completion in Redis, as workers racing on one submission see it.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import type { Result } from '../../services/shared/contracts/submission-schema.js'
import { scanKeys } from '../../services/shared/store/redis-keys.js'
import { SubmissionStore } from '../../services/shared/store/submission-store.js'

const redis = new Redis(process.env.REDIS_URL ?? '')
const prefix = `test-store-${randomUUID()}`
const store = new SubmissionStore(redis, prefix, 60)
const result = (status: Result['status']): Result => ({ status, tests: [], durationMs: 1 })
afterAll(async () => {
  const keys = await scanKeys(redis, `${prefix}:*`)
  if (keys.length > 0) await redis.del(...keys)
  await redis.quit()
})

async function fresh (): Promise<string> {
  const id = randomUUID()
  await store.create({ id, state: 'queued', language: 'python', createdAt: new Date().toISOString(), metadata: { tags: [] } })
  return id
}

describe('submission store', () => {
  it('records only the first of two completions, and announces it once', async () => {
    const id = await fresh()
    const listener = redis.duplicate()
    let heard = 0
    listener.on('message', (_c: string, m: string) => { if (m === id) heard++ })
    await listener.subscribe(store.doneChannel)
    const outcomes = await Promise.all([store.complete(id, result('pass')), store.complete(id, result('fail'))])
    expect(outcomes.filter(Boolean)).toHaveLength(1)
    const stored = await store.get(id)
    expect(stored?.state).toBe('done')
    expect(stored?.result?.status).toBe(outcomes[0] ? 'pass' : 'fail')
    expect(stored?.metadata).toEqual({ tags: [] })
    await new Promise(r => setTimeout(r, 100))
    expect(heard).toBe(1)
    await listener.quit()
  })

  it('never turns a done submission back into running', async () => {
    const id = await fresh()
    await store.markRunning(id)
    expect((await store.get(id))?.state).toBe('running')
    await store.complete(id, result('pass'))
    await store.markRunning(id)
    expect((await store.get(id))?.state).toBe('done')
  })
})
