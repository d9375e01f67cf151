// GET /v1/submissions/:id/events: server-sent events through HTTP with a streaming reader,
// against real Redis (and, for graded submissions, a real worker and Docker).
import { BOOTSTRAP_TENANT, ROLES } from '../../../services/shared/contracts/vocabulary.js'
import type { ChallengeStore } from '../../../services/shared/store/challenge-store.js'
import { randomUUID } from 'node:crypto'
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ProgressHub } from '../../../services/api/plugins/progress-hub.js'
import { ResultWaiter } from '../../../services/api/plugins/result-waiter.js'
import { submissionEventRoutes } from '../../../services/api/routes/v1/submissions/events.js'
import type { Submission } from '../../../services/shared/contracts/submission-schema.js'
import { SubmissionProgress } from '../../../services/shared/store/submission-progress.js'
import { SubmissionStore } from '../../../services/shared/store/submission-store.js'
import { scanKeys } from '../../../services/shared/store/redis-keys.js'
import { EventStreamReader, type ReceivedEvent } from '../../helpers/event-stream-reader.js'
import { python, startTestGrader, type TestGrader } from '../../helpers/grader.js'
import { API_KEY, buildTestApp } from './build-test-app.js'

/** Three tests that each take a while, so every test start is its own `running` event. */
const SLOW_TESTS = `import time
from solution import add

def test_one():
    time.sleep(0.6)
    assert add(1, 2) == 3

def test_two():
    time.sleep(0.6)
    assert add(2, 2) == 4

def test_three():
    time.sleep(0.6)
    assert add(2, 3) == 5
`
const ADD = 'def add(a, b):\n    return a + b\n'
const IDS = ['test_solution.py::test_one', 'test_solution.py::test_two', 'test_solution.py::test_three']

const SECRET_EXPECTED = '982451653'
const CHALLENGE = {
  language: 'python',
  tests: {
    'test_solution.py': `from solution import add

def test_shown():
    assert add(1, 2) == 3

def test_secret():
    assert add(2, 2) == ${SECRET_EXPECTED}
`,
  },
  policy: { tests: { 'test_solution.py::test_secret': { points: 3, visibility: 'hidden' } } },
}

const parse = (e: ReceivedEvent): Record<string, unknown> => JSON.parse(e.data) as Record<string, unknown>

/** Event ids as numbers: each stream's must increase. */
const ids = (events: ReceivedEvent[]): number[] => events.map(e => Number(e.id))
const increasing = (xs: number[]): boolean => xs.every((x, i) => i === 0 || x > xs[i - 1]!)

describe('submission events through the whole grader', () => {
  let g: TestGrader
  beforeAll(async () => { g = await startTestGrader() })
  afterAll(async () => { await g?.close() })

  const open = async (path: string): Promise<{ res: Response, reader: EventStreamReader }> => {
    const res = await g.request(path, { headers: { accept: 'text/event-stream' } })
    return { res, reader: new EventStreamReader(res.body!) }
  }

  it('streams queued → running at each test (ids in order, done counting up) → done with the full result, then closes', async () => {
    const post = await g.request('/v1/submissions', { method: 'POST', body: JSON.stringify(python(ADD, SLOW_TESTS)) })
    expect(post.status).toBe(202)
    const { id } = await post.json() as { id: string }

    const { res, reader } = await open(`/v1/submissions/${id}/events`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const events = await reader.readToEnd()
    expect(reader.ended).toBe(true)

    expect(increasing(ids(events))).toBe(true)
    const names = events.map(e => e.event)
    // queued only if the worker had not started yet; then running, then exactly one done, last
    expect(names.join(' ')).toMatch(/^(queued )?(running )+done$/)
    for (const e of events.slice(0, -1)) expect(parse(e)).toMatchObject({ id, state: e.event })

    const withTest = events.filter(e => e.event === 'running' && parse(e).test !== undefined).map(parse)
    expect(withTest.map(p => p.test)).toEqual(IDS)
    expect(withTest.map(p => p.done)).toEqual([0, 1, 2])
    expect(withTest.every(p => p.total === 3)).toBe(true)
    for (const p of withTest) expect(Object.keys(p).sort()).toEqual(['done', 'id', 'state', 'test', 'total'])

    const done = parse(events.at(-1)!) as unknown as Submission
    expect(done).toMatchObject({ id, state: 'done', result: { status: 'pass' } })
    expect(done.result!.tests.map(t => [t.name, t.status])).toEqual(IDS.map(n => [n, 'pass']))
    // exactly what a GET answers
    expect(done).toEqual(await (await g.request(`/v1/submissions/${id}`)).json())
  })

  it('answers a submission already done with one done event, then closes', async () => {
    const graded = await g.grade(python(ADD, 'from solution import add\n\ndef test_add():\n    assert add(1, 1) == 2\n'))
    const { res, reader } = await open(`/v1/submissions/${graded.id}/events`)
    expect(res.status).toBe(200)
    const events = await reader.readToEnd()
    expect(events.map(e => e.event)).toEqual(['done'])
    expect(parse(events[0]!)).toEqual(await (await g.request(`/v1/submissions/${graded.id}`)).json())
  })

  it('answers an unknown id with a 404 JSON error before any stream starts', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const res = await g.request(`/v1/submissions/${id}/events`)
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(await res.json()).toMatchObject({ error: { code: 'not_found', message: expect.any(String) } })
    }
  })

  it('needs an API key', async () => {
    const res = await g.request(`/v1/submissions/${randomUUID()}/events`, { key: null })
    expect(res.status).toBe(401)
  })

  it('applies the student view to done with ?view=student: no hidden test details anywhere in the stream', async () => {
    const put = await g.request('/v1/challenges/sse-hidden', { method: 'PUT', body: JSON.stringify(CHALLENGE) })
    expect(put.status).toBe(200)
    const post = await g.request('/v1/submissions', { method: 'POST', body: JSON.stringify({ challenge: 'sse-hidden', files: { 'solution.py': ADD }, student: 's-1' }) })
    expect(post.status).toBe(202)
    const { id } = await post.json() as { id: string }

    const { reader } = await open(`/v1/submissions/${id}/events?view=student`)
    const events = await reader.readToEnd()
    expect(events.at(-1)?.event).toBe('done')
    const done = parse(events.at(-1)!) as unknown as Submission
    expect(done).toEqual(await (await g.request(`/v1/submissions/${id}?view=student`)).json())
    expect(done.result!.tests.find(t => t.name === 'test_solution.py::test_secret')).toEqual({ name: 'test_solution.py::test_secret', status: 'fail', points: 0 })
    const wire = events.map(e => e.data).join('\n')
    expect(wire).not.toContain(SECRET_EXPECTED)
    // the full view does carry it: the redaction is what removed it
    const full = await (await open(`/v1/submissions/${id}/events`)).reader.readToEnd()
    expect(full.map(e => e.data).join('\n')).toContain(SECRET_EXPECTED)
  })
})

