// Integration API attacks, part 2, with real grading: a student reads a hidden test through
// every student-facing answer (GET ?view=student, the event stream's running and done events,
// with and without a forged Last-Event-ID); a callback receiver answers redirects towards
// internal addresses; an API client reuses another client's Idempotency-Key; a batch tries to
// spend a feedback budget several times at once; a deleted submission is read back through
// every new route; and every answer is searched for the webhook secret and custom headers.
//
// What stops it: the student view is made on the server (services/api/grading-policy.ts
// studentView) for GET and the stream alike; every redirect target is checked before it is
// connected to (services/delivery/webhook-sender.ts); idempotency keys are scoped per API key;
// batch entries go through the same acceptSubmission (and budget) as single submissions;
// DELETE removes the record, files, delivery and log together.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { EventStreamReader } from '../helpers/event-stream-reader.js'
import { python, startTestGrader, TEST_KEY, type TestGrader } from '../helpers/grader.js'

const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`
const RECEIVER_CREDENTIAL = `receiver-credential-${randomBytes(8).toString('hex')}`
const SECOND_KEY = `second-client-${randomBytes(8).toString('hex')}`

/** Values only the hidden tests hold: none may reach a student-facing answer. */
const SECRET_EXPECTED = '982451653'
const SECRET_ARGUMENT = '7310411'
const AFTER_DUE_EXPECTED = '40353607'
/** What the student's code prints while a hidden test runs: that test's output. */
const HIDDEN_OUTPUT_MARK = 'printed-during-hidden-test'

const TESTS = `from solution import solve

def test_shown():
    assert solve(1) == 2

def test_secret():
    assert solve(${SECRET_ARGUMENT}) == ${SECRET_EXPECTED}

def test_later():
    assert solve(3) == ${AFTER_DUE_EXPECTED}
`
/** Wrong on every hidden test, so each has a message quoting its expected value. */
const SOLUTION = `def solve(n):
    if n == ${SECRET_ARGUMENT}:
        print("${HIDDEN_OUTPUT_MARK}")
    return n + 1
