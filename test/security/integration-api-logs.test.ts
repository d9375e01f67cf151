// Integration API attacks, part 4: what ends up in the logs. A whole grader (API with its
// webhook dispatcher, and a worker) logs at debug level, with the production logger options,
// into memory while it takes the integration API's traffic: a challenge submission with hidden
// tests and a callbackUrl whose receiver fails, redirects to a refused address, then answers;
// an idempotent replay, a batch with refused entries, a regrade, bad keys, a DELETE. Then every
// line is searched for what must never be logged: API keys, the webhook secret, the receiver's
// credential, the student's files and output, and the hidden suite.
//
// What stops it: the logger's redaction of authorization headers, log lines that carry ids,
// codes and counts (never bodies, headers or results), and the dispatcher logging only the
// attempt's status and error.
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GraderClient } from '../../clients/typescript/index.js'
import { startApi, type RunningApi } from '../../services/api/start-api.js'
import { loadHostPoolOptions } from '../../services/hostpool/host-pool-options.js'
import { loadConfig, type Config } from '../../services/shared/config/config.js'
import { processLoggerOptions } from '../../services/shared/observability/logger-options.js'
import { scanKeys } from '../../services/shared/store/redis-keys.js'
import { startWorker, type RunningWorker } from '../../services/worker/start-worker.js'

const API_KEY = `platform-key-${randomBytes(12).toString('hex')}`
const ADMIN_KEY = `admin-key-${randomBytes(12).toString('hex')}`
const WRONG_KEY = `wrong-key-${randomBytes(12).toString('hex')}`
const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`
const RECEIVER_CREDENTIAL = `receiver-credential-${randomBytes(12).toString('hex')}`
const FILE_MARK = `student-file-${randomBytes(6).toString('hex')}`
const OUTPUT_MARK = `student-output-${randomBytes(6).toString('hex')}`
const SUITE_MARK = `suite-${randomBytes(6).toString('hex')}`
const SECRET_EXPECTED = '982451653'

const TESTS = `from solution import solve

# ${SUITE_MARK}
def test_shown():
    assert solve(1) == 2

def test_secret():
    assert solve(5) == ${SECRET_EXPECTED}
`
const SOLUTION = `# ${FILE_MARK}
def solve(n):
    print("${OUTPUT_MARK}")
    return n + 1
`
const NEVER_LOGGED = [API_KEY, ADMIN_KEY, WRONG_KEY, WEBHOOK_SECRET.slice('whsec_'.length), RECEIVER_CREDENTIAL, FILE_MARK, OUTPUT_MARK, SUITE_MARK, SECRET_EXPECTED]

const lines: string[] = []
let config: Config
let api: RunningApi
let worker: RunningWorker
let redis: Redis
let client: GraderClient

beforeAll(async () => {
  config = loadConfig({
    ...process.env,
    PORT: '0',
    GRADER_METRICS_PORT: '0',
    GRADER_API_KEYS: API_KEY,
    GRADER_ADMIN_KEYS: ADMIN_KEY,
    GRADER_PREFIX: `test-${randomUUID()}`,
    GRADER_WORKER_ID: `test-worker-${randomUUID()}`,
    GRADER_WAIT_MAX_MS: '120000',
    GRADER_CALLBACK_ALLOW: '127.0.0.1',
    GRADER_WEBHOOK_SECRET: WEBHOOK_SECRET,
    GRADER_WEBHOOK_HEADERS: JSON.stringify({ Authorization: `Bearer ${RECEIVER_CREDENTIAL}`, 'X-Receiver-Token': RECEIVER_CREDENTIAL }),
    GRADER_WEBHOOK_RETRY_BASE_MS: '100',
    GRADER_WEBHOOK_RETRY_MAX_MS: '100',
    GRADER_WEBHOOK_RETRY_FOR_S: '0',
  })
  const sink = new Writable({ write (chunk: Buffer, _encoding, done) { lines.push(...chunk.toString('utf8').split('\n').filter(l => l !== '')); done() } })
  // the production options (redaction included), at the most talkative level, never pretty
  const log = pino(processLoggerOptions('trace', false), sink)
  redis = new Redis(config.redisUrl)
  worker = await startWorker(config, redis, log, loadHostPoolOptions(process.env))
  api = await startApi(config, log)
  client = new GraderClient({ url: api.address, apiKey: API_KEY })
}, 120_000)

afterAll(async () => {
  await api?.close()
  await worker?.close()
  const keys = await scanKeys(redis, `${config.prefix}:*`)
  if (keys.length > 0) await redis.del(...keys)
  await redis?.quit()
})

async function call (path: string, init: { method?: string, body?: unknown, key?: string, headers?: Record<string, string> } = {}): Promise<Response> {
  return await fetch(`${api.address}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.key ?? API_KEY}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  })
}

