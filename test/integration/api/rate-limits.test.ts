// Per-tenant and per-key rate limits (services/api/plugins/rate-limit.ts) against the test run's
// real Redis: counted in Redis so every API process shares them, 429 `rate_limited` with
// Retry-After and the IETF draft RateLimit-* headers, failing open when Redis is down.
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { installErrorHandling } from '../../../services/api/plugins/error-handler.js'
import type { Principal } from '../../../services/api/plugins/principal.js'
import { installRateLimits } from '../../../services/api/plugins/rate-limit.js'
import { scanKeys } from '../../../services/shared/store/redis-keys.js'
import { AUTH, buildTestApp, deadRedis, redisUrl, type TestApp } from './build-test-app.js'

/** What a test principal is made of, sent as JSON in a header the seam below reads. */
type TestPrincipal = Pick<Principal, 'keyId' | 'tenantId' | 'keyPerMinute' | 'tenantPerMinute'>

let redis: Redis
let prefix: string
const apps: FastifyInstance[] = []

/**
 * A `/v1` scope as app.ts builds it, with a stand-in for the authentication
 * hook (the typed seam: it sets `request.principal` from a test header), then
 * the limits, then one route.
 */
async function limitedApp (on: Redis = redis): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  installErrorHandling(app, { bodyLimitBytes: 1024 })
  await app.register(async v1 => {
    v1.addHook('onRequest', async request => {
      const raw = request.headers['x-test-principal']
      if (typeof raw !== 'string') return
      const p = JSON.parse(raw) as TestPrincipal
      request.principal = { ...p, roles: new Set(['submit', 'read']), globalAdmin: false, tenantWeight: 1 }
    })
    await installRateLimits(v1, { redis: on, prefix })
    v1.get('/ping', async () => ({ ok: true }))
  }, { prefix: '/v1' })
  await app.ready()
  apps.push(app)
  return app
}

const as = (p: TestPrincipal) => ({ 'x-test-principal': JSON.stringify(p) })
const ping = async (app: FastifyInstance, p?: TestPrincipal) => await app.inject({ method: 'GET', url: '/v1/ping', headers: p === undefined ? {} : as(p) })

beforeAll(async () => { redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 }) })
afterAll(async () => { await redis.quit() })
afterEach(async () => {
  await Promise.all(apps.splice(0).map(async a => await a.close()))
  const keys = await scanKeys(redis, `${prefix}:*`)
  if (keys.length > 0) await redis.del(...keys)
})
beforeEach(() => { prefix = `test-rate-${randomUUID()}` })

describe('rate limits per tenant and per key', () => {
  it('answers the 6th request of a tenant limited to 5 per minute with 429 rate_limited, Retry-After and the RateLimit headers', async () => {
    const app = await limitedApp()
    const tenant = { keyId: 'key_1', tenantId: 'ten_a', tenantPerMinute: 5 }
    for (let i = 1; i <= 5; i++) {
      const res = await ping(app, tenant)
      expect(res.statusCode).toBe(200)
      expect(res.headers['ratelimit-limit']).toBe('5')
      expect(res.headers['ratelimit-remaining']).toBe(String(5 - i))
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1)
      expect(Number(res.headers['ratelimit-reset'])).toBeLessThanOrEqual(60)
      expect(res.headers['retry-after']).toBeUndefined()
    }
    const refused = await ping(app, tenant)
    expect(refused.statusCode).toBe(429)
    expect(refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/this tenant/) } })
    expect(refused.headers['ratelimit-limit']).toBe('5')
    expect(refused.headers['ratelimit-remaining']).toBe('0')
    const retryAfterS = Number(refused.headers['retry-after'])
    expect(retryAfterS).toBeGreaterThanOrEqual(1)
    expect(retryAfterS).toBeLessThanOrEqual(60)
    expect(refused.headers['ratelimit-reset']).toBe(String(retryAfterS))
    // counted in Redis under the grader's prefix, by tenant id
    expect(await redis.get(`${prefix}:ratelimit:tenant:ten_a`)).toBe('6')
  })

  it('counts every key of a tenant together, and leaves another tenant alone', async () => {
    const app = await limitedApp()
    for (const keyId of ['key_1', 'key_2', 'key_1']) expect((await ping(app, { keyId, tenantId: 'ten_a', tenantPerMinute: 3 })).statusCode).toBe(200)
    expect((await ping(app, { keyId: 'key_3', tenantId: 'ten_a', tenantPerMinute: 3 })).statusCode).toBe(429)
    const other = await ping(app, { keyId: 'key_9', tenantId: 'ten_b', tenantPerMinute: 3 })
    expect(other.statusCode).toBe(200)
    expect(other.headers['ratelimit-remaining']).toBe('2')
  })

  it('limits a key on its own, below its tenant\'s limit', async () => {
    const app = await limitedApp()
    const key1 = { keyId: 'key_1', tenantId: 'ten_a', tenantPerMinute: 100, keyPerMinute: 2 }
    expect((await ping(app, key1)).headers['ratelimit-remaining']).toBe('1')
    expect((await ping(app, key1)).statusCode).toBe(200)
    const refused = await ping(app, key1)
    expect(refused.statusCode).toBe(429)
    expect(refused.json().error.message).toMatch(/this key/)
    expect(refused.headers['ratelimit-limit']).toBe('2')
    // the tenant's other key still has its own count (and the tenant's counted all three)
    const key2 = await ping(app, { ...key1, keyId: 'key_2' })
    expect(key2.statusCode).toBe(200)
    expect(await redis.get(`${prefix}:ratelimit:tenant:ten_a`)).toBe('4')
  })

  it('shares the count between two API processes on one Redis', async () => {
    const [one, two] = [await limitedApp(), await limitedApp()]
    const tenant = { keyId: 'key_1', tenantId: 'ten_a', tenantPerMinute: 4 }
    const statuses = []
    for (let i = 0; i < 6; i++) statuses.push((await ping(i % 2 === 0 ? one : two, tenant)).statusCode)
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429])
  })

  it('applies no limit and sends no RateLimit header to a principal without limits, or to no principal', async () => {
    const app = await limitedApp()
    for (let i = 0; i < 3; i++) {
      const res = await ping(app, { keyId: 'key_1', tenantId: 'ten_a' })
      expect(res.statusCode).toBe(200)
      expect(res.headers['ratelimit-limit']).toBeUndefined()
    }
    expect((await ping(app)).headers['ratelimit-limit']).toBeUndefined()
    expect(await scanKeys(redis, `${prefix}:*`)).toEqual([])
  })

  it('fails open when Redis does not answer: the request goes through without RateLimit headers', async () => {
    const dead = deadRedis()
    try {
      const app = await limitedApp(dead)
      const res = await ping(app, { keyId: 'key_1', tenantId: 'ten_a', tenantPerMinute: 1, keyPerMinute: 1 })
      expect(res.statusCode).toBe(200)
      expect(res.headers['ratelimit-limit']).toBeUndefined()
      expect((await ping(app, { keyId: 'key_1', tenantId: 'ten_a', tenantPerMinute: 1 })).statusCode).toBe(200)
    } finally {
      dead.disconnect()
    }
  })
})

