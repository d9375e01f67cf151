import { once } from 'node:events'
import { Redis } from 'ioredis'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ADMIN_KEY, API_KEY, AUTH, buildTestApp, hostView, redisUrl, type TestApp } from './build-test-app.js'

let t: TestApp
let listener: Redis | undefined

afterEach(async () => {
  await listener?.quit()
  listener = undefined
  await t?.close()
})

/** Subscribes to the host channel; `next()` resolves with the next message, parsed. */
async function listen (channel: string): Promise<{ next: () => Promise<unknown> }> {
  listener = new Redis(redisUrl())
  await listener.subscribe(channel)
  const sub = listener
  return {
    next: async () => {
      const [, message] = await once(sub, 'message') as [string, string]
      return JSON.parse(message) as unknown
    },
  }
}

describe('host routes with every API key an admin key', () => {
  beforeEach(async () => { t = await buildTestApp() })

  it('lists the hosts of every live worker with their view and control', async () => {
    await t.deps.hosts.publishViews('worker-a', [hostView({ id: 'dock-1' })])
    await t.deps.hosts.publishViews('worker-b', [hostView({ id: 'dock-2', worker: 'worker-b', state: 'degraded', latencyMs: { p50: null, p95: null } })])
    await t.deps.hosts.setControl('dock-2', { concurrency: 4 })

    const res = await t.app.inject({ method: 'GET', url: '/v1/hosts', headers: AUTH })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      hosts: [
        { ...hostView({ id: 'dock-1' }), control: {} },
        { ...hostView({ id: 'dock-2', worker: 'worker-b', state: 'degraded', latencyMs: { p50: null, p95: null } }), control: { concurrency: 4 } },
      ],
    })
  })

  it('answers an empty list when no worker publishes hosts', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/hosts', headers: AUTH })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ hosts: [] })
  })

  it('passes through a field a newer worker adds to its view', async () => {
    await t.deps.hosts.publishViews('worker-a', [{ ...hostView(), zone: 'eu-1' } as ReturnType<typeof hostView>])
    const res = await t.app.inject({ method: 'GET', url: '/v1/hosts', headers: AUTH })
    expect(res.json().hosts[0].zone).toBe('eu-1')
  })

  it('drains a host: answers 202 with the control, stores it and tells the workers', async () => {
    await t.deps.hosts.publishViews('worker-a', [hostView()])
    const events = await listen(t.deps.hosts.channel)
    const announced = events.next()

    const res = await t.app.inject({ method: 'POST', url: '/v1/hosts/dock-1/drain', headers: AUTH })
    expect(res.statusCode).toBe(202)
    expect(res.json()).toEqual({ id: 'dock-1', control: { draining: true } })
    expect(await t.deps.hosts.controls()).toEqual({ 'dock-1': { draining: true } })
    expect(await announced).toEqual({ hostId: 'dock-1' })
  })

  it('undrains a host and keeps the concurrency ops set before', async () => {
    await t.deps.hosts.publishViews('worker-a', [hostView()])
    await t.deps.hosts.setControl('dock-1', { draining: true, concurrency: 6 })

    const res = await t.app.inject({ method: 'POST', url: '/v1/hosts/dock-1/undrain', headers: AUTH })
    expect(res.statusCode).toBe(202)
    expect(res.json()).toEqual({ id: 'dock-1', control: { draining: false, concurrency: 6 } })
    expect((await t.deps.hosts.controls())['dock-1']).toEqual({ draining: false, concurrency: 6 })
  })

  it('sets a host\'s concurrency with PATCH', async () => {
    await t.deps.hosts.publishViews('worker-a', [hostView()])
    const res = await t.app.inject({ method: 'PATCH', url: '/v1/hosts/dock-1', headers: AUTH, payload: { concurrency: 8 } })
    expect(res.statusCode).toBe(202)
    expect(res.json()).toEqual({ id: 'dock-1', control: { concurrency: 8 } })
    expect((await t.deps.hosts.controls())['dock-1']).toEqual({ concurrency: 8 })
  })

  it.each([
    ['zero', { concurrency: 0 }],
    ['more than 256', { concurrency: 257 }],
    ['a fraction', { concurrency: 1.5 }],
    ['a string', { concurrency: 'four' }],
    ['missing', {}],
    ['beside an unknown property', { concurrency: 2, draining: true }],
  ])('refuses a concurrency that is %s with 400 invalid_request and stores nothing', async (_what, payload) => {
    await t.deps.hosts.publishViews('worker-a', [hostView()])
    const res = await t.app.inject({ method: 'PATCH', url: '/v1/hosts/dock-1', headers: AUTH, payload })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ error: { code: 'invalid_request', message: expect.stringContaining('body') } })
    expect(await t.deps.hosts.controls()).toEqual({})
  })

  it('refuses a PATCH body that is not JSON with 400 invalid_json', async () => {
    await t.deps.hosts.publishViews('worker-a', [hostView()])
    const res = await t.app.inject({ method: 'PATCH', url: '/v1/hosts/dock-1', headers: { ...AUTH, 'content-type': 'application/json' }, payload: '{concurrency' })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_json')
  })

  it('sends a recycle command for the host on the channel and answers 202', async () => {
    await t.deps.hosts.publishViews('worker-a', [hostView()])
    const events = await listen(t.deps.hosts.channel)
    const announced = events.next()

    const res = await t.app.inject({ method: 'POST', url: '/v1/hosts/dock-1/recycle', headers: AUTH })
    expect(res.statusCode).toBe(202)
    expect(res.json()).toEqual({ id: 'dock-1', action: 'recycle' })
    expect(await announced).toEqual({ hostId: 'dock-1', action: 'recycle' })
    // a command is not a control: nothing is kept
    expect(await t.deps.hosts.controls()).toEqual({})
  })

  it.each([
    ['POST', '/v1/hosts/dock-9/drain', undefined],
    ['POST', '/v1/hosts/dock-9/undrain', undefined],
    ['POST', '/v1/hosts/dock-9/recycle', undefined],
    ['PATCH', '/v1/hosts/dock-9', { concurrency: 3 }],
  ] as const)('answers %s %s for a host no worker reports with 404 not_found and changes nothing', async (method, url, payload) => {
    await t.deps.hosts.publishViews('worker-a', [hostView({ id: 'dock-1' })])
    const res = await t.app.inject({ method, url, headers: AUTH, ...(payload === undefined ? {} : { payload }) })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ error: { code: 'not_found', message: expect.stringContaining('dock-9') } })
    expect(await t.deps.hosts.controls()).toEqual({})
  })

  it('finds a host whose id needs URL encoding', async () => {
    await t.deps.hosts.publishViews('worker-a', [hostView({ id: 'tcp://dock-2:2376' })])
    const res = await t.app.inject({ method: 'POST', url: `/v1/hosts/${encodeURIComponent('tcp://dock-2:2376')}/drain`, headers: AUTH })
    expect(res.statusCode).toBe(202)
    expect(res.json().id).toBe('tcp://dock-2:2376')
  })

  it('returns 401 unauthorized on the host routes without a key', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/hosts' })
    expect(res.statusCode).toBe(401)
    expect(res.json().error.code).toBe('unauthorized')
  })
})