describe('the logs of the integration API\'s traffic', () => {
  it('hold no key, webhook secret, receiver credential, student file or output, nor the hidden suite', async () => {
    const refused = await new Promise<Server>(resolve => { const s = createServer((_q, r) => r.writeHead(200).end()); s.listen(0, '127.0.0.2', () => resolve(s)) })
    let n = 0
    const receiver: Server = createServer((req, res) => {
      req.resume()
      n++
      // fails, then redirects to a refused address, then (a new delivery) answers
      if (n === 1) res.writeHead(500).end()
      else if (n === 2) res.writeHead(307, { location: `http://127.0.0.2:${(refused.address() as AddressInfo).port}/x` }).end()
      else res.writeHead(204).end()
    })
    await new Promise<void>(resolve => receiver.listen(0, '127.0.0.1', resolve))
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
    try {
      expect((await call('/v1/challenges/log-attack', {
        method: 'PUT', key: ADMIN_KEY,
        body: { language: 'python', tests: { 'test_solution.py': TESTS }, policy: { tests: { 'test_solution.py::test_secret': { visibility: 'hidden' } }, feedback: { max: 5, windowS: 60 } } },
      })).status).toBe(200)

      const body = { challenge: 'log-attack', files: { 'solution.py': SOLUTION }, student: 's-log', callbackUrl: hook }
      const first = await call('/v1/submissions', { method: 'POST', body, headers: { 'idempotency-key': 'log-key' } })
      const { id } = await first.json() as { id: string }
      await call('/v1/submissions', { method: 'POST', body, headers: { 'idempotency-key': 'log-key' } })
      await call('/v1/submissions', { method: 'POST', body: { ...body, metadata: { x: 1 } }, headers: { 'idempotency-key': 'log-key' } })
      await client.wait(id, { timeoutMs: 120_000 })
      // two refused attempts (500, then the redirect not followed)
      for (let i = 0; i < 100 && n < 2; i++) await new Promise(resolve => setTimeout(resolve, 100))
      expect(n).toBe(2)

      const batch = await call('/v1/submissions/batch', {
        method: 'POST',
        body: { submissions: [{ ...body, callbackUrl: hook }, { ...body, callbackUrl: 'http://169.254.169.254/' }, { files: { 'solution.py': SOLUTION } }], callbackUrl: hook },
      })
      const { submissions } = await batch.json() as { submissions: Array<{ id?: string }> }
      await client.wait(submissions[0]!.id!, { timeoutMs: 120_000 })
      const regrade = await call('/v1/challenges/log-attack/regrade', { method: 'POST', body: {}, key: ADMIN_KEY })
      expect(regrade.status).toBe(202)
      await call(`/v1/submissions/${id}/events?view=student`)
      await call(`/v1/submissions/${id}/deliveries`)
      await call(`/v1/submissions/${id}/gradescope.json`)
      await call(`/v1/submissions/${id}`, { key: WRONG_KEY })
      await call('/v1/challenges/log-attack', { key: API_KEY })
      expect((await call(`/v1/submissions/${id}`, { method: 'DELETE' })).status).toBe(204)
      // let the batch's deliveries and the regrade finish logging
      await new Promise(resolve => setTimeout(resolve, 3_000))
    } finally {
      await new Promise<void>(resolve => receiver.close(() => resolve()))
      await new Promise<void>(resolve => refused.close(() => resolve()))
    }

    // the logs did record the traffic: the search below has something to search
    const all = lines.join('\n')
    expect(all).toContain('webhook attempt failed')
    expect(all).toContain('not followed')
    expect(lines.length).toBeGreaterThan(30)
    for (const secret of NEVER_LOGGED) {
      const found = lines.filter(l => l.includes(secret))
      expect({ secret: secret.slice(0, 24), found: found.map(l => l.slice(0, 300)) }).toEqual({ secret: secret.slice(0, 24), found: [] })
    }
  }, 180_000)
})
