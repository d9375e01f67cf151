// Retention and DELETE /v1/submissions/:id: nothing of a deleted submission stays in Redis or on the queue.
import { gradingJobOptions } from '../../../services/shared/queue/grading-job-options.js'
import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DELIVERY_QUEUE_NAME } from '../../../services/delivery/delivery-job-schema.js'
import { DeliveryLog } from '../../../services/delivery/delivery-log.js'
import { DeliveryQueue, submissionWebhookId } from '../../../services/delivery/delivery-queue.js'
import { scanKeys } from '../../../services/shared/store/redis-keys.js'
import { ADMIN_KEY, AUTH, buildTestApp, validSubmission, type TestApp } from './build-test-app.js'
import { PASS, standInWorker } from './stand-in-worker.js'

let t: TestApp

beforeAll(async () => {
  t = await buildTestApp({ GRADER_RESULT_TTL_S: '600', GRADER_ADMIN_KEYS: ADMIN_KEY })
  await t.deps.registry.publish({ workerId: 'test', languages: ['python'], usableHosts: 1 })
})
afterAll(async () => { await t?.close() })

const inject = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  await t.app.inject({ method, url, headers: { ...AUTH, ...headers }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) })

/** Every value held under the prefix, key by key, whatever the key's type. */
async function everything (redis: Redis, prefix: string): Promise<Array<{ key: string, text: string }>> {
  const out: Array<{ key: string, text: string }> = []
  for (const key of await scanKeys(redis, `${prefix}:*`)) {
    const type = await redis.type(key)
    let value: unknown
    if (type === 'string') value = await redis.get(key)
    else if (type === 'list') value = await redis.lrange(key, 0, -1)
    else if (type === 'set') value = await redis.smembers(key)
    else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES')
    else if (type === 'hash') value = await redis.hgetall(key)
    else if (type === 'stream') value = await redis.xrange(key, '-', '+')
    else value = `(${type})`
    out.push({ key, text: JSON.stringify(value) })
  }
  return out
}

/** Keys whose name or value holds `needle`. */
async function keysHolding (needle: string): Promise<string[]> {
  return (await everything(t.deps.redis, t.config.prefix)).filter(e => e.key.includes(needle) || e.text.includes(needle)).map(e => e.key)
}

