import { request } from 'node:http'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { SubmissionStore } from '../../../services/shared/store/submission-store.js'
import { API_KEY, AUTH, buildTestApp, deadRedis, validSubmission, type TestApp } from './build-test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ GRADER_QUEUE_MAX: '2' })
  await t.deps.registry.publish({ workerId: 'test', languages: ['python'], usableHosts: 1 })
})
afterAll(async () => { await t?.close() })

const post = async () => await t.app.inject({ method: 'POST', url: '/v1/submissions', headers: AUTH, payload: validSubmission() })

describe('error answers', () => {
  it('returns 404 not_found in the error shape for an unknown route', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v2/nothing' })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /v2/nothing' } })
  })

  it('returns 429 rate_limited once the queue holds queueMax submissions', async () => {
    expect((await post()).statusCode).toBe(202)
    expect((await post()).statusCode).toBe(202)
    const res = await post()
    expect(res.statusCode).toBe(429)
    expect(res.json().error.code).toBe('rate_limited')
  })

  it('returns 503 unavailable when Redis cannot be reached while reading a submission', async () => {
    const dead = deadRedis()
    const own = await buildTestApp({}, { store: new SubmissionStore(dead, 'unused', 60) })
    try {
      const res = await own.app.inject({ method: 'GET', url: '/v1/submissions/00000000-0000-4000-8000-000000000000', headers: AUTH })
      expect(res.statusCode).toBe(503)
      expect(res.json().error.code).toBe('unavailable')
    } finally {
      await own.close()
      dead.disconnect()
    }
  })

  it('answers a held ?wait=true request with 202 as soon as the server closes', async () => {
    const own = await buildTestApp({ GRADER_WAIT_MAX_MS: '4000' })
    await own.deps.registry.publish({ workerId: 'test', languages: ['python'], usableHosts: 1 })
    // the waiter is registered before the job is added: once add resolves, the request is held
    let queued!: () => void
    const held = new Promise<void>(resolve => { queued = resolve })
    const realAdd = own.deps.fair!.add.bind(own.deps.fair)
    vi.spyOn(own.deps.fair!, 'add').mockImplementationOnce(async (...args) => {
      await realAdd(...args)
      queued()
    })
    // a real socket: closing the server waits for in-flight requests, as in production
    const address = await own.app.listen({ host: '127.0.0.1', port: 0 })
    const answer = fetch(`${address}/v1/submissions?wait=true`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify(validSubmission()),
    })
    await held
    const closing = Date.now()
    await own.close()
    const res = await answer
    expect(res.status).toBe(202)
    expect(((await res.json()) as { state: string }).state).toBe('queued')
    // well under the 4 s wait: the request was released, not timed out
    expect(Date.now() - closing).toBeLessThan(2000)
  })
  it('stops waiting as soon as a held client disconnects', async () => {
    let aborted!: () => void
    const sawAbort = new Promise<void>(resolve => { aborted = resolve })
    const stream = new Writable({
      write (chunk, _enc, done) {
        if (String(chunk).includes('"outcome":"aborted"')) aborted()
        done()
      },
    })
    const own = await buildTestApp({ GRADER_WAIT_MAX_MS: '20000' }, { logger: { level: 'debug', stream } })
    try {
      await own.deps.registry.publish({ workerId: 'test', languages: ['python'], usableHosts: 1 })
      let queued!: () => void
      const held = new Promise<void>(resolve => { queued = resolve })
      const realAdd = own.deps.fair!.add.bind(own.deps.fair)
      vi.spyOn(own.deps.fair!, 'add').mockImplementationOnce(async (...args) => {
        await realAdd(...args)
        queued()
      })
      const address = new URL(await own.app.listen({ host: '127.0.0.1', port: 0 }))
      const body = JSON.stringify(validSubmission())
      const req = request({
        host: address.hostname,
        port: address.port,
        method: 'POST',
        path: '/v1/submissions?wait=true',
        headers: { ...AUTH, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      })
      req.on('error', () => {}) // the socket is torn down on purpose
      req.end(body)
      await held
      req.destroy()
      // resolves long before the 20 s wait would have ended
      await sawAbort
    } finally {
      await own.close()
    }
  })
})

describe('logging', () => {
  it('never writes the API key or file contents to the log', async () => {
    const lines: string[] = []
    const stream = new Writable({ write (chunk, _enc, done) { lines.push(String(chunk)); done() } })
    const own = await buildTestApp({}, { logger: { level: 'trace', stream } })
    try {
      await own.deps.registry.publish({ workerId: 'test', languages: ['python'], usableHosts: 1 })
      const secret = 'print("secret-student-code")'
      const res = await own.app.inject({ method: 'POST', url: '/v1/submissions', headers: AUTH, payload: validSubmission({ files: { 'solution.py': secret } }) })
      expect(res.statusCode).toBe(202)
      await own.app.inject({ method: 'GET', url: '/v1/submissions/x', headers: { authorization: `Bearer ${API_KEY}-wrong` } })
    } finally {
      await own.close()
    }
    const log = lines.join('')
    expect(log).toMatch(/submission queued/)
    expect(log).not.toContain(API_KEY)
    expect(log).not.toContain('secret-student-code')
  })
})
