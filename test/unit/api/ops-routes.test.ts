// The ops console's auth, route by route, through app.inject() on fakes: no key,
// a wrong key, a key that is not the grader's admin and an admin key, each as a
// Bearer header and as the login session's cookie.
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TenantStore } from '../../../services/shared/store/tenant-store.js'
import type { ApiKeyStore } from '../../../services/shared/store/api-key-store.js'
import { BOOTSTRAP_TENANT } from '../../../services/shared/contracts/vocabulary.js'
import { loadConfig } from '../../../services/shared/config/config.js'
import type { HostRegistry, HostView } from '../../../services/shared/store/host-registry.js'
import { SESSION_COOKIE } from '../../../services/api/routes/ops/ops-session.js'
import { buildFakeApp, NO_SLA, type FakeApp } from './fake-api-deps.js'

const ADMIN_KEY = 'ops-admin-key-0123456789'
/** An API key of the environment that is not an admin key: every role but admin. */
const USER_KEY = 'ops-user-key-0123456789'
/** A key made through the API with the admin role of another tenant: that tenant's admin, not the grader's. */
const TENANT_ADMIN_KEY = 'gk_tenant_admin_0123456789'

const HOST: HostView = {
  id: 'unix-a', endpoint: 'unix:///a.sock', state: 'healthy', draining: false, concurrency: 2, inFlight: 0,
  latencyMs: { p50: 3, p95: 5 }, images: ['python'], worker: 'w1', lastRecycleAt: null, errors: 0, lastError: null,
}

let fake: FakeApp
const controls: Array<{ id: string, change: unknown }> = []
const commands: unknown[] = []
beforeAll(async () => {
  fake = await buildFakeApp({
    config: loadConfig({ GRADER_API_KEYS: USER_KEY, GRADER_ADMIN_KEYS: ADMIN_KEY, LOG_LEVEL: 'silent', GRADER_SLA_MS: NO_SLA }),
    hosts: {
      async views () { return [HOST] },
      async controls () { return {} },
      async setControl (id: string, change: unknown) { controls.push({ id, change }); return change },
      async command (c: unknown) { commands.push(c) },
    } as unknown as HostRegistry,
    apiKeys: {
      async find (key: string) {
        return key === TENANT_ADMIN_KEY ? { id: 'key_t', tenant: 'ten_other', roles: ['admin'], createdAt: new Date(0).toISOString() } : null
      },
    } as unknown as ApiKeyStore,
    tenants: {
      async get (id: string) { return [BOOTSTRAP_TENANT, 'ten_other'].includes(id) ? { id, name: id, weight: 1, createdAt: new Date(0).toISOString() } : null },
    } as unknown as TenantStore,
  })
})
afterAll(async () => { await fake?.close() })

const bearer = (key: string) => ({ authorization: `Bearer ${key}` })
const session = (key: string) => ({ cookie: `other=1; ${SESSION_COOKIE}=${encodeURIComponent(key)}` })

/** Every data route of /ops, as method, url and body. */
const DATA_ROUTES = [
  { method: 'GET', url: '/ops/snapshot' },
  { method: 'GET', url: '/ops/events' },
  { method: 'POST', url: '/ops/hosts/unix-a/drain' },
  { method: 'POST', url: '/ops/hosts/unix-a/undrain' },
  { method: 'POST', url: '/ops/hosts/unix-a/recycle' },
  { method: 'PATCH', url: '/ops/hosts/unix-a', payload: { concurrency: 3 } },
  { method: 'GET', url: '/ops/queues' },
  { method: 'GET', url: '/ops/queues/api/queues' },
] as const

