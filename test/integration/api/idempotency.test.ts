// Idempotency-Key on POST /v1/submissions, against real Redis and the real queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_KEY, OTHER_KEY, buildTestApp, validSubmission, type TestApp } from './build-test-app.js'
import { scanKeys } from '../../../services/shared/store/redis-keys.js'
import { PASS, standInWorker } from './stand-in-worker.js'

let t: TestApp

beforeAll(async () => {
  t = await buildTestApp({ GRADER_WAIT_MAX_MS: '20000' })
  await t.deps.registry.publish({ workerId: 'test', languages: ['python'], usableHosts: 1 })
})
afterAll(async () => { await t?.close() })

const post = async (payload: unknown, key?: string, opts: { url?: string, apiKey?: string } = {}) => await t.app.inject({
  method: 'POST',
  url: opts.url ?? '/v1/submissions',
  headers: { authorization: `Bearer ${opts.apiKey ?? API_KEY}`, ...(key !== undefined ? { 'idempotency-key': key } : {}) },
  payload: payload as Record<string, unknown>,
})

const jobCount = async () => Object.values(await t.deps.queue.getJobCounts()).reduce((a, b) => a + b, 0) + (await t.deps.fair!.depths()).reduce((n, d) => n + d.pending, 0)
const newKey = () => `key-${crypto.randomUUID()}`

describe('Idempotency-Key', () => {
  it('answers the same submission, queued once, when the same key and body are sent again', async () => {
    const before = await jobCount()
    const key = newKey()
    const first = await post(validSubmission(), key)
    const again = await post(validSubmission(), key)
    expect(first.statusCode).toBe(202)
    expect(again.statusCode).toBe(202)
    expect(again.json().id).toBe(first.json().id)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    expect(await jobCount()).toBe(before + 1)
  })

  it('treats the same body with its keys in another order as the same request', async () => {
    const key = newKey()
    const body = validSubmission()
    const reordered = Object.fromEntries(Object.entries(body).reverse())
    const first = await post(body, key)
    const again = await post(reordered, key)
    expect(again.json().id).toBe(first.json().id)
  })

  it('returns 409 idempotency_conflict when the key comes back with another body', async () => {
    const key = newKey()
    await post(validSubmission(), key)
    const other = await post(validSubmission({ metadata: { attempt: 2 } }), key)
    expect(other.statusCode).toBe(409)
    expect(other.json()).toEqual({ error: { code: 'idempotency_conflict', message: expect.stringContaining('another body') } })
  })

  it('keeps one API key\'s idempotency keys apart from another\'s', async () => {
    const key = newKey()
    const mine = await post(validSubmission(), key)
    const theirs = await post(validSubmission(), key, { apiKey: OTHER_KEY })
    expect(theirs.statusCode).toBe(202)
    expect(theirs.json().id).not.toBe(mine.json().id)
  })

  it('creates one submission when the same request races itself', async () => {
    const before = await jobCount()
    const key = newKey()
    const answers = await Promise.all(Array.from({ length: 6 }, async () => await post(validSubmission(), key)))
    const ids = new Set(answers.filter(a => a.statusCode === 202).map(a => a.json().id as string))
    expect(ids.size).toBe(1)
    // a request that arrives while the first is still being accepted is told so
    for (const a of answers.filter(a => a.statusCode !== 202)) expect(a.json().error.code).toBe('idempotency_conflict')
    expect(await jobCount()).toBe(before + 1)
  })

  it('gives the key back when the request is refused, so a corrected retry may use it', async () => {
    const key = newKey()
    const refused = await post(validSubmission({ language: 'cobol' }), key)
    expect(refused.statusCode).toBe(400)
    const retried = await post(validSubmission(), key)
    expect(retried.statusCode).toBe(202)
  })

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['holding a space', 'two words'],
    ['holding a comma', 'a,b'],
  ])('returns 400 invalid_request for a key %s', async (_what, key) => {
    const res = await post(validSubmission(), key)
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_request')
  })

  it('accepts a key sent as a structured-field string ("…") as the same key', async () => {
    const key = newKey()
    const bare = await post(validSubmission(), key)
    const quoted = await post(validSubmission(), `"${key}"`)
    expect(quoted.json().id).toBe(bare.json().id)
  })

  it('expires the key with the submission, from its completion on', async () => {
    const key = newKey()
    const res = await post(validSubmission(), key)
    const id = res.json().id as string
    const keys = await scanKeys(t.deps.redis, `${t.config.prefix}:idempotency:*:${key}`)
    expect(keys).toHaveLength(1)
    // as if it had been claimed long ago: the completion must re-arm it
    await t.deps.redis.expire(keys[0]!, 5)
    await t.deps.store.complete(id, PASS)
    const [keyTtl, recordTtl] = await Promise.all([t.deps.redis.ttl(keys[0]!), t.deps.redis.ttl(t.deps.store.key(id))])
    expect(keyTtl).toBeGreaterThan(0)
    expect(Math.abs(keyTtl - recordTtl)).toBeLessThanOrEqual(1)
  })
})