`
const HIDDEN_CHALLENGE = {
  language: 'python',
  tests: { 'test_solution.py': TESTS },
  limits: { timeoutMs: 20000 },
  policy: {
    tests: {
      'test_solution.py::test_secret': { points: 3, visibility: 'hidden' },
      'test_solution.py::test_later': { visibility: 'after_due' },
    },
    dueAt: '2999-01-01T00:00:00Z',
  },
}
const HIDDEN_STRINGS = [SECRET_EXPECTED, SECRET_ARGUMENT, AFTER_DUE_EXPECTED, HIDDEN_OUTPUT_MARK, 'def test_secret', 'def test_later']

const ADD = 'def add(a, b):\n    return a + b\n'
const ADD_TESTS = 'from solution import add\n\ndef test_add():\n    assert add(2, 3) == 5\n'

let g: TestGrader

beforeAll(async () => {
  g = await startTestGrader({
    GRADER_API_KEYS: `${TEST_KEY},${SECOND_KEY}`,
    GRADER_CALLBACK_ALLOW: '127.0.0.1',
    GRADER_WEBHOOK_SECRET: WEBHOOK_SECRET,
    GRADER_WEBHOOK_HEADERS: JSON.stringify({ Authorization: `Bearer ${RECEIVER_CREDENTIAL}` }),
    // one retry, soon: a refused attempt is logged twice within a second
    GRADER_WEBHOOK_RETRY_BASE_MS: '100',
    GRADER_WEBHOOK_RETRY_MAX_MS: '100',
    GRADER_WEBHOOK_RETRY_FOR_S: '0',
    GRADER_WEBHOOK_TIMEOUT_MS: '1500',
  })
  const put = await g.request('/v1/challenges/hidden-attack', { method: 'PUT', body: JSON.stringify(HIDDEN_CHALLENGE) })
  expect(put.status).toBe(200)
}, 120_000)
afterAll(async () => { await g?.close() })

const post = async (path: string, body: unknown, init: { key?: string, headers?: Record<string, string> } = {}): Promise<Response> =>
  await g.request(path, { method: 'POST', body: JSON.stringify(body), headers: init.headers ?? {}, ...(init.key !== undefined ? { key: init.key } : {}) })

async function waitDone (id: string): Promise<Submission> {
  return await g.client.wait(id, { timeoutMs: 120_000 })
}

/** Opens the event stream of `id` and reads it to its end. */
async function readStream (id: string, query = '', headers: Record<string, string> = {}): Promise<{ status: number, events: EventStreamReader['events'] }> {
  const res = await g.request(`/v1/submissions/${id}/events${query}`, { headers })
  if (res.status !== 200 || res.body === null) return { status: res.status, events: [] }
  const reader = new EventStreamReader(res.body)
  return { status: 200, events: await reader.readToEnd(120_000) }
}

describe('hidden tests stay out of every student-facing answer', () => {
  it('the student view (GET and the whole event stream, from queued to done) holds no hidden test\'s code, message, output or values', async () => {
    const accepted = await post('/v1/submissions', { challenge: 'hidden-attack', files: { 'solution.py': SOLUTION }, student: 's-1' })
    expect(accepted.status).toBe(202)
    const { id } = await accepted.json() as { id: string }
    // live from the start: queued, running with each test, done
    const live = await readStream(id, '?view=student')
    expect(live.status).toBe(200)
    expect(live.events.at(-1)?.event).toBe('done')
    const full = await (await g.request(`/v1/submissions/${id}`)).text()
    // the full view holds every secret: the attack has something to find
    for (const secret of HIDDEN_STRINGS) expect(full).toContain(secret)

    const student = await (await g.request(`/v1/submissions/${id}?view=student`)).text()
    const streamed = live.events.map(e => e.data).join('\n')
    for (const secret of HIDDEN_STRINGS) {
      expect({ secret, inGet: student.includes(secret), inStream: streamed.includes(secret) }).toEqual({ secret, inGet: false, inStream: false })
    }
    // the done event is the GET's student view, not the full one
    expect(JSON.parse(live.events.at(-1)!.data)).toEqual(JSON.parse(student))
    const view = JSON.parse(student) as Submission
    expect(view.result!.tests.find(t => t.name.endsWith('test_secret'))).toEqual({ name: 'test_solution.py::test_secret', status: 'fail', points: 0 })
    expect(view.result!.message).toBeUndefined()
  })

  it('a hidden parametrized case keeps its arguments out of its name, its siblings\' code, and the running events', async () => {
    const expected = '479001600'
    const put = await g.request('/v1/challenges/hidden-params', {
      method: 'PUT',
      body: JSON.stringify({
        language: 'python',
        tests: { 'test_solution.py': `import pytest\nfrom solution import fact\n\n@pytest.mark.parametrize('n,expected', [(3, 6), (12, ${expected})])\ndef test_fact(n, expected):\n    assert fact(n) == expected\n` },
        policy: { tests: { [`test_solution.py::test_fact[12-${expected}]`]: { visibility: 'hidden' } } },
      }),
    })
    expect(put.status).toBe(200)
    const accepted = await post('/v1/submissions', { challenge: 'hidden-params', files: { 'solution.py': 'def fact(n):\n    return 6\n' } })
    const { id } = await accepted.json() as { id: string }
    const live = await readStream(id, '?view=student')
    expect(live.events.at(-1)?.event).toBe('done')
    const full = await (await g.request(`/v1/submissions/${id}`)).text()
    expect(full).toContain(expected)
    const student = await (await g.request(`/v1/submissions/${id}?view=student`)).text()
    expect(student).not.toContain(expected)
    expect(live.events.map(e => e.data).join('\n')).not.toContain(expected)
    const view = JSON.parse(student) as Submission
    expect(view.result!.tests.map(t => [t.name, t.status])).toEqual([['test_solution.py::test_fact[3-6]', 'pass'], ['test_solution.py::test_fact[hidden]', 'fail']])
  })

  it('a suite that does not import the student\'s module is not quoted to the student while tests are hidden', async () => {
    const accepted = await post('/v1/submissions', { challenge: 'hidden-attack', files: { 'solution.py': 'def other():\n    pass\n' } })
    const { id } = await accepted.json() as { id: string }
    const done = await waitDone(id)
    expect(done.result!.message).toContain('from solution import solve')
    const view = await (await g.request(`/v1/submissions/${id}?view=student`)).json() as Submission
    expect(view.result!.message ?? '').not.toContain('from solution import')
    expect(view.result!.message).toContain('ImportError')
  })

  it('refuses options.isolation "in-process" on a challenge with hidden tests: the student\'s code could read the suite', async () => {
    const res = await post('/v1/submissions', { challenge: 'hidden-attack', files: { 'solution.py': SOLUTION }, options: { isolation: 'in-process' } })
    expect(res.status).toBe(400)
    expect((await res.json() as { error: { code: string } }).error.code).toBe('invalid_request')
  })

  it('a polluted view query (repeated, cased, bracketed) never yields the full view where a student view was asked for', async () => {
    const done = await g.grade({ challenge: 'hidden-attack', files: { 'solution.py': SOLUTION }, student: 's-5' })
    // a platform's student-facing proxy appends view=student to whatever the student asked for
    for (const query of ['?view=full&view=student', '?view=student&view=full', '?view=student&view=', '?view[]=full&view=student',
      '?view=student&VIEW=full', '?view=Student', '?view=student%00', '?view=student,full', '?view=student&view[0]=full']) {
      for (const path of [`/v1/submissions/${done.id}${query}`, `/v1/submissions/${done.id}/events${query}`]) {
        const res = await g.request(path)
        const text = res.status === 200 && path.includes('/events') ? (await new EventStreamReader(res.body!).readToEnd()).map(e => e.data).join('\n') : await res.text()
        // either refused, or the student view: never a hidden test's details
        expect({ path, ok: res.status === 200 || res.status === 400 }).toEqual({ path, ok: true })
        for (const secret of HIDDEN_STRINGS) expect({ path, leaked: text.includes(secret) }).toEqual({ path, leaked: false })
      }
    }
  })

  it('a forged Last-Event-ID, huge or not a number, changes nothing but the numbering', async () => {
    const done = await g.grade({ challenge: 'hidden-attack', files: { 'solution.py': SOLUTION }, student: 's-2' })
    for (const lastEventId of ['99999999999999999999', '-5', '1e309', 'NaN', '0x10', ' 7', 'x'.repeat(8000), '9'.repeat(15)]) {
      const { status, events } = await readStream(done.id, '?view=student', { 'last-event-id': lastEventId })
      expect({ lastEventId: lastEventId.slice(0, 20), status }).toEqual({ lastEventId: lastEventId.slice(0, 20), status: 200 })
      expect(events.map(e => e.event)).toEqual(['done'])
      // ids stay safe integers
      expect(Number.isSafeInteger(Number(events[0]!.id))).toBe(true)
      for (const secret of HIDDEN_STRINGS) expect(events[0]!.data).not.toContain(secret)
    }
  })

  it('the result formats are refused for a student view rather than answered in full', async () => {
    const done = await g.grade({ challenge: 'hidden-attack', files: { 'solution.py': SOLUTION }, student: 's-3' })
    for (const path of ['results.json?view=student', 'results.json?version=3&view=student', 'gradescope.json?view=student']) {
      const res = await g.request(`/v1/submissions/${done.id}/${path}`)
      expect(res.status).toBe(400)
      const text = await res.text()
      for (const secret of HIDDEN_STRINGS) expect(text).not.toContain(secret)
    }
  })

  it('a challenge deleted after grading leaves its student views with no test details at all, and no answer a 500', async () => {
    expect((await g.request('/v1/challenges/hidden-deleted', { method: 'PUT', body: JSON.stringify(HIDDEN_CHALLENGE) })).status).toBe(200)
    const done = await g.grade({ challenge: 'hidden-deleted', files: { 'solution.py': SOLUTION }, student: 's-4' })
    expect((await g.request('/v1/challenges/hidden-deleted', { method: 'DELETE' })).status).toBe(204)
    // the policy that said what is hidden is gone: nothing of any test may be shown
    const student = await (await g.request(`/v1/submissions/${done.id}?view=student`)).text()
    const { events } = await readStream(done.id, '?view=student')
    for (const text of [student, events.map(e => e.data).join('\n')]) {
      for (const secret of HIDDEN_STRINGS) expect(text).not.toContain(secret)
      expect(text).not.toContain('test_code')
      expect(text).not.toContain('"message"')
    }
    expect((await g.request(`/v1/submissions/${done.id}/gradescope.json`)).status).toBe(404)
    expect((await g.request(`/v1/submissions/${done.id}/results.json?version=3`)).status).toBe(200)
    const regrade = await g.request('/v1/challenges/hidden-deleted/regrade', { method: 'POST', body: '{}' })
    expect(regrade.status).toBe(404)
  })

  it('gradescope.json (whose top-level output every Gradescope student sees) does not name a hidden test the run stopped in', async () => {
    // stops in the hidden test: the run's message names it
    const looping = `def solve(n):\n    while n == ${SECRET_ARGUMENT}:\n        pass\n    return n + 1\n`
    const done = await g.grade({ challenge: 'hidden-attack', files: { 'solution.py': looping }, limits: { timeoutMs: 3000 } })
    expect(done.result!.status, JSON.stringify(done.result)).toBe('error')
    expect(done.result!.message, JSON.stringify(done.result)).toContain('test_secret')
    const doc = await (await g.request(`/v1/submissions/${done.id}/gradescope.json`)).json() as { output?: string, tests: Array<{ name: string, visibility: string }> }
    expect(doc.tests.find(t => t.name.endsWith('::test_secret'))?.visibility).toBe('hidden')
    expect(doc.output ?? '').not.toContain('test_secret')
    // and the student view drops the run's message the same way
    const student = await g.client.get(done.id, { view: 'student' })
    expect(student.result!.message).toBeUndefined()
  })
})

interface Received { url: string, headers: IncomingHttpHeaders }

/** An HTTP server on `host` that records every request and answers with `answer(path)`. */
async function listen (host: string, answer: (path: string) => { status: number, headers?: Record<string, string> }): Promise<{ origin: string, requests: Received[], close: () => Promise<void> }> {
  const requests: Received[] = []
  const server: Server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      requests.push({ url: req.url ?? '', headers: req.headers })
      const { status, headers } = answer(req.url ?? '')
      res.writeHead(status, headers).end()
    })
  })
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, host, resolve) })
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    requests,
    close: async () => { await new Promise<void>(resolve => server.close(() => resolve())) },
  }
}

interface Deliveries { state: string, attempts: Array<{ error?: string, statusCode?: number, url: string, durationMs: number }> }

async function deliveriesSettled (id: string): Promise<Deliveries> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const log = await (await g.request(`/v1/submissions/${id}/deliveries`)).json() as Deliveries
    if (log.state === 'delivered' || log.state === 'failed') return log
    if (Date.now() > deadline) throw new Error(`delivery still ${log.state}: ${JSON.stringify(log)}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

