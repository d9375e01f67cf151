// Tenants, keys and roles through the API, against real Redis and a real
// worker: keys are shown once and kept only as digests; a key never reaches
// another tenant's submissions, batches, challenges, deliveries, tenants or
// keys (404, never 403); roles and lanes are enforced; webhooks are signed
// with the tenant's own secret.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scanKeys } from '../../../services/shared/store/redis-keys.js'
import { Redis } from 'ioredis'
import { python, startTestGrader, type TestGrader } from '../../helpers/grader.js'

const PASSING = python('def add(a, b):\n    return a + b\n', 'from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n')
const suite = (expected: number) => ({ 'test_solution.py': `from solution import add\n\ndef test_add():\n    assert add(1, 2) == ${expected}\n` })

interface Made { id: string, key: string, roles: string[] }
interface Tenant { id: string, name: string, weight: number, webhookSecret: string, rateLimit?: { perMinute: number } }

let g: TestGrader
let redis: Redis
let receiver: Server
let receiverUrl: string
const received: Array<{ headers: IncomingHttpHeaders, body: string }> = []

let a: Tenant
let b: Tenant
const keys: Record<string, Made> = {}
/** What tenant A made, for B to try to reach. */
const ofA: { submission?: string, otherSubmission?: string, batch?: string } = {}

async function json<T> (res: Response): Promise<T> { return await res.json() as T }

async function makeTenant (body: Record<string, unknown>): Promise<Tenant> {
  const res = await g.request('/v1/tenants', { method: 'POST', body: JSON.stringify(body) })
  expect(res.status).toBe(201)
  return await json<Tenant>(res)
}

async function makeKey (tenant: string, body: Record<string, unknown>, asKey?: string): Promise<Made> {
  const res = await g.request(`/v1/tenants/${tenant}/keys`, { method: 'POST', body: JSON.stringify(body), ...(asKey !== undefined ? { key: asKey } : {}) })
  expect(res.status).toBe(201)
  return await json<Made>(res)
}

const as = (who: string) => ({ key: keys[who]!.key })

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => { body += chunk.toString() })
    req.on('end', () => { received.push({ headers: req.headers, body }); res.writeHead(204).end() })
  })
  await new Promise<void>(resolve => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  g = await startTestGrader({ GRADER_CALLBACK_ALLOW: '127.0.0.1', GRADER_WEBHOOK_RETRY_BASE_MS: '100' })
  redis = new Redis(g.config.redisUrl)
  a = await makeTenant({ name: 'Course A', webhookHeaders: { 'X-Course': 'a-123' } })
  b = await makeTenant({ name: 'Course B', weight: 3, rateLimit: { perMinute: 1000 } })
  keys.aAdmin = await makeKey(a.id, { roles: ['admin'] })
  // a tenant's admin makes its own tenant's keys
  keys.aSubmit = await makeKey(a.id, { roles: ['submit'] }, keys.aAdmin.key)
  keys.aSubmit2 = await makeKey(a.id, { roles: ['submit'], lanes: ['practice'] }, keys.aAdmin.key)
  keys.aRead = await makeKey(a.id, { roles: ['read'] }, keys.aAdmin.key)
  keys.bAdmin = await makeKey(b.id, { roles: ['admin'] })
  keys.bSubmit = await makeKey(b.id, { roles: ['submit', 'read'] })
}, 120_000)

afterAll(async () => {
  await redis?.quit()
  await g?.close()
  await new Promise(resolve => receiver?.close(resolve))
})