describe('DELETE /v1/submissions/:id', () => {
  it('deletes a queued submission with its files, job, idempotency entry, index entry and delivery', async () => {
    const marker = `MARKER-${crypto.randomUUID()}`
    await inject('PUT', '/v1/challenges/retained', { language: 'python', tests: { 'test_solution.py': 'def test_x():\n    assert True\n' } }, { authorization: `Bearer ${ADMIN_KEY}` })
    const res = await inject('POST', '/v1/submissions', {
      challenge: 'retained', student: 's-1', files: { 'solution.py': `SECRET = "${marker}"\n` }, metadata: { note: marker },
    }, { 'idempotency-key': `idem-${marker}` })
    expect(res.statusCode).toBe(202)
    const id = res.json().id as string
    // a delivery queued and logged for it, as the worker and the dispatcher would have done
    const deliveryJobs = new Queue(DELIVERY_QUEUE_NAME, { connection: t.deps.redis, prefix: t.config.prefix })
    try {
      await new DeliveryQueue(deliveryJobs, t.config).enqueue({ id: submissionWebhookId(id), url: 'https://example.com/hook', logId: id, payload: { type: 'submission.done', timestamp: new Date().toISOString(), data: { id, marker } } })
      await new DeliveryLog(t.deps.redis, t.config.prefix, t.config.resultTtlS).record(id, { attempt: 1, webhookId: submissionWebhookId(id), at: new Date().toISOString(), url: 'https://example.com/hook', statusCode: 500, durationMs: 3 })
      expect((await keysHolding(marker)).length).toBeGreaterThan(2)
      expect(await t.deps.fair!.job(id)).toBeDefined()

      const deleted = await inject('DELETE', `/v1/submissions/${id}`)
      expect(deleted.statusCode).toBe(204)
      expect(deleted.body).toBe('')
      expect(await keysHolding(marker)).toEqual([])
      expect(await keysHolding(id)).toEqual([])
      expect(await t.deps.fair!.job(id)).toBeUndefined()
      expect(await t.deps.queue.getJob(id)).toBeUndefined()
      expect(await deliveryJobs.getJob(submissionWebhookId(id))).toBeUndefined()
      expect((await inject('GET', `/v1/submissions/${id}`)).statusCode).toBe(404)
      // the same key is free again: the deleted submission is not replayed
      const again = await inject('POST', '/v1/submissions', { challenge: 'retained', student: 's-1', files: { 'solution.py': 'x = 1\n' } }, { 'idempotency-key': `idem-${marker}` })
      expect(again.statusCode).toBe(202)
      expect(again.json().id).not.toBe(id)
    } finally {
      await deliveryJobs.close()
    }
  })

  it('drops the result of a submission deleted while a worker grades it', async () => {
    const marker = `MARKER-${crypto.randomUUID()}`
    let release!: () => void
    const released = new Promise<void>(resolve => { release = resolve })
    let started!: () => void
    const running = new Promise<void>(resolve => { started = resolve })
    const worker = standInWorker(t, () => PASS, { hold: async () => { started(); await released } })
    try {
      const res = await inject('POST', '/v1/submissions', validSubmission({ files: { 'solution.py': `X = "${marker}"\n` } }))
      const id = res.json().id as string
      await running
      expect((await inject('DELETE', `/v1/submissions/${id}`)).statusCode).toBe(204)
      release()
      await worker.completed(1)
      // the job is removed on completion; give BullMQ's own bookkeeping a moment
      for (let i = 0; i < 50 && (await keysHolding(marker)).length > 0; i++) await new Promise(resolve => setTimeout(resolve, 20))
      expect(await keysHolding(marker)).toEqual([])
      expect(await t.deps.redis.exists(t.deps.store.key(id))).toBe(0)
    } finally {
      await worker.close()
    }
  })

  it('deletes the regrades of a deleted submission too: they hold copies of its files', async () => {
    const marker = `MARKER-${crypto.randomUUID()}`
    const admin = { authorization: `Bearer ${ADMIN_KEY}` }
    await inject('PUT', '/v1/challenges/regraded', { language: 'python', tests: { 'test_solution.py': 'def test_x():\n    assert True\n' } }, admin)
    const worker = standInWorker(t, () => PASS)
    try {
      const id = (await inject('POST', '/v1/submissions', { challenge: 'regraded', student: 's-2', files: { 'solution.py': `X = "${marker}"\n` } })).json().id as string
      await worker.completed(1)
      await inject('PUT', '/v1/challenges/regraded', { language: 'python', tests: { 'test_solution.py': 'def test_y():\n    assert True\n' } }, admin)
      const regrade = await inject('POST', '/v1/challenges/regraded/regrade', {}, admin)
      expect(regrade.json().count).toBe(1)
      await worker.completed(2)
      const copies = (await inject('GET', `/v1/submissions/${id}`)).json().regrades as string[]
      expect(copies).toHaveLength(1)
      expect(await keysHolding(marker)).not.toEqual([])

      expect((await inject('DELETE', `/v1/submissions/${id}`)).statusCode).toBe(204)
      expect((await inject('GET', `/v1/submissions/${copies[0]!}`)).statusCode).toBe(404)
      expect(await keysHolding(marker)).toEqual([])
      expect(await keysHolding(copies[0]!)).toEqual([])
    } finally {
      await worker.close()
    }
  })

  it('ends a held ?wait=true request with 404 when its submission is deleted meanwhile', async () => {
    const records = async () => (await scanKeys(t.deps.redis, `${t.config.prefix}:submission:*`))
      .map(k => k.slice(`${t.config.prefix}:submission:`.length)).filter(rest => /^[0-9a-f-]{36}$/.test(rest))
    const before = new Set(await records())
    // no worker takes it: the request would be held until GRADER_WAIT_MAX_MS
    const held = inject('POST', '/v1/submissions?wait=true', validSubmission())
    let id: string | undefined
    for (let i = 0; i < 100 && id === undefined; i++) {
      await new Promise(resolve => setTimeout(resolve, 20))
      id = (await records()).find(r => !before.has(r))
    }
    expect(id).toBeDefined()
    expect((await inject('DELETE', `/v1/submissions/${id!}`)).statusCode).toBe(204)
    const res = await held
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('not_found')
  })

  it.each([
    ['an unknown submission', crypto.randomUUID()],
    ['an id that is not a UUID', 'nope'],
  ])('returns 404 not_found for %s', async (_what, id) => {
    const res = await inject('DELETE', `/v1/submissions/${id}`)
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('not_found')
  })

  it('lets a batch finish when a member still queued is deleted', async () => {
    const batch = (await inject('POST', '/v1/submissions/batch', { submissions: [validSubmission()] })).json()
    expect((await inject('DELETE', `/v1/submissions/${batch.submissions[0].id}`)).statusCode).toBe(204)
    const progress = (await inject('GET', `/v1/batches/${batch.id}`)).json()
    expect(progress).toMatchObject({ state: 'done', total: 0, submissions: [] })
  })
})

