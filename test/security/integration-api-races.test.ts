// Integration API attacks, part 3: races a client can start on purpose. The same
// Idempotency-Key sent many times at once (on POST /v1/submissions and on the batch route), and
// a DELETE that lands while the submission is being graded, with a webhook waiting to be sent.
//
// What stops it: the key is claimed atomically in Redis before anything is made, so one request
// makes the submission (or batch) and the others replay it or wait (409); the worker queues a
// webhook only for a submission still stored, so a deleted one is never sent, and DELETE removes
// every key of the id.
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scanKeys } from '../../services/shared/store/redis-keys.js'
import { EventStreamReader } from '../helpers/event-stream-reader.js'
import { python, startTestGrader, type TestGrader } from '../helpers/grader.js'

const ADD = 'def add(a, b):\n    return a + b\n'
const ADD_TESTS = 'from solution import add\n\ndef test_add():\n    assert add(2, 3) == 5\n'
const SLOW_ADD = 'import time\n\ndef add(a, b):\n    time.sleep(4)\n    return a + b\n'

let g: TestGrader
let redis: Redis

beforeAll(async () => {
  g = await startTestGrader({ GRADER_CALLBACK_ALLOW: '127.0.0.1' })
  redis = new Redis(process.env.REDIS_URL!)
}, 120_000)
afterAll(async () => {
  await redis?.quit()
  await g?.close()
})

const post = async (path: string, body: unknown, key: string): Promise<Response> =>
  await g.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'idempotency-key': key } })

describe('one Idempotency-Key sent many times at once', () => {
  it('makes one submission: every answer is that submission or a 409, never a second one', async () => {
    const key = `race-${randomBytes(4).toString('hex')}`
    const body = python(ADD, ADD_TESTS, { metadata: { race: key } })
    const answers = await Promise.all(Array.from({ length: 12 }, async () => {
      const res = await post('/v1/submissions', body, key)
      return { status: res.status, body: await res.json() as { id?: string, error?: { code: string } } }
    }))
    const ids = new Set(answers.filter(a => a.status === 202).map(a => a.body.id))
    expect(ids.size).toBe(1)
    for (const a of answers.filter(a => a.status !== 202)) expect(a).toMatchObject({ status: 409, body: { error: { code: 'idempotency_conflict' } } })
    const [id] = [...ids] as [string]
    const done = await g.client.wait(id, { timeoutMs: 120_000 })
    expect(done.result?.status).toBe('pass')
    // one record was made: no other submission carries this request's metadata
    const records = await scanKeys(redis, `${g.config.prefix}:submission:*`)
    const raw = await Promise.all(records.filter(k => /:submission:[0-9a-f-]{36}$/.test(k)).map(async k => await redis.get(k)))
    expect(raw.filter(r => r?.includes(key))).toHaveLength(1)
  })

  it('makes one batch: every answer is that batch or a 409, and its members are not multiplied', async () => {
    const key = `batch-race-${randomBytes(4).toString('hex')}`
    const body = { submissions: [python(ADD, ADD_TESTS), python(ADD, ADD_TESTS)] }
    const answers = await Promise.all(Array.from({ length: 8 }, async () => {
      const res = await post('/v1/submissions/batch', body, key)
      return { status: res.status, body: await res.json() as { id?: string, accepted?: number, error?: { code: string } } }
    }))
    const made = answers.filter(a => a.status === 202)
    expect(new Set(made.map(a => a.body.id)).size).toBe(1)
    for (const a of made) expect(a.body.accepted).toBe(2)
    for (const a of answers.filter(a => a.status !== 202)) expect(a).toMatchObject({ status: 409, body: { error: { code: 'idempotency_conflict' } } })
    const progress = await (await g.request(`/v1/batches/${made[0]!.body.id}`)).json() as { total: number }
    expect(progress.total).toBe(2)
  })
})

describe('DELETE while the submission is being graded', () => {
  it('sends no webhook for it and leaves no key with its id once grading ends', async () => {
    const requests: string[] = []
    const server: Server = createServer((req, res) => { requests.push(req.url ?? ''); req.resume(); res.writeHead(204).end() })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const res = await g.request('/v1/submissions', { method: 'POST', body: JSON.stringify(python(SLOW_ADD, ADD_TESTS, { callbackUrl: `http://127.0.0.1:${port}/hook` })) })
      expect(res.status).toBe(202)
      const { id } = await res.json() as { id: string }
      // deleted mid-run: the worker holds the job
      const deadline = Date.now() + 60_000
      while ((await g.client.get(id)).state !== 'running') {
        if (Date.now() > deadline) throw new Error('never started running')
        await new Promise(resolve => setTimeout(resolve, 100))
      }
      expect((await g.request(`/v1/submissions/${id}`, { method: 'DELETE' })).status).toBe(204)
      // the run ends about 4 s later; a webhook would follow at once
      await new Promise(resolve => setTimeout(resolve, 8_000))
      expect(requests).toEqual([])
      expect((await g.request(`/v1/submissions/${id}/deliveries`)).status).toBe(404)
      expect((await g.request(`/v1/submissions/${id}/events`)).status).toBe(404)
      const keys = await scanKeys(redis, `${g.config.prefix}:*`)
      expect(keys.filter(k => k.includes(id))).toEqual([])
    } finally {
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }, 90_000)
})

