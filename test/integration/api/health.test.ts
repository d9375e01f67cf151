import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, deadRedis, type TestApp } from './build-test-app.js'
import { WorkerRegistry } from '../../../services/shared/store/worker-registry.js'

let t: TestApp
beforeAll(async () => { t = await buildTestApp() })
afterAll(async () => { await t?.close() })
afterEach(async () => { await t.deps.registry.remove('test') })

describe('GET /healthz', () => {
  it('returns 200 with status ok', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok' })
  })
})

describe('GET /readyz', () => {
  it('returns 503 unavailable with the checks when no worker heartbeat is live', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' })
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual({
      error: { code: 'unavailable', message: expect.stringMatching(/worker/) },
      checks: { redis: { ok: true }, workers: { ok: false, live: 0, usableHosts: 0 } },
    })
  })

  it('returns 503 when the only live worker has no usable host', async () => {
    await t.deps.registry.publish({ workerId: 'test', languages: ['python'], usableHosts: 0 })
    const res = await t.app.inject({ method: 'GET', url: '/readyz' })
    expect(res.statusCode).toBe(503)
    expect(res.json().checks.workers).toEqual({ ok: false, live: 1, usableHosts: 0 })
  })

  it('returns 200 ready once a worker announces a usable host', async () => {
    await t.deps.registry.publish({ workerId: 'test', languages: ['python'], usableHosts: 2 })
    const res = await t.app.inject({ method: 'GET', url: '/readyz' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ready', checks: { redis: { ok: true }, workers: { ok: true, live: 1, usableHosts: 2 } } })
  })

  it('returns 503 when Redis does not answer', async () => {
    const dead = deadRedis()
    const own = await buildTestApp({}, { redis: dead, registry: new WorkerRegistry(dead, 'unused') })
    try {
      const res = await own.app.inject({ method: 'GET', url: '/readyz' })
      expect(res.statusCode).toBe(503)
      expect(res.json().checks.redis).toEqual({ ok: false })
      expect(res.json().error.code).toBe('unavailable')
    } finally {
      await own.close()
      dead.disconnect()
    }
  })
})
