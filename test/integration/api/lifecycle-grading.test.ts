// The submission lifecycle through the whole grader (HTTP API, BullMQ, a worker, real Docker):
// idempotent replays, a mixed batch, a regrade against a new version, and DELETE after grading.
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BatchProgress } from '../../../services/shared/contracts/batch-schema.js'
import type { Submission } from '../../../services/shared/contracts/submission-schema.js'
import { scanKeys } from '../../../services/shared/store/redis-keys.js'
import { python, startTestGrader, type TestGrader } from '../../helpers/grader.js'

let g: TestGrader
let redis: Redis

beforeAll(async () => {
  g = await startTestGrader()
  redis = new Redis(g.config.redisUrl)
})
afterAll(async () => {
  await redis?.quit()
  await g?.close()
})

/** An answer body: a submission, a batch, a regrade or an error, read by the fields each test expects. */
interface Answer extends Partial<Submission> {
  error?: { code: string, message: string }
  accepted?: number
  count?: number
  submissions?: Array<{ id?: string, error?: { code: string } }>
}

const json = async <T = Answer>(path: string, init: RequestInit = {}): Promise<{ status: number, headers: Headers, body: T }> => {
  const res = await g.request(path, { ...init, ...(init.body !== undefined ? { method: init.method ?? 'POST' } : {}) })
  return { status: res.status, headers: res.headers, body: (res.status === 204 ? null : await res.json()) as T }
}

/** Polls `GET /v1/batches/:id` until it is done (bounded). */
async function batchDone (id: string): Promise<BatchProgress> {
  for (let i = 0; i < 240; i++) {
    const progress = (await json<BatchProgress>(`/v1/batches/${id}`)).body
    if (progress.state === 'done') return progress
    await new Promise(resolve => setTimeout(resolve, 250))
  }
  throw new Error(`batch ${id} not done in 60 s`)
}

const ADD = 'def add(a, b):\n    return a + b\n'
const suite = (expected: number) => ({ 'test_solution.py': `from solution import add\n\ndef test_add():\n    assert add(1, 1) == ${expected}\n` })

describe('submission lifecycle, graded for real', () => {
  it('grades an idempotent replay once and answers it with the same result', async () => {
    const key = crypto.randomUUID()
    const body = JSON.stringify(python(ADD, suite(2)['test_solution.py']))
    const first = await json('/v1/submissions?wait=true', { body, headers: { 'idempotency-key': key } })
    expect(first.status).toBe(200)
    expect(first.body.result?.status).toBe('pass')
    const replay = await json('/v1/submissions?wait=true', { body, headers: { 'idempotency-key': key } })
    expect(replay.status).toBe(200)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(replay.body).toEqual(first.body)
    const conflict = await json('/v1/submissions', { body: JSON.stringify(python(ADD, 'def test_other():\n    assert True\n')), headers: { 'idempotency-key': key } })
    expect(conflict.status).toBe(409)
    expect(conflict.body.error?.code).toBe('idempotency_conflict')
  })

  it('grades a batch with a mix of valid and invalid entries, each valid one for real', async () => {
    const res = await json('/v1/submissions/batch', {
      body: JSON.stringify({
        submissions: [
          python(ADD, suite(2)['test_solution.py']),
          python(ADD, suite(3)['test_solution.py']),
          python(ADD, suite(2)['test_solution.py'], { files: { '/etc/passwd': 'x' } }),
          { language: 'python' },
        ],
      }),
    })
    expect(res.status).toBe(202)
    expect(res.body.accepted).toBe(2)
    expect(res.body.submissions?.[2]?.error?.code).toBe('invalid_path')
    expect(res.body.submissions?.[3]?.error?.code).toBe('invalid_request')
    const progress = await batchDone(res.body.id as string)
    expect(progress).toMatchObject({ total: 2, done: 2, counts: { pass: 1, fail: 1, error: 0 } })
    expect(progress.submissions.map(s => s.status)).toEqual(['pass', 'fail'])
  })

  it('regrades a challenge\'s submissions against a new version, the old results kept', async () => {
    await json('/v1/challenges/adder', { method: 'PUT', body: JSON.stringify({ language: 'python', tests: suite(2) }) })
    const original = await json('/v1/submissions?wait=true', { body: JSON.stringify({ challenge: 'adder', files: { 'solution.py': ADD } }) })
    expect(original.body.result?.status).toBe('pass')
    const v2 = (await json('/v1/challenges/adder', { method: 'PUT', body: JSON.stringify({ language: 'python', tests: suite(5) }) })).body.version as string
    const regrade = await json('/v1/challenges/adder/regrade', { body: '{}' })
    expect(regrade.status).toBe(202)
    expect(regrade.body).toMatchObject({ count: 1, version: v2 })
    const progress = await batchDone(regrade.body.id as string)
    expect(progress).toMatchObject({ kind: 'regrade', counts: { fail: 1 } })
    const before = (await json(`/v1/submissions/${original.body.id}`)).body
    expect(before.result?.status).toBe('pass')
    expect(before.regrades).toEqual([progress.submissions[0]?.id])
    const after = (await json(`/v1/submissions/${before.regrades?.[0] ?? ''}`)).body
    expect(after).toMatchObject({ regradeOf: original.body.id, version: v2, result: { status: 'fail' } })
  })

  it('deletes a graded submission so that no key of the grader holds its id or its files', async () => {
    const marker = `MARKER_${crypto.randomUUID().replaceAll('-', '_')}`
    const done = await g.grade(python(`${ADD}${marker} = 1\n`, suite(2)['test_solution.py']))
    expect(done.result?.status).toBe('pass')
    const deleted = await json(`/v1/submissions/${done.id}`, { method: 'DELETE' })
    expect(deleted.status).toBe(204)
    expect((await json(`/v1/submissions/${done.id}`)).status).toBe(404)
    const holding: string[] = []
    for (const key of await scanKeys(redis, `${g.config.prefix}:*`)) {
      const type = await redis.type(key)
      const value = type === 'string' ? await redis.get(key)
        : type === 'list' ? await redis.lrange(key, 0, -1)
          : type === 'hash' ? await redis.hgetall(key)
            : type === 'set' ? await redis.smembers(key)
              : type === 'zset' ? await redis.zrange(key, 0, -1)
                : type === 'stream' ? await redis.xrange(key, '-', '+') : null
      const text = `${key} ${JSON.stringify(value)}`
      if (text.includes(done.id) || text.includes(marker)) holding.push(key)
    }
    expect(holding).toEqual([])
  })
})