describe('retention', () => {
  it('gives every key of a submission an expiry no longer than GRADER_RESULT_TTL_S, before and after it is done', async () => {
    const marker = `MARKER-${crypto.randomUUID()}`
    const res = await inject('POST', '/v1/submissions', validSubmission({ files: { 'solution.py': `X = "${marker}"\n` } }), { 'idempotency-key': `idem-${marker}` })
    const id = res.json().id as string
    const check = async () => {
      // the queued job is BullMQ's: it goes when graded (removeOnComplete) or by age once failed (next test)
      const keys = (await scanKeys(t.deps.redis, `${t.config.prefix}:*`))
        .filter(k => (k.includes(id) || k.includes(marker)) && !k.startsWith(`${t.config.prefix}:grading:`))
      expect(keys.length).toBeGreaterThanOrEqual(3)
      for (const key of keys) {
        const ttl = await t.deps.redis.ttl(key)
        expect(ttl, key).toBeGreaterThan(0)
        expect(ttl, key).toBeLessThanOrEqual(t.config.resultTtlS)
      }
    }
    await check()
    await t.deps.store.complete(id, PASS)
    await check()
  })

  it('drops an expired submission from its challenge\'s index at the next write, so no id outlives its submission there', async () => {
    await inject('PUT', '/v1/challenges/indexed', { language: 'python', tests: { 'test_solution.py': 'def test_x():\n    assert True\n' } }, { authorization: `Bearer ${ADMIN_KEY}` })
    const old = (await inject('POST', '/v1/submissions', { challenge: 'indexed', files: { 'solution.py': 'x = 1\n' } })).json().id as string
    const index = `${t.config.prefix}:challenge-submissions:indexed`
    // as if its expiry had passed (the record itself would be gone by now)
    await t.deps.redis.zadd(index, Date.now() - 1000, old)
    const fresh = (await inject('POST', '/v1/submissions', { challenge: 'indexed', files: { 'solution.py': 'x = 2\n' } })).json().id as string
    expect(await t.deps.redis.zrange(index, 0, -1)).toEqual([fresh])
    await t.deps.redis.zadd(index, Date.now() - 1000, fresh)
    await t.deps.redis.zadd(index, Date.now() + 60_000, old)
    await t.deps.store.complete(old, PASS)
    expect(await t.deps.redis.zrange(index, 0, -1)).toEqual([old])
  })

  it('bounds a failed job (which keeps the files) by age as well as by count', async () => {
    const res = await inject('POST', '/v1/submissions', validSubmission())
    const id = res.json().id as string
    // fed into BullMQ as a worker's feeder does, with the one set of options
    const waiting = await t.deps.fair!.job(id)
    expect(waiting).toBeDefined()
    await t.deps.queue.add('grade', waiting!, gradingJobOptions(t.config, id))
    const job = await t.deps.queue.getJob(id)
    expect(job?.opts.removeOnFail).toEqual({ count: 1000, age: t.config.resultTtlS })
    expect(job?.opts.removeOnComplete).toBe(true)
  })
})
