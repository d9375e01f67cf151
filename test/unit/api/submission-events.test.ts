import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Submission } from '../../../services/shared/contracts/submission-schema.js'
import type { SubmissionProgress, SubmissionProgressEvent } from '../../../services/shared/store/submission-progress.js'
import { buildFakeApp, FAKE_AUTH, type FakeApp } from './fake-api-deps.js'

// The event route through app.inject() on the fake app: the response resolves once the stream ends.

const PROGRESS_CHANNEL = 'unit:submission-progress'
const DONE_CHANNEL = 'unit:submission-done'

/** A subscriber the test drives: `emit('message', channel, text)` plays Redis. */
const fakeSubscriber = () => Object.assign(new EventEmitter(), {
  async subscribe () { return 1 },
  async unsubscribe () { return 0 },
})

/** What the fake progress store answers next: the last update, or a failure to read it. */
let lastProgress: SubmissionProgressEvent | Error | null = null
const fakeProgress = {
  channel: PROGRESS_CHANNEL,
  async get () {
    if (lastProgress instanceof Error) throw lastProgress
    return lastProgress
  },
} as unknown as SubmissionProgress

const submission = (state: Submission['state'], extra: Partial<Submission> = {}): Submission => ({
  id: randomUUID(), state, language: 'python', createdAt: new Date().toISOString(), metadata: {}, ...extra,
})

/** Events of a finished stream, as `[event, data]`. */
function events (body: string): Array<[string, unknown]> {
  return body.split('\n\n').filter(b => b.trim() !== '' && !b.startsWith(':')).map(block => {
    const fields = Object.fromEntries(block.split('\n').map(l => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]))
    return [fields.event!, JSON.parse(fields.data!)]
  })
}

// one app for the file: building one costs about half a second
const subscriber = fakeSubscriber()
let t: FakeApp
beforeAll(async () => { t = await buildFakeApp({ subscriber, progress: fakeProgress }) })
afterAll(async () => { await t?.close() })
beforeEach(() => { lastProgress = null })

async function withApp (opts: { last?: SubmissionProgressEvent | null }, fn: (t: FakeApp, subscriber: ReturnType<typeof fakeSubscriber>) => Promise<void>): Promise<void> {
  lastProgress = opts.last ?? null
  await fn(t, subscriber)
}

describe('GET /v1/submissions/:id/events', () => {
  it('answers an unknown or malformed id with 404 JSON, not a stream', async () => {
    await withApp({}, async ({ app }) => {
      for (const id of [randomUUID(), 'nope']) {
        const res = await app.inject({ url: `/v1/submissions/${id}/events`, headers: FAKE_AUTH })
        expect(res.statusCode).toBe(404)
        expect(res.json()).toMatchObject({ error: { code: 'not_found' } })
      }
    })
  })

  it('needs an API key', async () => {
    await withApp({}, async ({ app }) => {
      const res = await app.inject({ url: `/v1/submissions/${randomUUID()}/events` })
      expect(res.statusCode).toBe(401)
    })
  })

  it('answers a done submission with one done event equal to the GET, then ends', async () => {
    await withApp({}, async ({ app, stored }) => {
      const s = submission('done', { result: { status: 'pass', tests: [{ name: 't.py::test_a', status: 'pass' }], durationMs: 3 } })
      stored.set(s.id, s)
      const res = await app.inject({ url: `/v1/submissions/${s.id}/events`, headers: FAKE_AUTH })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toBe('text/event-stream')
      const get = await app.inject({ url: `/v1/submissions/${s.id}`, headers: FAKE_AUTH })
      expect(events(res.body)).toEqual([['done', get.json()]])
      expect(res.body.startsWith('id: 1\n')).toBe(true)
    })
  })

  it('streams queued, then running from the channel (older seq dropped), then done', async () => {
    await withApp({}, async ({ app, stored }, subscriber) => {
      const s = submission('queued')
      stored.set(s.id, s)
      const pending = app.inject({ url: `/v1/submissions/${s.id}/events`, headers: FAKE_AUTH })
      await new Promise(resolve => setTimeout(resolve, 50))
      const say = (p: object) => subscriber.emit('message', PROGRESS_CHANNEL, JSON.stringify(p))
      say({ id: s.id, state: 'running', seq: 1 })
      say({ id: s.id, state: 'running', test: 't.py::test_a', done: 0, total: 1, seq: 2 })
      say({ id: s.id, state: 'running', seq: 1 })
      say({ id: randomUUID(), state: 'running', seq: 9 })
      stored.set(s.id, { ...s, state: 'done', result: { status: 'pass', tests: [], durationMs: 1 } })
      subscriber.emit('message', DONE_CHANNEL, s.id)
      const res = await pending
      expect(events(res.body).map(([e, d]) => [e, (d as { test?: string }).test])).toEqual([
        ['queued', undefined], ['running', undefined], ['running', 't.py::test_a'], ['done', undefined],
      ])
      expect(events(res.body)[2]![1]).toEqual({ id: s.id, state: 'running', test: 't.py::test_a', done: 0, total: 1 })
    })
  })

  it('starts a late joiner at the last progress stored', async () => {
    const s = submission('running')
    await withApp({ last: { id: s.id, state: 'running', test: 't.py::test_b', done: 1, total: 2, seq: 4 } }, async ({ app, stored }, subscriber) => {
      stored.set(s.id, s)
      const pending = app.inject({ url: `/v1/submissions/${s.id}/events`, headers: FAKE_AUTH })
      await new Promise(resolve => setTimeout(resolve, 50))
      subscriber.emit('close')
      const res = await pending
      expect(events(res.body)).toEqual([
        ['running', { id: s.id, state: 'running', test: 't.py::test_b', done: 1, total: 2 }],
        ['error', { error: { code: 'unavailable', message: expect.any(String) } }],
      ])
    })
  })

  it('does not repeat a bare running when the record said running before the first update arrived', async () => {
    await withApp({}, async ({ app, stored }, subscriber) => {
      const s = submission('running')
      stored.set(s.id, s)
      const pending = app.inject({ url: `/v1/submissions/${s.id}/events`, headers: FAKE_AUTH })
      await new Promise(resolve => setTimeout(resolve, 50))
      subscriber.emit('message', PROGRESS_CHANNEL, JSON.stringify({ id: s.id, state: 'running', seq: 1 }))
      subscriber.emit('message', PROGRESS_CHANNEL, JSON.stringify({ id: s.id, state: 'running', test: 't.py::test_a', done: 0, seq: 2 }))
      stored.set(s.id, { ...s, state: 'done', result: { status: 'pass', tests: [], durationMs: 1 } })
      subscriber.emit('message', DONE_CHANNEL, s.id)
      const res = await pending
      expect(events(res.body).map(([e, d]) => [e, (d as { test?: string }).test])).toEqual([
        ['running', undefined], ['running', 't.py::test_a'], ['done', undefined],
      ])
    })
  })

  it('answers 503 JSON when Redis cannot be read before the stream starts', async () => {
    await withApp({}, async ({ app, stored }) => {
      const s = submission('queued')
      stored.set(s.id, s)
      lastProgress = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
      const res = await app.inject({ url: `/v1/submissions/${s.id}/events`, headers: FAKE_AUTH })
      expect(res.statusCode).toBe(503)
      expect(res.json()).toMatchObject({ error: { code: 'unavailable' } })
    })
  })
})