describe('tenants and keys', () => {
  it('creates a tenant with its defaults and a webhook secret of its own', () => {
    expect(a).toMatchObject({ id: expect.stringMatching(/^t_[0-9a-f]{16}$/), name: 'Course A', weight: 1, rateLimit: { perMinute: 600 } })
    expect(a.webhookSecret).toMatch(/^whsec_/)
    expect(b.webhookSecret).not.toBe(a.webhookSecret)
    expect(b).toMatchObject({ weight: 3, rateLimit: { perMinute: 1000 } })
  })

  it('shows a key once, and keeps only its digest', async () => {
    expect(keys.aSubmit).toMatchObject({ id: expect.stringMatching(/^key_/), key: expect.stringMatching(/^gk_/), roles: ['submit'] })
    const listed = await json<{ keys: Array<Record<string, unknown>> }>(await g.request(`/v1/tenants/${a.id}/keys`, as('aAdmin')))
    expect(listed.keys.map(k => k.id).sort()).toEqual([keys.aAdmin, keys.aSubmit, keys.aSubmit2, keys.aRead].map(k => k!.id).sort())
    for (const k of listed.keys) expect(k).not.toHaveProperty('key')
    // nowhere in Redis, under any key or in any value
    for (const name of await scanKeys(redis, `${g.config.prefix}:*`)) {
      expect(name).not.toContain(keys.aSubmit!.key)
      const type = await redis.type(name)
      if (type === 'string') expect(await redis.get(name)).not.toContain(keys.aSubmit!.key)
    }
  })

  it('keeps the keys of the environment working as the bootstrap tenant', async () => {
    const graded = await g.grade(PASSING)
    expect(graded.result?.status).toBe('pass')
    expect(graded.tenant).toBe('default')
  })

  it('grades with a key made through the API, recording its tenant, key and lane', async () => {
    const res = await g.request('/v1/submissions?wait=true', { method: 'POST', body: JSON.stringify({ ...PASSING, priority: 'exam', callbackUrl: receiverUrl }), ...as('aSubmit') })
    expect(res.status).toBe(200)
    const graded = await json<Record<string, unknown> & { id: string, result: { status: string } }>(res)
    expect(graded).toMatchObject({ tenant: a.id, submittedBy: keys.aSubmit!.id, priority: 'exam' })
    expect(graded.result.status).toBe('pass')
    ofA.submission = graded.id
    const other = await g.request('/v1/submissions?wait=true', { method: 'POST', body: JSON.stringify(PASSING), ...as('aSubmit2') })
    ofA.otherSubmission = (await json<{ id: string }>(other)).id
    const batch = await g.request('/v1/submissions/batch', { method: 'POST', body: JSON.stringify({ submissions: [PASSING] }), ...as('aSubmit') })
    expect(batch.status).toBe(202)
    ofA.batch = (await json<{ id: string }>(batch)).id
  })

  it("signs a tenant's webhooks with its own secret and sends its headers", async () => {
    const deadline = Date.now() + 30_000
    while (!received.some(r => r.body.includes(ofA.submission!)) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
    const delivery = received.find(r => r.body.includes(ofA.submission!))
    expect(delivery).toBeDefined()
    const headers = Object.fromEntries(Object.entries(delivery!.headers).map(([k, v]) => [k, String(v)]))
    expect(headers['x-course']).toBe('a-123')
    expect(() => new Webhook(a.webhookSecret).verify(delivery!.body, headers)).not.toThrow()
    // another tenant's receiver, holding its own secret, cannot take it for one of its own
    expect(() => new Webhook(b.webhookSecret).verify(delivery!.body, headers)).toThrow()
  })

  it('revokes a key at once with DELETE /v1/keys/:id', async () => {
    const doomed = await makeKey(a.id, { roles: ['read'] }, keys.aAdmin!.key)
    expect((await g.request(`/v1/submissions/${ofA.submission}`, { key: doomed.key })).status).toBe(200)
    expect((await g.request(`/v1/keys/${doomed.id}`, { method: 'DELETE', ...as('aAdmin') })).status).toBe(204)
    const after = await g.request(`/v1/submissions/${ofA.submission}`, { key: doomed.key })
    expect(after.status).toBe(401)
    expect((await json<{ error: { code: string } }>(after)).error.code).toBe('unauthorized')
  })
})

describe('roles and lanes', () => {
  it.each([
    ['a submit key storing a challenge', 'aSubmit', 'PUT', '/v1/challenges/ch', { language: 'python', tests: suite(3) }],
    ['a read key reading a challenge, which holds its hidden tests', 'aRead', 'GET', '/v1/challenges/only-a', undefined],
    ['a read key submitting', 'aRead', 'POST', '/v1/submissions', PASSING],
    ["a tenant's admin creating a tenant", 'aAdmin', 'POST', '/v1/tenants', { name: 'sneaky' }],
    ["a tenant's admin reading the hosts", 'aAdmin', 'GET', '/v1/hosts', undefined],
    ["a tenant's admin raising its own weight", 'aAdmin', 'PATCH', '/v1/tenants/{a}', { weight: 100 }],
    ['a submit key making keys', 'aSubmit', 'POST', '/v1/tenants/{a}/keys', { roles: ['admin'] }],
    ['a key submitting to a lane it may not use', 'aSubmit2', 'POST', '/v1/submissions', { ...PASSING, priority: 'exam' }],
  ])('refuses %s with 403 forbidden', async (_what, who, method, path, body) => {
    const res = await g.request(path.replace('{a}', a.id), { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...as(who) })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ error: { code: 'forbidden', message: expect.any(String) } })
  })

  it("lets a tenant's admin rename its tenant, but not another's", async () => {
    const res = await g.request(`/v1/tenants/${a.id}`, { method: 'PATCH', body: JSON.stringify({ name: 'Course A (2026)' }), ...as('aAdmin') })
    expect(res.status).toBe(200)
    expect((await json<Tenant>(res)).name).toBe('Course A (2026)')
    expect((await g.request(`/v1/tenants/${b.id}`, { method: 'PATCH', body: JSON.stringify({ name: 'x' }), ...as('aAdmin') })).status).toBe(404)
  })

  it("lets a global admin change a tenant's weight and limit", async () => {
    const res = await g.request(`/v1/tenants/${b.id}`, { method: 'PATCH', body: JSON.stringify({ weight: 4, rateLimit: { perMinute: 900 } }) })
    expect(res.status).toBe(200)
    expect(await json<Tenant>(res)).toMatchObject({ weight: 4, rateLimit: { perMinute: 900 } })
    // the fair queue takes the new share at once, for jobs already waiting too
    expect((await g.fair.weights())[b.id]).toBe(4)
  })

  it('lists only its own tenant to a tenant admin, every tenant to a global admin', async () => {
    const own = await json<{ tenants: Tenant[] }>(await g.request('/v1/tenants', as('aAdmin')))
    expect(own.tenants.map(t => t.id)).toEqual([a.id])
    const all = await json<{ tenants: Tenant[] }>(await g.request('/v1/tenants'))
    expect(all.tenants.map(t => t.id)).toEqual(expect.arrayContaining(['default', a.id, b.id]))
  })

  it("keeps a submit key to its own submissions, and lets a read key see the tenant's", async () => {
    expect((await g.request(`/v1/submissions/${ofA.submission}`, as('aSubmit2'))).status).toBe(404)
    expect((await g.request(`/v1/submissions/${ofA.otherSubmission}`, as('aSubmit2'))).status).toBe(200)
    expect((await g.request(`/v1/submissions/${ofA.submission}`, as('aRead'))).status).toBe(200)
    expect((await g.request(`/v1/submissions/${ofA.submission}`, { method: 'DELETE', ...as('aRead') })).status).toBe(403)
  })
})

