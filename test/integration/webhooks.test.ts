// Webhooks end to end: a submission with a callbackUrl is graded on real Docker, and its result
// POSTed to a receiver in this test, which verifies every request with the standardwebhooks
// package. Retries, the delivery log, a dispatcher restart mid-schedule, custom headers, the
// default allow-list and redirects are checked through HTTP against real Redis.
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Queue, QueueEvents } from 'bullmq'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { startApi, type RunningApi } from '../../services/api/start-api.js'
import { DELIVERY_QUEUE_NAME } from '../../services/delivery/delivery-job-schema.js'
import { DeliveryLog } from '../../services/delivery/delivery-log.js'
import { DeliveryQueue } from '../../services/delivery/delivery-queue.js'
import { resolveWebhookSecret } from '../../services/delivery/webhook-secret.js'
import { loadHostPoolOptions } from '../../services/hostpool/host-pool-options.js'
import { loadConfig } from '../../services/shared/config/config.js'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { scanKeys } from '../../services/shared/store/redis-keys.js'
import { startWorker } from '../../services/worker/start-worker.js'
import { python, startTestGrader, TEST_KEY, type TestGrader } from '../helpers/grader.js'

const SECRET = `whsec_${randomBytes(32).toString('base64')}`
const SOLUTION = 'def add(a, b):\n    return a + b\n'
const TESTS = 'from solution import add\n\ndef test_add():\n    assert add(2, 3) == 5\n'
/** Short retries so a test sees several attempts in seconds; the defaults span 24 h. */
const FAST_RETRIES = {
  GRADER_CALLBACK_ALLOW: '127.0.0.1',
  GRADER_WEBHOOK_SECRET: SECRET,
  GRADER_WEBHOOK_HEADERS: JSON.stringify({ Authorization: 'Bearer receiver-token', 'X-Grader-Tenant': 'course-42' }),
  GRADER_WEBHOOK_RETRY_BASE_MS: '300',
  GRADER_WEBHOOK_RETRY_MAX_MS: '1000',
  GRADER_WEBHOOK_RETRY_FOR_S: '60',
}

interface Received { headers: IncomingHttpHeaders, body: string, status: number }
interface Receiver {
  url: string
  requests: Received[]
  /** Resolves once `count` requests have been answered. */
  until: (count: number) => Promise<void>
  close: () => Promise<void>
}