describe('GET /ops', () => {
  it('shows the login form and no data without a key', async () => {
    const res = await fake.app.inject({ method: 'GET', url: '/ops' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.body).toContain('id="login-form"')
    expect(res.body).not.toContain('id="hosts"')
    expect(res.body).not.toContain('unix-a')
    expect(res.headers['content-security-policy']).toContain("script-src 'self'")
  })

  it('shows the console frame to an admin key, by Bearer header or login session', async () => {
    for (const headers of [bearer(ADMIN_KEY), session(ADMIN_KEY)]) {
      const res = await fake.app.inject({ method: 'GET', url: '/ops', headers })
      expect(res.statusCode).toBe(200)
      expect(res.body).toContain('id="hosts"')
      expect(res.body).not.toContain('id="login-form"')
    }
  })

  it('refuses a wrong Bearer key with 401 and the error body', async () => {
    const res = await fake.app.inject({ method: 'GET', url: '/ops', headers: bearer('wrong') })
    expect(res.statusCode).toBe(401)
    expect(res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } })
  })

  it('refuses a key that is not the grader\'s admin with 403', async () => {
    for (const key of [USER_KEY, TENANT_ADMIN_KEY]) {
      const res = await fake.app.inject({ method: 'GET', url: '/ops', headers: bearer(key) })
      expect(res.statusCode).toBe(403)
      expect(res.json()).toEqual({ error: { code: 'forbidden', message: expect.any(String) } })
    }
  })

  it('answers a refused session with the login form again and ends the session', async () => {
    const wrong = await fake.app.inject({ method: 'GET', url: '/ops', headers: session('wrong') })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.body).toContain('id="login-form"')
    expect(wrong.body).not.toContain('id="hosts"')
    expect(String(wrong.headers['set-cookie'])).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`))
    const user = await fake.app.inject({ method: 'GET', url: '/ops', headers: session(USER_KEY) })
    expect(user.statusCode).toBe(403)
    expect(user.body).toContain('not an admin key')
  })
})

describe('POST /ops/login', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie scoped to /ops for an admin key', async () => {
    const res = await fake.app.inject({ method: 'POST', url: '/ops/login', payload: { key: ADMIN_KEY } })
    expect(res.statusCode).toBe(204)
    const cookie = String(res.headers['set-cookie'])
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`))
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    expect(cookie).toContain('Path=/ops')
  })

  it('refuses a wrong key with 401 and another key with 403, setting no cookie', async () => {
    const wrong = await fake.app.inject({ method: 'POST', url: '/ops/login', payload: { key: 'wrong' } })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.json().error.code).toBe('unauthorized')
    expect(wrong.headers['set-cookie']).toBeUndefined()
    const user = await fake.app.inject({ method: 'POST', url: '/ops/login', payload: { key: USER_KEY } })
    expect(user.statusCode).toBe(403)
    expect(user.json().error.code).toBe('forbidden')
    expect(user.headers['set-cookie']).toBeUndefined()
  })
})