describe('Idempotency-Key with ?wait=true', () => {
  it('waits for the first request\'s submission on a replay, graded once', async () => {
    const worker = standInWorker(t, () => PASS, { hold: async () => { await new Promise(resolve => setTimeout(resolve, 300)) } })
    try {
      const key = newKey()
      const first = await post(validSubmission({ metadata: { wait: true } }), key)
      expect(first.statusCode).toBe(202)
      const replay = await post(validSubmission({ metadata: { wait: true } }), key, { url: '/v1/submissions?wait=true' })
      expect(replay.statusCode).toBe(200)
      expect(replay.json()).toMatchObject({ id: first.json().id, state: 'done', result: PASS })
      expect(worker.taken.filter(j => j.submissionId === first.json().id)).toHaveLength(1)
    } finally {
      await worker.close()
    }
  })
})

describe('Idempotency-Key on a batch', () => {
  it('answers the same batch, queued once, when the same key and body are sent again', async () => {
    const before = await jobCount()
    const key = newKey()
    const body = { submissions: [validSubmission(), validSubmission({ files: 'nope' })] }
    const first = await post(body, key, { url: '/v1/submissions/batch' })
    const again = await post(body, key, { url: '/v1/submissions/batch' })
    expect(first.statusCode).toBe(202)
    expect(again.statusCode).toBe(202)
    // the first answer again, the refused entry's error included
    expect(again.json()).toEqual(first.json())
    expect(again.json().submissions[1].error.code).toBe('invalid_request')
    expect(await jobCount()).toBe(before + 1)
    const conflict = await post({ submissions: [validSubmission()] }, key, { url: '/v1/submissions/batch' })
    expect(conflict.statusCode).toBe(409)
  })
})

describe('Idempotency-Key entry of a batch', () => {
  it('expires with the batch, from its last member\'s completion on', async () => {
    const key = newKey()
    const batch = (await post({ submissions: [validSubmission()] }, key, { url: '/v1/submissions/batch' })).json()
    // graded well after the key was claimed, so an entry left with its first expiry would show
    const worker = standInWorker(t, () => PASS, { hold: async () => { await new Promise(resolve => setTimeout(resolve, 2500)) } })
    try {
      for (let i = 0; i < 200; i++) {
        if ((await t.app.inject({ method: 'GET', url: `/v1/batches/${batch.id}`, headers: { authorization: `Bearer ${API_KEY}` } })).json().state === 'done') break
        await new Promise(resolve => setTimeout(resolve, 50))
      }
    } finally {
      await worker.close()
    }
    const [entry] = await scanKeys(t.deps.redis, `${t.config.prefix}:idempotency:*:${key}`)
    const [entryTtl, batchTtl] = await Promise.all([t.deps.redis.ttl(entry!), t.deps.redis.ttl(`${t.config.prefix}:batch:${batch.id}`)])
    expect(entryTtl).toBeGreaterThan(0)
    expect(Math.abs(entryTtl - batchTtl)).toBeLessThanOrEqual(1)
  })
})
