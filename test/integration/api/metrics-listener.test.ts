// The metrics listener (GRADER_METRICS_HOST/PORT): `GET /metrics` without a key on a listener of
// its own, started and closed with the API; on the API's listener `/metrics` needs a key with the
// `metrics` role or a global admin. Real Redis, the API as start-api.ts runs it (no worker).
import { createServer, type Server } from 'node:net'
import { randomUUID } from 'node:crypto'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi } from '../../../services/api/start-api.js'
import { loadConfig } from '../../../services/shared/config/config.js'
import { startTestGrader, type TestGrader } from '../../helpers/grader.js'

let g: TestGrader
beforeAll(async () => { g = await startTestGrader({}, { worker: false }) })
afterAll(async () => { await g?.close() })

/** A key of a new tenant with `roles`, made through the API with the grader's (global admin) key. */
async function tenantKey (roles: string[]): Promise<string> {
  const tenant = await g.request('/v1/tenants', { method: 'POST', body: JSON.stringify({ name: `metrics-${randomUUID().slice(0, 8)}` }) })
  expect(tenant.status).toBe(201)
  const { id } = await tenant.json() as { id: string }
  const key = await g.request(`/v1/tenants/${id}/keys`, { method: 'POST', body: JSON.stringify({ roles }) })
  expect(key.status).toBe(201)
  return (await key.json() as { key: string }).key
}

const isPrometheusText = (res: Response) => res.headers.get('content-type') === 'text/plain; version=0.0.4; charset=utf-8'

describe('the metrics listener', () => {
  it('listens on loopback port 9464 unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ metricsHost: '127.0.0.1', metricsPort: 9464 })
    expect(loadConfig({ GRADER_METRICS_HOST: '0.0.0.0', GRADER_METRICS_PORT: '0' })).toMatchObject({ metricsHost: '0.0.0.0', metricsPort: 0 })
    expect(() => loadConfig({ GRADER_METRICS_PORT: '70000' })).toThrow(/GRADER_METRICS_PORT/)
  })

  it('serves /metrics without a key, on its own port', async () => {
    expect(new URL(g.metricsUrl).port).not.toBe(new URL(g.url).port)
    expect(new URL(g.metricsUrl).hostname).toBe('127.0.0.1')
    const res = await fetch(`${g.metricsUrl}/metrics`)
    expect(res.status).toBe(200)
    expect(isPrometheusText(res)).toBe(true)
    const text = await res.text()
    expect(text).toMatch(/^grader_redis_up 1$/m)
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m)
  })

  it('serves nothing else: the API\'s routes are not there, answered in the one error shape', async () => {
    for (const path of ['/v1/submissions/abc', '/healthz', '/readyz', '/docs']) {
      const res = await fetch(`${g.metricsUrl}${path}`)
      expect(res.status, path).toBe(404)
      expect(await res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } })
    }
  })

  it('closes with the API', async () => {
    const config = loadConfig({ ...process.env, PORT: '0', GRADER_METRICS_PORT: '0', GRADER_API_KEYS: 'k', GRADER_PREFIX: `test-${randomUUID()}` })
    const api = await startApi(config, pino({ level: 'silent' }))
    expect((await fetch(`${api.metricsAddress}/metrics`)).status).toBe(200)
    await api.close()
    await expect(fetch(`${api.metricsAddress}/metrics`)).rejects.toThrow()
  })

  it('refuses to start when its port is taken, naming GRADER_METRICS_PORT', async () => {
    const busy: Server = createServer()
    await new Promise<void>(resolve => busy.listen(0, '127.0.0.1', resolve))
    const port = (busy.address() as { port: number }).port
    try {
      const config = loadConfig({ ...process.env, PORT: '0', GRADER_METRICS_PORT: String(port), GRADER_API_KEYS: 'k', GRADER_PREFIX: `test-${randomUUID()}` })
      await expect(startApi(config, pino({ level: 'silent' }))).rejects.toThrow(/GRADER_METRICS_PORT/)
    } finally {
      await new Promise(resolve => busy.close(resolve))
    }
  })
})

describe('/metrics on the API\'s listener', () => {
  it('refuses a request without a key with 401', async () => {
    const res = await g.request('/metrics', { key: null })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer')
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } })
  })

  it('refuses a key without the metrics role with 403, a tenant\'s admin too', async () => {
    for (const roles of [['submit', 'read'], ['admin']]) {
      const res = await g.request('/metrics', { key: await tenantKey(roles) })
      expect(res.status, roles.join()).toBe(403)
      expect((await res.json() as { error: { code: string } }).error.code).toBe('forbidden')
    }
  })

  it('answers a key with the metrics role, and a global admin', async () => {
    const metricsKey = await tenantKey(['metrics'])
    for (const key of [metricsKey, undefined]) {
      // undefined: the helper's own key, from GRADER_API_KEYS with no GRADER_ADMIN_KEYS (a global admin)
      const res = await g.request('/metrics', key === undefined ? {} : { key })
      expect(res.status).toBe(200)
      expect(isPrometheusText(res)).toBe(true)
      expect(await res.text()).toMatch(/^grader_redis_up 1$/m)
    }
  })

  it('keeps a key with only the metrics role out of the tenant routes', async () => {
    const res = await g.request('/v1/submissions/abc', { key: await tenantKey(['metrics']) })
    expect([403, 404]).toContain(res.status)
  })
})