describe('bad input', () => {
  it('refuses malformed weights and limits with 400, listing every problem', async () => {
    const res = await g.request('/v1/tenants', { method: 'POST', body: JSON.stringify({ name: '', weight: 0, rateLimit: { perMinute: -5 }, colour: 'red' }) })
    expect(res.status).toBe(400)
    const { error } = await json<{ error: { code: string, message: string } }>(res)
    expect(error.code).toBe('invalid_request')
    for (const field of ['name', 'weight', 'perMinute', 'colour']) expect(error.message).toContain(field)
  })

  it.each([
    ['an unknown role', { roles: ['superuser'] }],
    ['no role', { roles: [] }],
    ['an unknown lane', { roles: ['submit'], lanes: ['vip'] }],
  ])('refuses a key with %s with 400', async (_what, body) => {
    const res = await g.request(`/v1/tenants/${a.id}/keys`, { method: 'POST', body: JSON.stringify(body) })
    expect(res.status).toBe(400)
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe('invalid_request')
  })

  it('refuses webhook headers the grader sets itself', async () => {
    const res = await g.request('/v1/tenants', { method: 'POST', body: JSON.stringify({ name: 'x', webhookHeaders: { 'Webhook-Signature': 'v1,forged' } }) })
    expect(res.status).toBe(400)
    expect((await json<{ error: { message: string } }>(res)).error.message).toContain('Webhook-Signature')
  })

  it.each([
    ['keys of an unknown tenant', 'POST', '/v1/tenants/t_0000000000000000/keys', { roles: ['read'] }],
    ['an unknown tenant', 'GET', '/v1/tenants/t_0000000000000000', undefined],
    ['an unknown key', 'DELETE', '/v1/keys/key_0000000000000000', undefined],
  ])('answers %s with 404', async (_what, method, path, body) => {
    const res = await g.request(path, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
    expect(res.status).toBe(404)
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe('not_found')
  })
})

describe('across tenants', () => {
  it("grades each tenant's submissions against its own challenge of the same id", async () => {
    expect((await g.request('/v1/challenges/shared-id', { method: 'PUT', body: JSON.stringify({ language: 'python', tests: suite(3) }), ...as('aAdmin') })).status).toBe(200)
    expect((await g.request('/v1/challenges/shared-id', { method: 'PUT', body: JSON.stringify({ language: 'python', tests: suite(4) }), ...as('bAdmin') })).status).toBe(200)
    expect((await g.request('/v1/challenges/only-a', { method: 'PUT', body: JSON.stringify({ language: 'python', tests: suite(3) }), ...as('aAdmin') })).status).toBe(200)
    const post = async (who: string) => await json<{ result: { status: string } }>(await g.request('/v1/submissions?wait=true', {
      method: 'POST', body: JSON.stringify({ files: PASSING.files, challenge: 'shared-id' }), ...as(who),
    }))
    expect((await post('aSubmit')).result.status).toBe('pass')
    expect((await post('bSubmit')).result.status).toBe('fail')
  })

  /** Every route that names something of a tenant, as tenant B tries it on tenant A's things. */
  const crossTenant: Array<[method: string, template: string, path: () => string, body?: unknown]> = [
    ['GET', '/v1/submissions/{id}', () => `/v1/submissions/${ofA.submission}`],
    ['GET', '/v1/submissions/{id}', () => `/v1/submissions/${ofA.submission}?view=student`],
    ['DELETE', '/v1/submissions/{id}', () => `/v1/submissions/${ofA.submission}`],
    ['GET', '/v1/submissions/{id}/events', () => `/v1/submissions/${ofA.submission}/events`],
    ['GET', '/v1/submissions/{id}/results.json', () => `/v1/submissions/${ofA.submission}/results.json`],
    ['GET', '/v1/submissions/{id}/gradescope.json', () => `/v1/submissions/${ofA.submission}/gradescope.json`],
    ['GET', '/v1/submissions/{id}/deliveries', () => `/v1/submissions/${ofA.submission}/deliveries`],
    ['GET', '/v1/batches/{id}', () => `/v1/batches/${ofA.batch}`],
    ['GET', '/v1/challenges/{id}', () => '/v1/challenges/only-a'],
    ['GET', '/v1/challenges/{id}/versions', () => '/v1/challenges/only-a/versions'],
    ['DELETE', '/v1/challenges/{id}', () => '/v1/challenges/only-a'],
    ['POST', '/v1/challenges/{id}/regrade', () => '/v1/challenges/only-a/regrade', {}],
    ['GET', '/v1/tenants/{id}', () => `/v1/tenants/${a.id}`],
    ['PATCH', '/v1/tenants/{id}', () => `/v1/tenants/${a.id}`, { name: 'taken over' }],
    ['GET', '/v1/tenants/{id}/keys', () => `/v1/tenants/${a.id}/keys`],
    ['POST', '/v1/tenants/{id}/keys', () => `/v1/tenants/${a.id}/keys`, { roles: ['admin'] }],
    ['DELETE', '/v1/keys/{id}', () => `/v1/keys/${keys.aSubmit!.id}`],
  ]

  it.each(crossTenant.map(([method, template, path, body]) => [`${method} ${template}`, method, path, body] as const))(
    "answers %s on another tenant's data with 404, as if it did not exist", async (_name, method, path, body) => {
      for (const who of ['bAdmin', 'bSubmit']) {
        const res = await g.request(path(), { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...as(who) })
        // a role the key lacks may answer 403 first; existence must never show: never 200, 204 or 409
        expect([403, 404]).toContain(res.status)
        if (who === 'bAdmin') expect(res.status).toBe(404)
        if (res.status === 404) expect((await json<{ error: { code: string } }>(res)).error.code).toBe('not_found')
      }
    })

  it("leaves tenant A's data as it was", async () => {
    expect((await g.request(`/v1/submissions/${ofA.submission}`, as('aSubmit'))).status).toBe(200)
    expect((await g.request('/v1/challenges/only-a', as('aAdmin'))).status).toBe(200)
    expect((await g.request(`/v1/tenants/${a.id}`, as('aAdmin'))).status).toBe(200)
    expect((await json<Tenant>(await g.request(`/v1/tenants/${a.id}`, as('aAdmin')))).name).not.toBe('taken over')
    expect((await g.request(`/v1/submissions/${ofA.submission}`, as('aSubmit'))).status).toBe(200)
  })

  it('covers every route of the API that takes an id', async () => {
    const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(await g.request('/docs/openapi.json'))
    const withId = Object.entries(doc.paths).filter(([path]) => path.includes('{id}'))
      .flatMap(([path, item]) => Object.keys(item).filter(m => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map(m => `${m.toUpperCase()} ${path}`))
    const tried = new Set(crossTenant.map(([method, template]) => `${method} ${template}`))
    // PUT of a challenge creates the caller's own: there is nothing of another tenant's to reach
    const notReachable = new Set(['PUT /v1/challenges/{id}',
      // the hosts are every tenant's and need a global admin (refused 403 above)
      'PATCH /v1/hosts/{id}', 'POST /v1/hosts/{id}/drain', 'POST /v1/hosts/{id}/undrain', 'POST /v1/hosts/{id}/recycle'])
    expect(withId.filter(route => !tried.has(route) && !notReachable.has(route))).toEqual([])
  })
})