describe('host routes with GRADER_ADMIN_KEYS set', () => {
  beforeEach(async () => {
    t = await buildTestApp({ GRADER_ADMIN_KEYS: ADMIN_KEY })
    await t.deps.hosts.publishViews('worker-a', [hostView()])
  })

  it('lists the hosts for an admin key', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/hosts', headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    expect(res.statusCode).toBe(200)
    expect(res.json().hosts).toHaveLength(1)
  })

  it.each([
    ['GET', '/v1/hosts'],
    ['POST', '/v1/hosts/dock-1/drain'],
    ['POST', '/v1/hosts/dock-1/recycle'],
  ] as const)('refuses %s %s with 403 forbidden for a valid key that is not an admin key', async (method, url) => {
    const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${API_KEY}` } })
    expect(res.statusCode).toBe(403)
    expect(res.json()).toEqual({ error: { code: 'forbidden', message: expect.stringContaining('admin key') } })
    expect(await t.deps.hosts.controls()).toEqual({})
  })

  it('answers a wrong key with 401, not 403', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/hosts', headers: { authorization: `Bearer ${ADMIN_KEY}x` } })
    expect(res.statusCode).toBe(401)
  })

  it('accepts an admin key on the submission routes too', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/submissions/00000000-0000-4000-8000-000000000000', headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    // past authentication: the submission simply does not exist
    expect(res.statusCode).toBe(404)
  })

  it('still accepts an API key that is not an admin key on the submission routes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/submissions/00000000-0000-4000-8000-000000000000', headers: { authorization: `Bearer ${API_KEY}` } })
    expect(res.statusCode).toBe(404)
  })
})