describe('a receiver redirecting the webhook towards internal addresses', () => {
  it('gets each redirect to a refused address not followed, and nothing reaches the internal listener', async () => {
    // 127.0.0.2 is loopback too, but the allow-list names 127.0.0.1 only
    const trap = await listen('127.0.0.2', () => ({ status: 200 }))
    const trapPort = new URL(trap.origin).port
    const redirects: Record<string, string> = {
      '/to-other-loopback': `${trap.origin}/stolen`,
      '/to-hex-loopback': `http://0x7f.0.0.2:${trapPort}/stolen`,
      '/to-decimal-loopback': `http://2130706434:${trapPort}/stolen`,
      '/to-metadata': 'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      '/to-ipv6-loopback': `http://[::1]:${trapPort}/stolen`,
      '/to-mapped-loopback': `http://[::ffff:127.0.0.2]:${trapPort}/stolen`,
      '/to-protocol-relative': `//127.0.0.2:${trapPort}/stolen`,
      '/to-userinfo': `http://user:pw@127.0.0.2:${trapPort}/stolen`,
      '/to-file': 'file:///etc/passwd',
      '/to-localhost-name': `http://localhost.:${trapPort}/stolen`,
    }
    const receiver = await listen('127.0.0.1', path => {
      if (path === '/loop') return { status: 307, headers: { location: '/loop' } }
      if (path === '/hop') return { status: 308, headers: { location: '/ok' } }
      if (path === '/ok') return { status: 204 }
      const location = redirects[path]
      return location === undefined ? { status: 404 } : { status: 302, headers: { location } }
    })
    try {
      const paths = [...Object.keys(redirects), '/loop', '/hop']
      const batch = await post('/v1/submissions/batch', { submissions: paths.map(p => python(ADD, ADD_TESTS, { callbackUrl: `${receiver.origin}${p}` })) })
      expect(batch.status).toBe(202)
      const { submissions } = await batch.json() as { submissions: Array<{ id: string }> }
      expect(submissions.every(s => typeof s.id === 'string')).toBe(true)
      const logs = await Promise.all(submissions.map(async s => await deliveriesSettled(s.id)))
      const byPath = Object.fromEntries(paths.map((p, i) => [p, logs[i]!]))

      // a redirect the allow-list permits is followed: the attack is really being made
      expect(byPath['/hop']).toMatchObject({ state: 'delivered', attempts: [{ statusCode: 204 }] })
      expect(byPath['/hop']!.attempts[0]!.url).toBe(`${receiver.origin}/ok`)
      expect(byPath['/loop']!.state).toBe('failed')
      expect(byPath['/loop']!.attempts[0]!.error).toMatch(/more than 3 redirects/)
      for (const path of Object.keys(redirects)) {
        const log = byPath[path]!
        expect({ path, state: log.state, attempts: log.attempts.length }).toEqual({ path, state: 'failed', attempts: 2 })
        for (const attempt of log.attempts) {
          // an address is refused before connecting; a name when it is resolved at connection
          const refused = path === '/to-localhost-name' ? /not followed|not allowed|ENOTFOUND/ : /not followed/
          expect({ path, error: attempt.error }).toMatchObject({ path, error: expect.stringMatching(refused) })
          expect(attempt.error).not.toContain(RECEIVER_CREDENTIAL)
        }
      }
      expect(trap.requests).toEqual([])
      // the receiver itself got the custom header: the credential exists to be leaked
      expect(receiver.requests[0]!.headers.authorization).toBe(`Bearer ${RECEIVER_CREDENTIAL}`)
    } finally {
      await receiver.close()
      await trap.close()
    }
  })
})

