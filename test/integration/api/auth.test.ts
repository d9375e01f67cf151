import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_KEY, buildTestApp, OTHER_KEY, type TestApp } from './build-test-app.js'

let t: TestApp
beforeAll(async () => { t = await buildTestApp() })
afterAll(async () => { await t?.close() })

const unknownId = '/v1/submissions/00000000-0000-4000-8000-000000000000'

describe('API key authentication', () => {
  it('returns 401 unauthorized when the Authorization header is missing', async () => {
    const res = await t.app.inject({ method: 'GET', url: unknownId })
    expect(res.statusCode).toBe(401)
    expect(res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } })
    expect(res.headers['www-authenticate']).toBe('Bearer')
  })

  it('returns 401 unauthorized when the key is wrong', async () => {
    const res = await t.app.inject({ method: 'GET', url: unknownId, headers: { authorization: `Bearer ${API_KEY}x` } })
    expect(res.statusCode).toBe(401)
    expect(res.json().error.code).toBe('unauthorized')
  })

  it('returns 401 unauthorized when the key is sent with another scheme', async () => {
    const res = await t.app.inject({ method: 'GET', url: unknownId, headers: { authorization: `Basic ${API_KEY}` } })
    expect(res.statusCode).toBe(401)
  })

  it('returns 401 before reading the body of an unauthenticated submission', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/submissions', headers: { 'content-type': 'application/json' }, payload: '{not json' })
    expect(res.statusCode).toBe(401)
  })

  it.each([['the first', API_KEY], ['the second', OTHER_KEY]])('accepts %s configured key', async (_which, key) => {
    const res = await t.app.inject({ method: 'GET', url: unknownId, headers: { authorization: `bearer ${key}` } })
    // past authentication: the submission simply does not exist
    expect(res.statusCode).toBe(404)
  })

  it('lets /healthz and /readyz through without a key', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).not.toBe(401)
  })
})