/** A webhook receiver on `host`: `answer(n)` decides the status (and headers) of its n-th request (from 1). */
async function startReceiver (answer: (n: number) => { status: number, headers?: Record<string, string> }, host = '127.0.0.1'): Promise<Receiver> {
  const requests: Received[] = []
  const waiters: Array<{ count: number, resolve: () => void }> = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const { status, headers } = answer(requests.length + 1)
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status })
      res.writeHead(status, headers).end()
      for (const w of waiters.filter(w => requests.length >= w.count)) w.resolve()
    })
  })
  await new Promise<void>(resolve => server.listen(0, host, resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}/hooks/grader`,
    requests,
    until: async count => {
      if (requests.length >= count) return
      await new Promise<void>(resolve => waiters.push({ count, resolve }))
    },
    close: async () => { await new Promise<void>(resolve => server.close(() => resolve())) },
  }
}

const headerRecord = (h: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => typeof e[1] === 'string'))

async function submit (request: TestGrader['request'], body: unknown): Promise<Response> {
  return await request('/v1/submissions', { method: 'POST', body: JSON.stringify(body) })
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('webhooks', () => {
  it('delivers a signed submission.done after the receiver fails twice, with one webhook-id and the custom headers', async () => {
    const receiver = await startReceiver(n => ({ status: n <= 2 ? 503 : 200 }))
    cleanups.push(receiver.close)
    const grader = await startTestGrader(FAST_RETRIES)
    cleanups.push(grader.close)

    const done = await grader.grade(python(SOLUTION, TESTS, { callbackUrl: receiver.url, metadata: { course: 'c-1' } }))
    expect(done.callbackUrl).toBe(receiver.url)
    await receiver.until(3)

    const wh = new Webhook(SECRET)
    const ids = new Set(receiver.requests.map(r => r.headers['webhook-id']))
    expect(ids).toEqual(new Set([`msg_submission_${done.id}`]))
    for (const r of receiver.requests) {
      // verify() throws on a bad signature or a timestamp out of tolerance
      expect(() => wh.verify(r.body, headerRecord(r.headers))).not.toThrow()
      expect(r.headers.authorization).toBe('Bearer receiver-token')
      expect(r.headers['x-grader-tenant']).toBe('course-42')
      expect(r.headers['content-type']).toBe('application/json')
    }
    const last = receiver.requests[2]!
    // a body changed on the way, or signed with another secret, fails verification
    expect(() => wh.verify(last.body.replace('"pass"', '"fail"'), headerRecord(last.headers))).toThrow()
    expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(last.body, headerRecord(last.headers))).toThrow()

    const payload = JSON.parse(last.body) as { type: string, timestamp: string, data: Submission }
    expect(payload.type).toBe('submission.done')
    expect(Number.isNaN(Date.parse(payload.timestamp))).toBe(false)
    const read = await (await grader.request(`/v1/submissions/${done.id}`)).json() as Submission
    expect(payload.data).toEqual(read)
    expect(payload.data.result?.status).toBe('pass')
    // every attempt sends the same bytes
    expect(new Set(receiver.requests.map(r => r.body)).size).toBe(1)

    const res = await grader.request(`/v1/submissions/${done.id}/deliveries`)
    expect(res.status).toBe(200)
    const log = await res.json() as { state: string, webhookId: string, attempts: Array<Record<string, unknown>> }
    expect(log.state).toBe('delivered')
    expect(log.webhookId).toBe(`msg_submission_${done.id}`)
    expect(log.attempts.map(a => [a.attempt, a.statusCode])).toEqual([[1, 503], [2, 503], [3, 200]])
    expect(log.attempts[0]!.nextAttemptAt).toEqual(expect.any(String))
    expect(log.attempts[0]!.error).toBe('the receiver answered 503')
    expect(log.attempts[2]!.nextAttemptAt).toBeUndefined()
    expect(log.attempts[2]!.error).toBeUndefined()
    for (const a of log.attempts) expect(a.durationMs).toEqual(expect.any(Number))
    // the gap between attempts follows the schedule: 300 ms, then 600 ms
    const at = log.attempts.map(a => Date.parse(a.at as string))
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(250)
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(500)
    // and each attempt is counted by outcome for ops
    const metrics = await (await fetch(`${grader.metricsUrl}/metrics`)).text()
    expect(metrics).toContain('grader_webhook_attempts_total{type="submission.done",outcome="retrying"} 2')
    expect(metrics).toContain('grader_webhook_attempts_total{type="submission.done",outcome="delivered"} 1')

    // a grading job retried after a crash completes again and queues again: still one delivery
    const connection = new Redis(grader.config.redisUrl, { maxRetriesPerRequest: 3 })
    const queue = new Queue(DELIVERY_QUEUE_NAME, { connection, prefix: grader.config.prefix })
    try {
      const again = DeliveryQueue.open(connection, grader.config)
      await again.submissionDone(read)
      await again.close()
      expect(await queue.getJobCounts('waiting', 'delayed', 'active', 'completed')).toMatchObject({ waiting: 0, delayed: 0, active: 0, completed: 1 })
    } finally {
      await queue.close()
      await connection.quit()
    }

    expect((await grader.request(`/v1/submissions/${randomUUID()}/deliveries`)).status).toBe(404)
    const without = await grader.grade(python(SOLUTION, TESTS))
    const none = await (await grader.request(`/v1/submissions/${without.id}/deliveries`)).json() as { state: string, attempts: unknown[] }
    expect(none).toMatchObject({ state: 'none', attempts: [] })
  })

  it('keeps retrying across an API restart: the delivery waits in Redis and the next dispatcher sends it', async () => {
    let up = false
    const receiver = await startReceiver(() => ({ status: up ? 200 : 503 }))
    cleanups.push(receiver.close)
    const config = loadConfig({
      ...process.env, ...FAST_RETRIES, PORT: '0', GRADER_METRICS_PORT: '0', GRADER_API_KEYS: TEST_KEY,
      GRADER_PREFIX: `test-${randomUUID()}`, GRADER_WORKER_ID: `test-worker-${randomUUID()}`, GRADER_WAIT_MAX_MS: '120000',
      // long enough that the API is surely down when the next attempt falls due
      GRADER_WEBHOOK_RETRY_BASE_MS: '1500', GRADER_WEBHOOK_RETRY_MAX_MS: '1500',
    })
    const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 })
    const worker = await startWorker(config, redis, log, loadHostPoolOptions(process.env))
    let api: RunningApi | undefined = await startApi(config, log)
    cleanups.push(async () => {
      await api?.close()
      await worker.close()
      const keys = await scanKeys(redis, `${config.prefix}:*`)
      if (keys.length > 0) await redis.del(...keys)
      await redis.quit()
    })
    const call = async (a: RunningApi, path: string, init: RequestInit = {}) => await fetch(`${a.address}${path}`, {
      ...init, headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
    })

    const res = await call(api, '/v1/submissions?wait=true', { method: 'POST', body: JSON.stringify(python(SOLUTION, TESTS, { callbackUrl: receiver.url })) })
    const done = await res.json() as Submission
    expect(done.state).toBe('done')
    await receiver.until(1)
    // the API (and its dispatcher) stops with the delivery between attempts
    await api.close()
    api = undefined
    up = true
    const afterStop = receiver.requests.length
    api = await startApi(config, log)
    await receiver.until(afterStop + 1)

    const wh = new Webhook(SECRET)
    const last = receiver.requests.at(-1)!
    expect(last.status).toBe(200)
    expect(last.headers['webhook-id']).toBe(`msg_submission_${done.id}`)
    expect(() => wh.verify(last.body, headerRecord(last.headers))).not.toThrow()
    const deliveries = await (await call(api, `/v1/submissions/${done.id}/deliveries`)).json() as { state: string, attempts: Array<{ statusCode?: number }> }
    expect(deliveries.state).toBe('delivered')
    expect(deliveries.attempts.at(-1)!.statusCode).toBe(200)
    expect(deliveries.attempts.slice(0, -1).every(a => a.statusCode === 503)).toBe(true)
  })

  it('sends a challenge submission scored, as GET answers it in the full view', async () => {
    const receiver = await startReceiver(() => ({ status: 204 }))
    cleanups.push(receiver.close)
    const grader = await startTestGrader(FAST_RETRIES)
    cleanups.push(grader.close)
    const put = await grader.request('/v1/challenges/webhook-add', {
      method: 'PUT',
      body: JSON.stringify({
        language: 'python',
        tests: { 'test_solution.py': `${TESTS}\ndef test_secret():\n    assert add(1, 1) == 2\n` },
        policy: { tests: { 'test_solution.py::test_secret': { points: 3, visibility: 'hidden' } } },
      }),
    })
    expect(put.status, await put.clone().text()).toBe(200)
    const res = await grader.request('/v1/submissions?wait=true', {
      method: 'POST', body: JSON.stringify({ challenge: 'webhook-add', files: { 'solution.py': SOLUTION }, student: 's-1', callbackUrl: receiver.url }),
    })
    const done = await res.json() as Submission
    await receiver.until(1)
    const payload = JSON.parse(receiver.requests[0]!.body) as { data: Submission }
    expect(payload.data.result).toMatchObject({ score: 4, maxScore: 4 })
    expect(payload.data).toEqual(await (await grader.request(`/v1/submissions/${done.id}`)).json())
    // the full view: hidden tests keep their details for the platform backend
    expect(payload.data.result?.tests.find(t => t.name.endsWith('test_secret'))?.test_code).toContain('add(1, 1)')
  })

  it('signs with one secret generated into Redis for every process when GRADER_WEBHOOK_SECRET is unset', async () => {
    const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 3 })
    const prefix = `test-${randomUUID()}`
    try {
      const [a, b] = await Promise.all([resolveWebhookSecret(redis, prefix, undefined), resolveWebhookSecret(redis, prefix, undefined)])
      expect(a).toEqual({ secret: b.secret, generated: true, redisKey: `${prefix}:webhook-secret` })
      expect(Buffer.from(a.secret.replace(/^whsec_/, ''), 'base64')).toHaveLength(32)
      // a form the config accepts, and the package signs with
      expect(loadConfig({ GRADER_WEBHOOK_SECRET: a.secret }).webhookSecret).toBe(a.secret)
      expect(new Webhook(a.secret).sign('msg_1', new Date(), '{}')).toMatch(/^v1,/)
      expect(await resolveWebhookSecret(redis, prefix, SECRET)).toMatchObject({ secret: SECRET, generated: false })
    } finally {
      await redis.del(`${prefix}:webhook-secret`)
      await redis.quit()
    }
  })

  it('does not follow a redirect to an address the allow-list refuses', async () => {
    // Linux answers the whole of 127.0.0.0/8 on loopback: 127.0.0.2 is a second, disallowed host
    const internal = await startReceiver(() => ({ status: 200 }), '127.0.0.2')
    cleanups.push(internal.close)
    const receiver = await startReceiver(() => ({ status: 307, headers: { location: internal.url } }))
    cleanups.push(receiver.close)
    const grader = await startTestGrader({ ...FAST_RETRIES, GRADER_WEBHOOK_RETRY_FOR_S: '1' })
    cleanups.push(grader.close)

    const done = await grader.grade(python(SOLUTION, TESTS, { callbackUrl: receiver.url }))
    await receiver.until(2)
    const log = await (await grader.request(`/v1/submissions/${done.id}/deliveries`)).json() as { attempts: Array<{ error?: string, statusCode?: number }> }
    expect(log.attempts[0]!.error).toMatch(/redirect to http:\/\/127\.0\.0\.2:\d+\/hooks\/grader not followed/)
    expect(internal.requests).toEqual([])
  })

  it('checks the addresses it connects to: a name that now resolves to loopback gets nothing sent (DNS rebinding)', async () => {
    const receiver = await startReceiver(() => ({ status: 200 }))
    cleanups.push(receiver.close)
    // the default allow-list: public addresses only
    const grader = await startTestGrader({ GRADER_WEBHOOK_SECRET: SECRET, GRADER_WEBHOOK_RETRY_FOR_S: '0', GRADER_WEBHOOK_RETRY_BASE_MS: '100' }, { worker: false })
    cleanups.push(grader.close)
    const connection = new Redis(grader.config.redisUrl, { maxRetriesPerRequest: 3 })
    // QueueEvents blocks on its own connection (built from these options)
    const events = new QueueEvents(DELIVERY_QUEUE_NAME, { connection: { url: grader.config.redisUrl }, prefix: grader.config.prefix })
    const queue = DeliveryQueue.open(connection, grader.config)
    cleanups.push(async () => { await queue.close(); await events.close(); await connection.quit() })
    await events.waitUntilReady()
    // as if the name had resolved to a public address when it was checked, and to 127.0.0.1 now
    const url = receiver.url.replace('127.0.0.1', 'localhost')
    // FOR_S=0: one retry, two attempts; BullMQ's 'failed' event marks the last one
    const givenUp = new Promise<void>(resolve => events.on('failed', ({ jobId }) => { if (jobId === 'msg_rebind') resolve() }))
    await queue.enqueue({ id: 'msg_rebind', url, payload: { type: 'test.rebind', timestamp: new Date().toISOString(), data: {} } })
    await givenUp
    const log = await new DeliveryLog(connection, grader.config.prefix, 60).read('msg_rebind')
    expect(log.map(a => a.error)).toEqual([expect.stringMatching(/localhost resolves to 127\.0\.0\.1, which is not allowed/), expect.stringMatching(/not allowed/)])
    expect(log.at(-1)!.nextAttemptAt).toBeUndefined()
    expect(receiver.requests).toEqual([])
  })

  it('refuses loopback, private, link-local and malformed callback targets at submission by default', async () => {
    const grader = await startTestGrader({}, { worker: false })
    cleanups.push(grader.close)
    for (const callbackUrl of [
      'http://127.0.0.1:9/hook', 'http://localhost:9/hook', 'http://[::1]/hook', 'http://[::ffff:127.0.0.1]/hook', 'http://2130706433/',
      'http://10.0.0.8/hook', 'http://192.168.1.10/hook', 'http://172.16.0.1/', 'http://100.64.0.1/', 'http://169.254.169.254/latest/meta-data',
      'http://[fd00::1]/', 'http://[fe80::1]/', 'http://224.0.0.1/',
      'ftp://example.com/hook', 'file:///etc/passwd', 'https://user:secret@example.com/hook', 'http://no-such-host.invalid/hook',
    ]) {
      const res = await submit(grader.request, python(SOLUTION, TESTS, { callbackUrl }))
      expect({ callbackUrl, status: res.status, body: await res.json() }).toMatchObject({ callbackUrl, status: 400, body: { error: { code: 'invalid_callback' } } })
    }
  })
})