describe('a receiver that stalls the dispatcher', () => {
  it('is given up on after the attempt timeout, whether it never answers, drips its body forever or floods headers', async () => {
    const sockets = new Set<import('node:net').Socket>()
    const server: Server = createServer((req, res) => {
      req.resume()
      if (req.url === '/hang') return
      if (req.url === '/drip') {
        res.writeHead(200, { 'content-type': 'text/plain' })
        const timer = setInterval(() => res.write('x'), 50)
        res.on('close', () => clearInterval(timer))
        return
      }
      if (req.url === '/flood') {
        res.writeHead(200, Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`x-flood-${i}`, 'y'.repeat(200)])))
        res.end()
        return
      }
      res.writeHead(204).end()
    })
    server.on('connection', socket => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)) })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const paths = ['/hang', '/drip', '/flood', '/fine']
      const started = Date.now()
      const batch = await post('/v1/submissions/batch', { submissions: paths.map(p => python(ADD, ADD_TESTS, { callbackUrl: `${origin}${p}` })) })
      const { submissions } = await batch.json() as { submissions: Array<{ id: string }> }
      const logs = await Promise.all(submissions.map(async s => await deliveriesSettled(s.id)))
      // a stalled receiver holds its attempts, not the dispatcher: the good one is delivered all the same
      expect(logs[3]).toMatchObject({ state: 'delivered' })
      expect({ state: logs[0]!.state, attempts: logs[0]!.attempts.length }).toEqual({ state: 'failed', attempts: 2 })
      // its status line is an answer (a 200 counts); the endless body is not waited for past the timeout
      expect(logs[1]).toMatchObject({ state: 'delivered', attempts: [{ statusCode: 200 }] })
      for (const log of logs) for (const attempt of log.attempts) expect(attempt.durationMs).toBeLessThan(1500 + 1000)
      // a flood of headers is no answer either: failed, or (if the client takes it) a 200 that counts
      expect(['failed', 'delivered']).toContain(logs[2]!.state)
      expect(Date.now() - started).toBeLessThan(60_000)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }, 90_000)
})