describe('POST /ops/logout', () => {
  it('ends the session cookie, with or without a key (it reveals and changes nothing else)', async () => {
    for (const headers of [{}, session(ADMIN_KEY)]) {
      const res = await fake.app.inject({ method: 'POST', url: '/ops/logout', headers })
      expect(res.statusCode).toBe(204)
      expect(String(res.headers['set-cookie'])).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Path=/ops.*Max-Age=0`))
    }
  })
})

describe('the data routes of /ops', () => {
  it('refuse a request without a key with 401 and the error body', async () => {
    for (const route of DATA_ROUTES) {
      const res = await fake.app.inject(route)
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401)
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } })
      expect(res.headers['www-authenticate']).toBe('Bearer')
    }
  })

  it('refuse a wrong key with 401, by Bearer header or session', async () => {
    for (const route of DATA_ROUTES) {
      for (const headers of [bearer('wrong'), session('wrong')]) {
        const res = await fake.app.inject({ ...route, headers })
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(401)
        expect(res.json().error.code).toBe('unauthorized')
      }
    }
  })

  it('refuse a key that is not the grader\'s admin with 403', async () => {
    for (const route of DATA_ROUTES) {
      for (const headers of [bearer(USER_KEY), bearer(TENANT_ADMIN_KEY), session(USER_KEY)]) {
        const res = await fake.app.inject({ ...route, headers })
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(403)
        expect(res.json().error.code).toBe('forbidden')
      }
    }
    expect(controls).toEqual([])
    expect(commands).toEqual([])
  })

  it('refuse a change made with the session but without the ops header (cross-site)', async () => {
    const res = await fake.app.inject({ method: 'POST', url: '/ops/hosts/unix-a/drain', headers: session(ADMIN_KEY) })
    expect(res.statusCode).toBe(403)
    expect(res.json().error.message).toContain('x-grader-ops')
    expect(controls).toEqual([])
  })

  it('let an admin read the snapshot and the job view', async () => {
    for (const headers of [bearer(ADMIN_KEY), session(ADMIN_KEY)]) {
      const snapshot = await fake.app.inject({ method: 'GET', url: '/ops/snapshot', headers })
      expect(snapshot.statusCode).toBe(200)
      expect(snapshot.json()).toHaveProperty('at')
      const board = await fake.app.inject({ method: 'GET', url: '/ops/queues', headers })
      expect(board.statusCode).toBe(200)
      expect(board.headers['content-type']).toMatch(/^text\/html/)
    }
  })

  it('let an admin steer a host through the /v1/hosts routes, by Bearer header or session', async () => {
    const asAdmin = [bearer(ADMIN_KEY), { ...session(ADMIN_KEY), 'x-grader-ops': '1' }]
    for (const headers of asAdmin) {
      controls.length = 0
      commands.length = 0
      expect((await fake.app.inject({ method: 'POST', url: '/ops/hosts/unix-a/drain', headers })).statusCode).toBe(202)
      expect((await fake.app.inject({ method: 'POST', url: '/ops/hosts/unix-a/undrain', headers })).statusCode).toBe(202)
      const patch = await fake.app.inject({ method: 'PATCH', url: '/ops/hosts/unix-a', headers, payload: { concurrency: 3 } })
      expect(patch.statusCode).toBe(202)
      expect(patch.json()).toEqual({ id: 'unix-a', control: { concurrency: 3 } })
      const recycle = await fake.app.inject({ method: 'POST', url: '/ops/hosts/unix-a/recycle', headers })
      expect(recycle.statusCode).toBe(202)
      expect(recycle.json()).toEqual({ id: 'unix-a', action: 'recycle' })
      expect(controls).toEqual([
        { id: 'unix-a', change: { draining: true } },
        { id: 'unix-a', change: { draining: false } },
        { id: 'unix-a', change: { concurrency: 3 } },
      ])
      expect(commands).toEqual([{ hostId: 'unix-a', action: 'recycle' }])
    }
    // the route's own answers come through: an unknown host is its 404
    const unknown = await fake.app.inject({ method: 'POST', url: '/ops/hosts/nope/drain', headers: bearer(ADMIN_KEY) })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().error.code).toBe('not_found')
  })

  it('stream snapshots to an admin as server-sent events', async () => {
    await fake.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = fake.app.server.address() as AddressInfo
    const controller = new AbortController()
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ops/events`, { headers: bearer(ADMIN_KEY), signal: controller.signal })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/event-stream')
      const reader = res.body!.getReader()
      let text = ''
      while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value)
      expect(text).toMatch(/^id: 1\nevent: snapshot\ndata: \{"at":/)
    } finally {
      controller.abort()
    }
  })
})

describe('the page\'s static files', () => {
  it('are served without a key (the login form needs them) and hold no data', async () => {
    const js = await fake.app.inject({ method: 'GET', url: '/ops/assets/ops.js' })
    expect(js.statusCode).toBe(200)
    expect(js.headers['content-type']).toMatch(/^text\/javascript/)
    expect((await fake.app.inject({ method: 'GET', url: '/ops/assets/ops.css' })).statusCode).toBe(200)
    expect((await fake.app.inject({ method: 'GET', url: '/ops/assets/..%2Fapp.ts' })).statusCode).toBe(404)
  })
})