/**
 * The route alone on a fastify app of its own, against real Redis, with no
 * worker: the test plays the worker through the same store calls it makes,
 * and can shorten the heartbeat and cut the subscriber's connection.
 */
describe('submission events: late joiners, heartbeats, disconnects, Redis going away', () => {
  const url = process.env.REDIS_URL
  const prefix = `test-events-${randomUUID()}`
  let redis: Redis
  let subscriber: Redis
  let subscriberId: number
  let app: FastifyInstance
  let base: string
  let hub: ProgressHub
  let waiter: ResultWaiter
  let store: SubmissionStore
  let progress: SubmissionProgress

  beforeAll(async () => {
    if (url === undefined) throw new Error('REDIS_URL is not set: run the tests with `npm test`')
    redis = new Redis(url, { maxRetriesPerRequest: 1 })
    subscriber = new Redis(url)
    subscriber.on('error', () => {})
    // asked before subscribing: a connection in subscriber mode can run no other command
    subscriberId = await subscriber.client('ID') as number
    store = new SubmissionStore(redis, prefix, 600)
    progress = new SubmissionProgress(redis, prefix, 600)
    waiter = new ResultWaiter(subscriber, store.doneChannel)
    app = Fastify().setValidatorCompiler(TypeBoxValidatorCompiler)
    app.addHook('onReady', async () => { await waiter.start() })
    // the routes alone, outside the authenticated scope: the principal its hook would set
    app.addHook('onRequest', async request => {
      request.principal = { keyId: 'env:test', tenantId: BOOTSTRAP_TENANT, roles: new Set(ROLES), globalAdmin: true, tenantWeight: 1 }
    })
    const noChallenges = { get: async () => null }
    await app.register(submissionEventRoutes, {
      prefix: '/v1/submissions', store, progress, subscriber, waiter, challenges: { inTenant: () => noChallenges as unknown as ChallengeStore },
      heartbeatMs: 50, onHub: h => { hub = h },
    })
    base = await app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(async () => {
    await app?.close()
    await waiter?.stop()
    const keys = await scanKeys(redis, `${prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
    await Promise.all([redis?.quit(), subscriber?.quit()])
  })
  afterEach(() => {
    // every stream of a test has ended by its end: nothing may be left registered
    expect(hub.listening).toBe(0)
    expect(waiter.pending).toBe(0)
  })

  const queued = async (): Promise<string> => {
    const id = randomUUID()
    await store.create({ id, state: 'queued', language: 'python', createdAt: new Date().toISOString(), metadata: {} })
    return id
  }
  const open = async (id: string, headers: Record<string, string> = {}): Promise<EventStreamReader> => {
    const res = await fetch(`${base}/v1/submissions/${id}/events`, { headers })
    expect(res.status).toBe(200)
    return new EventStreamReader(res.body!)
  }
  const until = async (check: () => boolean, timeoutMs = 5_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not met in time')
      await new Promise(resolve => setTimeout(resolve, 10))
    }
  }

  it('gives a late joiner the last progress stored in Redis, then live updates in order, then done', async () => {
    const id = await queued()
    await store.markRunning(id)
    await progress.publish({ id, state: 'running' })
    await progress.publish({ id, state: 'running', test: 'test_a.py::test_1', done: 0, total: 2 })

    const reader = await open(id)
    await reader.readUntil(r => r.events.length >= 1)
    expect(reader.events[0]).toMatchObject({ event: 'running' })
    expect(parse(reader.events[0]!)).toEqual({ id, state: 'running', test: 'test_a.py::test_1', done: 0, total: 2 })

    // a stale message (seq older than what the stream already sent) is dropped
    await redis.publish(progress.channel, JSON.stringify({ id, state: 'running', seq: 1 }))
    await progress.publish({ id, state: 'running', test: 'test_a.py::test_2', done: 1, total: 2 })
    await reader.readUntil(r => r.events.length >= 2)
    await store.complete(id, { status: 'pass', tests: [{ name: 'test_a.py::test_1', status: 'pass' }, { name: 'test_a.py::test_2', status: 'pass' }], durationMs: 5 })
    const events = await reader.readToEnd(5_000)
    expect(events.map(e => e.event)).toEqual(['running', 'running', 'done'])
    expect(parse(events[1]!)).toEqual({ id, state: 'running', test: 'test_a.py::test_2', done: 1, total: 2 })
    expect(parse(events[2]!)).toMatchObject({ id, state: 'done', result: { status: 'pass' } })
    expect(increasing(ids(events))).toBe(true)
  })

  it('starts with queued, sends a keep-alive comment every heartbeat, and frees everything when the client goes away', async () => {
    const id = await queued()
    const reader = await open(id)
    await reader.readUntil(r => r.comments.length >= 3, 5_000)
    expect(reader.events).toEqual([{ id: '1', event: 'queued', data: JSON.stringify({ id, state: 'queued' }) }])
    expect(reader.comments.slice(0, 3)).toEqual(['keep-alive', 'keep-alive', 'keep-alive'])
    expect(hub.listening).toBe(1)
    expect(waiter.pending).toBe(1)
    await reader.cancel()
    await until(() => hub.listening === 0 && waiter.pending === 0)
  })

  it('numbers events on from the Last-Event-ID of a reconnecting client', async () => {
    const id = await queued()
    const reader = await open(id, { 'last-event-id': '41' })
    await reader.readUntil(r => r.events.length >= 1)
    expect(reader.events[0]?.id).toBe('42')
    await reader.cancel()
    await until(() => hub.listening === 0 && waiter.pending === 0)
  })

  it('ends the stream with an error event when the subscription to Redis is lost, and keeps serving after', async () => {
    const id = await queued()
    const reader = await open(id)
    await reader.readUntil(r => r.events.length >= 1)
    await redis.client('KILL', 'ID', String(subscriberId))
    const events = await reader.readToEnd(5_000)
    expect(reader.ended).toBe(true)
    expect(events.map(e => e.event)).toEqual(['queued', 'error'])
    expect(parse(events[1]!)).toMatchObject({ error: { code: 'unavailable', message: expect.any(String) } })

    // ioredis reconnects and re-subscribes by itself: a new stream gets live updates again
    await until(() => subscriber.status === 'ready', 10_000)
    const again = await open(id)
    await again.readUntil(r => r.events.length >= 1)
    // the done channel is subscribed again once Redis counts a subscriber on it
    for (let i = 0; i < 100; i++) {
      const [, subscribers] = await redis.pubsub('NUMSUB', store.doneChannel) as [string, number]
      if (Number(subscribers) >= 1) break
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    await store.complete(id, { status: 'pass', tests: [], durationMs: 1 })
    expect((await again.readToEnd(5_000)).map(e => e.event)).toEqual(['queued', 'done'])
  })
})

describe('submission events when the API shuts down', () => {
  it('ends an open stream with an error event instead of holding the shutdown', async () => {
    const t = await buildTestApp()
    try {
      const id = randomUUID()
      await t.deps.store.create({ id, state: 'queued', language: 'python', createdAt: new Date().toISOString(), metadata: {} })
      const base = await t.app.listen({ host: '127.0.0.1', port: 0 })
      const res = await fetch(`${base}/v1/submissions/${id}/events`, { headers: { authorization: `Bearer ${API_KEY}` } })
      const reader = new EventStreamReader(res.body!)
      await reader.readUntil(r => r.events.length >= 1)
      const started = Date.now()
      await t.app.close()
      expect(Date.now() - started).toBeLessThan(5_000)
      const events = await reader.readToEnd(5_000)
      expect(events.map(e => e.event)).toEqual(['queued', 'error'])
      expect(parse(events[1]!)).toMatchObject({ error: { code: 'unavailable' } })
    } finally {
      // closes the app again (a no-op once closed), then its connections and keys
      await t.close()
    }
  })
})