describe('a feedback budget spent by many requests at once', () => {
  it('admits exactly the budget, however many submissions and batches race for it', async () => {
    const put = await g.request('/v1/challenges/budget-race', {
      method: 'PUT',
      body: JSON.stringify({ language: 'python', tests: { 'test_solution.py': ADD_TESTS }, policy: { feedback: { max: 3, windowS: 3600 } } }),
    })
    expect(put.status).toBe(200)
    const entry = { challenge: 'budget-race', files: { 'solution.py': ADD }, student: 's-race' }
    const [singles, batches] = await Promise.all([
      Promise.all(Array.from({ length: 10 }, async () => (await g.request('/v1/submissions', { method: 'POST', body: JSON.stringify(entry) })).status)),
      Promise.all(Array.from({ length: 3 }, async () => {
        const res = await g.request('/v1/submissions/batch', { method: 'POST', body: JSON.stringify({ submissions: [entry, entry] }) })
        return (await res.json() as { accepted: number }).accepted
      })),
    ])
    const admitted = singles.filter(s => s === 202).length + batches.reduce((a, b) => a + b, 0)
    expect(admitted).toBe(3)
    expect(singles.filter(s => s !== 202).every(s => s === 429)).toBe(true)
  })
})

describe('DELETE while a student watches the event stream', () => {
  it('ends the stream without a done event: the deleted result is never streamed', async () => {
    const res = await g.request('/v1/submissions', { method: 'POST', body: JSON.stringify(python(SLOW_ADD, ADD_TESTS)) })
    const { id } = await res.json() as { id: string }
    const stream = await g.request(`/v1/submissions/${id}/events?view=student`)
    expect(stream.status).toBe(200)
    const reader = new EventStreamReader(stream.body!)
    await reader.readUntil(r => r.events.length > 0)
    expect((await g.request(`/v1/submissions/${id}`, { method: 'DELETE' })).status).toBe(204)
    const events = await reader.readToEnd(30_000)
    expect(events.map(e => e.event)).not.toContain('done')
    expect(events.at(-1)?.event).toBe('error')
  })
})

describe('a batch mixing valid entries with hostile ones', () => {
  it('answers every entry in order, loses none, swaps none, and grades each valid one as itself', async () => {
    const WRONG = 'def add(a, b):\n    return a - b\n'
    const entries: unknown[] = []
    const expected: Array<string | null> = []
    for (let i = 0; i < 12; i++) {
      if (i % 2 === 1) {
        // hostile: a refused callback, a path escape, a wrong type, an unknown challenge, a deep nothing, junk
        entries.push([
          python(ADD, ADD_TESTS, { callbackUrl: 'http://[::ffff:169.254.169.254]/' }), python(ADD, ADD_TESTS, { files: { '../../x.py': ADD } }),
          { ...python(ADD, ADD_TESTS), limits: { timeoutMs: 'x' } }, { challenge: 'no-such', files: { 'solution.py': ADD } }, [[[]]], 'x',
        ][(i - 1) / 2])
        expected.push(null)
      } else {
        // even entries alternate right and wrong, each tagged with its index
        entries.push(python(i % 4 === 0 ? ADD : WRONG, ADD_TESTS, { metadata: { index: i } }))
        expected.push(i % 4 === 0 ? 'pass' : 'fail')
      }
    }
    const res = await g.request('/v1/submissions/batch', { method: 'POST', body: JSON.stringify({ submissions: entries }) })
    expect(res.status).toBe(202)
    const answer = await res.json() as { id: string, accepted: number, submissions: Array<{ id?: string, error?: { code: string } }> }
    expect(answer.submissions).toHaveLength(entries.length)
    expect(answer.accepted).toBe(6)
    expect(answer.submissions.map(s => s.id === undefined ? 'refused' : 'accepted')).toEqual(expected.map(e => e === null ? 'refused' : 'accepted'))
    expect(answer.submissions.filter(s => s.error !== undefined).map(s => s.error!.code))
      .toEqual(['invalid_callback', 'invalid_path', 'invalid_request', 'not_found', 'invalid_request', 'invalid_request'])
    for (const [i, entry] of answer.submissions.entries()) {
      if (entry.id === undefined) continue
      const done = await g.client.wait(entry.id, { timeoutMs: 120_000 })
      expect({ i, index: done.metadata.index, status: done.result?.status, batch: done.batch }).toEqual({ i, index: i, status: expected[i], batch: answer.id })
    }
    const progress = await (await g.request(`/v1/batches/${answer.id}`)).json() as { state: string, total: number, done: number, submissions: Array<{ id: string }> }
    expect(progress).toMatchObject({ state: 'done', total: 6, done: 6 })
    expect(progress.submissions.map(s => s.id)).toEqual(answer.submissions.filter(s => s.id !== undefined).map(s => s.id))
  }, 180_000)
})