describe('secrets, keys and deletion', () => {
  it('keeps the webhook secret and custom headers out of every answer about a delivered submission', async () => {
    const receiver = await listen('127.0.0.1', () => ({ status: 200 }))
    try {
      const accepted = await post('/v1/submissions', { challenge: 'hidden-attack', files: { 'solution.py': SOLUTION }, callbackUrl: `${receiver.origin}/hook` })
      const { id } = await accepted.json() as { id: string }
      await waitDone(id)
      expect((await deliveriesSettled(id)).state).toBe('delivered')
      const batch = await post('/v1/submissions/batch', { submissions: [python(ADD, ADD_TESTS)], callbackUrl: `${receiver.origin}/batch` })
      const { id: batchId } = await batch.json() as { id: string }

      const answers = await Promise.all([
        `/v1/submissions/${id}`, `/v1/submissions/${id}?view=student`, `/v1/submissions/${id}/deliveries`,
        `/v1/submissions/${id}/events`, `/v1/submissions/${id}/results.json`, `/v1/submissions/${id}/results.json?version=3`,
        `/v1/submissions/${id}/gradescope.json`, `/v1/batches/${batchId}`, '/v1/challenges/hidden-attack', '/docs/openapi.json',
      ].map(async path => await (await g.request(path)).text()))
      const all = answers.join('\n')
      expect(all).toContain(id)
      expect(all).not.toContain(WEBHOOK_SECRET.slice('whsec_'.length))
      expect(all).not.toContain(RECEIVER_CREDENTIAL)
      expect(all).not.toContain(SECOND_KEY)
      expect(receiver.requests.some(r => r.headers.authorization === `Bearer ${RECEIVER_CREDENTIAL}`)).toBe(true)
      // the student view has neither the platform's callback URL (tokens live in its query) nor the Docker host
      const student = answers[1]!
      expect(student).not.toContain(receiver.origin)
      expect(JSON.parse(student)).not.toHaveProperty('result.host')
      expect(JSON.parse(answers[0]!)).toHaveProperty('result.host')
    } finally {
      await receiver.close()
    }
  })

  it('scopes Idempotency-Keys per API key: another client\'s key never answers with this client\'s submission', async () => {
    const key = `shared-${randomBytes(4).toString('hex')}`
    const body = python(ADD, ADD_TESTS)
    const first = await post('/v1/submissions', body, { headers: { 'idempotency-key': key } })
    expect(first.status).toBe(202)
    const { id: firstId } = await first.json() as { id: string }
    const other = await post('/v1/submissions', body, { key: SECOND_KEY, headers: { 'idempotency-key': key } })
    expect(other.status).toBe(202)
    expect(other.headers.get('idempotent-replayed')).toBeNull()
    const { id: otherId } = await other.json() as { id: string }
    expect(otherId).not.toBe(firstId)
    // the first client's own replay is its own submission; another body under its key is a 409
    const replay = await post('/v1/submissions', body, { headers: { 'idempotency-key': key } })
    expect(((await replay.json()) as { id: string }).id).toBe(firstId)
    const conflict = await post('/v1/submissions', python(ADD, ADD_TESTS, { metadata: { other: true } }), { headers: { 'idempotency-key': key } })
    expect(conflict.status).toBe(409)
    expect(await conflict.text()).not.toContain(firstId)
  })

  it('leaves nothing readable after DELETE: every new route answers 404, and the key no longer replays the deleted id', async () => {
    const receiver = await listen('127.0.0.1', () => ({ status: 200 }))
    try {
      const key = `deleted-${randomBytes(4).toString('hex')}`
      const body = { challenge: 'hidden-attack', files: { 'solution.py': SOLUTION }, callbackUrl: `${receiver.origin}/hook` }
      const accepted = await post('/v1/submissions', body, { headers: { 'idempotency-key': key } })
      const { id } = await accepted.json() as { id: string }
      await waitDone(id)
      await deliveriesSettled(id)
      expect((await g.request(`/v1/submissions/${id}`, { method: 'DELETE' })).status).toBe(204)
      for (const path of ['', '?view=student', '/events', '/events?view=student', '/deliveries', '/results.json', '/results.json?version=3', '/gradescope.json']) {
        const res = await g.request(`/v1/submissions/${id}${path}`)
        const text = await res.text()
        expect({ path, status: res.status }).toEqual({ path, status: 404 })
        expect(JSON.parse(text)).toMatchObject({ error: { code: 'not_found' } })
      }
      expect((await g.request(`/v1/submissions/${id}`, { method: 'DELETE' })).status).toBe(404)
      const again = await post('/v1/submissions', body, { headers: { 'idempotency-key': key } })
      const text = await again.text()
      expect(text).not.toContain(id)
      expect(again.status).toBeLessThan(500)
    } finally {
      await receiver.close()
    }
  })

  it('spends a feedback budget once per entry: a batch cannot grade one student more often than the budget allows', async () => {
    const put = await g.request('/v1/challenges/budget-attack', {
      method: 'PUT',
      body: JSON.stringify({ language: 'python', tests: { 'test_solution.py': ADD_TESTS }, policy: { feedback: { max: 1, windowS: 3600 } } }),
    })
    expect(put.status).toBe(200)
    const entry = { challenge: 'budget-attack', files: { 'solution.py': ADD }, student: 's-budget' }
    const batch = await post('/v1/submissions/batch', { submissions: [entry, entry, entry] })
    expect(batch.status).toBe(202)
    const answer = await batch.json() as { accepted: number, submissions: Array<{ id?: string, error?: { code: string } }> }
    expect(answer.accepted).toBe(1)
    expect(answer.submissions.slice(1).map(s => s.error?.code)).toEqual(['feedback_budget', 'feedback_budget'])
    const single = await post('/v1/submissions', entry)
    expect(single.status).toBe(429)
    expect(Number(single.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})