describe('rate limits through the whole API, with tenants and keys made through it', () => {
  let shared: string
  const built: TestApp[] = []
  beforeEach(() => { shared = `test-rate-api-${randomUUID()}` })
  afterEach(async () => {
    // the apps share one prefix: the last close deletes its keys
    for (const b of built.splice(0).reverse()) await b.close()
  })

  const admin = async (b: TestApp, method: 'POST', url: string, payload: unknown) => {
    const res = await b.app.inject({ method, url, headers: AUTH, payload: payload as Record<string, unknown> })
    expect(res.statusCode, res.body).toBe(201)
    return res.json()
  }
  /** A tenant limited to `perMinute`, and a submit/read key of it. */
  async function limitedTenant (b: TestApp, perMinute: number): Promise<string> {
    const tenant = await admin(b, 'POST', '/v1/tenants', { name: `rate-${randomUUID().slice(0, 8)}`, rateLimit: { perMinute } }) as { id: string }
    const key = await admin(b, 'POST', `/v1/tenants/${tenant.id}/keys`, { roles: ['submit', 'read'] }) as { key: string }
    return key.key
  }
  const read = async (b: TestApp, key: string) => await b.app.inject({ method: 'GET', url: '/v1/submissions/sub_0000000000000000', headers: { authorization: `Bearer ${key}` } })
  const app = async () => { const b = await buildTestApp({ GRADER_PREFIX: shared }); built.push(b); return b }

  it('refuses a tenant\'s 6th request of a minute at 5 per minute, leaves another tenant alone, and counts across API processes', async () => {
    const [one, two] = [await app(), await app()]
    const key = await limitedTenant(one, 5)
    const other = await limitedTenant(one, 5)
    const answers = []
    // alternating between two API processes on one Redis: one count
    for (let i = 0; i < 5; i++) answers.push(await read(i % 2 === 0 ? one : two, key))
    // counted, then answered by the route (no such submission): the headers come with any answer
    expect(answers.map(a => a.statusCode)).toEqual([404, 404, 404, 404, 404])
    expect(answers.map(a => a.headers['ratelimit-remaining'])).toEqual(['4', '3', '2', '1', '0'])
    const refused = await read(two, key)
    expect(refused.statusCode).toBe(429)
    expect(refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/tenant/) } })
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(refused.headers['ratelimit-limit']).toBe('5')
    expect(refused.headers['ratelimit-remaining']).toBe('0')
    const untouched = await read(one, other)
    expect(untouched.statusCode).toBe(404)
    expect(untouched.headers['ratelimit-remaining']).toBe('4')
  })

  it('answers a wrong key 401 before counting anything', async () => {
    const b = await app()
    const res = await read(b, 'gk_not-a-key')
    expect(res.statusCode).toBe(401)
    expect(res.headers['ratelimit-limit']).toBeUndefined()
  })
})
