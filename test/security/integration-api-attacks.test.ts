// Integration API attacks, part 1: requests a hostile API client sends to the routes of the
// platform integration (issue 8) without any grading: callback targets that spell an internal
// address every way a URL parser knows, path ids that are not ids, bodies of the wrong types on
// every new route, oversized and malformed batches, malformed Idempotency-Keys, and a look for
// the webhook secret and custom headers in every answer the API gives.
//
// What stops it: the callback check (services/delivery/callback-url-check.ts) reads the host the
// WHATWG parser made of the URL, so 0x7f.1, 2130706433 and [::ffff:7f00:1] are all 127.0.0.1;
// every route validates with its schema and answers a catalog error, never a 500; secrets stay in
// the config and the delivery's request, never in an answer.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { python, startTestGrader, type TestGrader } from '../helpers/grader.js'

const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`
const RECEIVER_CREDENTIAL = `receiver-credential-${randomBytes(8).toString('hex')}`
const BATCH_MAX = 3
const SOLUTION = 'def add(a, b):\n    return a + b\n'
const TESTS = 'from solution import add\n\ndef test_add():\n    assert add(2, 3) == 5\n'

let g: TestGrader

// no worker: every attack here is refused before a worker would matter
beforeAll(async () => {
  g = await startTestGrader({
    GRADER_BATCH_MAX: String(BATCH_MAX),
    GRADER_WEBHOOK_SECRET: WEBHOOK_SECRET,
    GRADER_WEBHOOK_HEADERS: JSON.stringify({ Authorization: `Bearer ${RECEIVER_CREDENTIAL}` }),
  }, { worker: false })
})
afterAll(async () => { await g?.close() })

interface ErrorBody { error: { code: string, message: string } }

/** Asserts the one error shape with `status` and `code`, and returns the message. */
async function expectError (res: Response, status: number, code: string): Promise<string> {
  const text = await res.text()
  expect({ status: res.status, text }).toMatchObject({ status })
  const body = JSON.parse(text) as ErrorBody
  expect(body.error.code).toBe(code)
  expect(typeof body.error.message).toBe('string')
  return body.error.message
}

/** Asserts a refusal (4xx) in the one error shape, whatever its code. */
async function expectRefusal (res: Response, label: string): Promise<ErrorBody> {
  const text = await res.text()
  expect({ label, status: res.status, ok: res.status >= 400 && res.status < 500 }).toEqual({ label, status: res.status, ok: true })
  const body = JSON.parse(text) as ErrorBody
  expect(Object.keys(body)).toEqual(['error'])
  expect(typeof body.error.code).toBe('string')
  expect(typeof body.error.message).toBe('string')
  return body
}

const post = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  await g.request(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers })

/** Internal targets, each spelled some way a parser or resolver turns into an internal address. */
const INTERNAL_TARGETS = [
  'http://127.0.0.1/', 'http://127.1/', 'http://2130706433/', 'http://0x7f000001/', 'http://0x7f.1/',
  'http://0177.0.0.1/', 'http://017700000001/', 'http://127.000.000.001/', 'http://127.0.0.1./',
  'http://0/', 'http://0.0.0.0/', 'http://[::]/', 'http://[::1]/', 'http://[0:0:0:0:0:0:0:1]/',
  'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://[0:0:0:0:0:ffff:7f00:1]/', 'http://[::127.0.0.1]/',
  'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:169.254.169.254]/', 'http://2852039166/', 'http://0xa9fea9fe/',
  'http://[fe80::1]/', 'http://[fe80::1%25eth0]/', 'http://[fd00:ec2::254]/', 'http://[fc00::1]/',
  'http://10.0.0.1/', 'http://172.16.0.1/', 'http://192.168.1.1/', 'http://100.64.0.1/', 'http://198.18.0.1/',
  'http://[64:ff9b::7f00:1]/', 'http://[64:ff9b::a9fe:a9fe]/', 'http://[2002:7f00:1::]/', 'http://[2001:0::1]/',
  'http://[::ffff:0:127.0.0.1]/', 'http://[::ffff:0:a9fe:a9fe]/', 'http://[3fff::1]/', 'http://[5f00::1]/',
  'http://224.0.0.1/', 'http://255.255.255.255/',
  'http://localhost/', 'http://localhost./', 'http://LOCALHOST:6379/', 'http://localhost.localdomain/',
  'http://ip6-localhost/', 'http://foo.localhost/',
  // userinfo tricks: the host is what follows the last @
  'http://example.com@127.0.0.1/', 'http://user:pass@example.com/', 'http://example.com:80@169.254.169.254/',
  'http://%31%32%37.0.0.1/', 'http://１２７.０.０.１/', 'http://127。0。0。1/',
  // no resolvable name: cannot be checked, so refused
  'http://metadata.google.internal/', 'http://does-not-exist.invalid/',
  // not http(s)
  'file:///etc/passwd', 'gopher://127.0.0.1:6379/_INFO', 'ftp://example.com/', 'javascript:alert(1)', 'data:text/plain,x',
  'ws://example.com/', 'not a url', '//example.com/hook', 'http://', 'http://[::1/',
]

describe('callbackUrl: internal targets are refused at submission, however spelled', () => {
  it('answers 400 invalid_callback on POST /v1/submissions for every internal spelling', async () => {
    for (const callbackUrl of INTERNAL_TARGETS) {
      const res = await post('/v1/submissions', python(SOLUTION, TESTS, { callbackUrl }))
      const body = await expectRefusal(res, callbackUrl)
      expect({ callbackUrl, code: body.error.code }).toEqual({ callbackUrl, code: 'invalid_callback' })
    }
  })

  it('refuses them as a batch callbackUrl (the whole batch, 400) and as an entry callbackUrl (that entry only)', async () => {
    for (const callbackUrl of INTERNAL_TARGETS.slice(0, 30)) {
      const res = await post('/v1/submissions/batch', { submissions: [python(SOLUTION, TESTS)], callbackUrl })
      expect({ callbackUrl, code: (await expectRefusal(res, callbackUrl)).error.code }).toEqual({ callbackUrl, code: 'invalid_callback' })
    }
    const entries = INTERNAL_TARGETS.slice(0, BATCH_MAX).map(callbackUrl => python(SOLUTION, TESTS, { callbackUrl }))
    const res = await post('/v1/submissions/batch', { submissions: entries })
    expect(res.status).toBe(202)
    const answer = await res.json() as { accepted: number, submissions: ErrorBody[] }
    expect(answer.accepted).toBe(0)
    expect(answer.submissions.map(s => s.error.code)).toEqual(entries.map(() => 'invalid_callback'))
  })

  it('never echoes a credential given in the URL\'s userinfo', async () => {
    const res = await post('/v1/submissions', python(SOLUTION, TESTS, { callbackUrl: 'https://admin:hunter2-secret@example.com/hook' }))
    const message = await expectError(res, 400, 'invalid_callback')
    expect(message).not.toContain('hunter2-secret')
  })

  it('refuses a callbackUrl of the wrong type or an absurd length with a 400, never a 500', async () => {
    for (const callbackUrl of [5, true, null, [], {}, '', `https://example.com/${'a'.repeat(3000)}`]) {
      await expectRefusal(await post('/v1/submissions', python(SOLUTION, TESTS, { callbackUrl })), JSON.stringify(callbackUrl).slice(0, 40))
    }
  })
})

/** Every new route that takes an id, as [method, path with `:id`]. */
const ID_ROUTES: Array<[string, string]> = [
  ['GET', '/v1/submissions/:id/events'],
  ['GET', '/v1/submissions/:id/deliveries'],
  ['GET', '/v1/submissions/:id/results.json'],
  ['GET', '/v1/submissions/:id/results.json?version=3'],
  ['GET', '/v1/submissions/:id/gradescope.json'],
  ['GET', '/v1/submissions/:id?view=student'],
  ['DELETE', '/v1/submissions/:id'],
  ['GET', '/v1/batches/:id'],
]

const NOT_IDS = [
  'x', '..', '%2e%2e%2f%2e%2e', '*', '%00', '%0d%0aSet-Cookie:%20x=1', "'%20OR%201=1", '%7B%7D', 'a'.repeat(5000),
  '00000000-0000-0000-0000-00000000000g', '00000000-0000-0000-0000-000000000000%0a', '%F0%9F%92%A9', '%ED%A0%80',
  // a UUID that names nothing
  '5b0e3a4c-0f5e-4a8e-9d0a-6a1d7e8f9a0b',
]

describe('path ids that are not ids', () => {
  it('answers 404 not_found on every new route, for every non-id, without touching anything', async () => {
    for (const [method, template] of ID_ROUTES) {
      for (const id of NOT_IDS) {
        const path = template.replace(':id', id)
        const res = await g.request(path, { method })
        const body = await expectRefusal(res, `${method} ${path.slice(0, 80)}`)
        // an id past the router's parameter bound (100 characters) is refused before any route (414)
        // and one whose percent-encoding is not UTF-8 cannot be decoded (400)
        const expected = id.length > 100
          ? { status: 414, code: 'invalid_request' }
          : id === '%ED%A0%80' ? { status: 400, code: 'invalid_request' } : { status: 404, code: 'not_found' }
        expect({ path: path.slice(0, 80), status: res.status, code: body.error.code }).toEqual({ path: path.slice(0, 80), ...expected })
        // the message quotes at most a bounded part of the id
        expect(body.error.message.length).toBeLessThan(300)
      }
    }
  })

  it('answers 404 (or 400 for an id past its bound) on POST /v1/challenges/:id/regrade, never a 500', async () => {
    for (const id of [...NOT_IDS, 'two-sum:v:0123456789abcdef', 'two-sum:latest', 'two-sum@0123456789abcdef']) {
      const res = await post(`/v1/challenges/${id}/regrade`, {})
      const body = await expectRefusal(res, `regrade ${id.slice(0, 40)}`)
      expect(['not_found', 'invalid_request']).toContain(body.error.code)
    }
    const res = await post('/v1/challenges/no-such-challenge/regrade', { version: '../../x' })
    await expectError(res, 404, 'not_found')
  })

  it('refuses a challenge reference that is not a stored challenge with 404, whatever it holds', async () => {
    for (const challenge of ['no-such', 'no-such@', '@', '@@', 'x@../../y', 'x:latest', 'x:v:y', '*', 'x@*']) {
      const res = await post('/v1/submissions', { challenge, files: { 'solution.py': SOLUTION } })
      const body = await expectRefusal(res, challenge)
      expect({ challenge, code: body.error.code }).toEqual({ challenge, code: 'not_found' })
    }
  })
})

describe('bodies and queries of the wrong types on every new route', () => {
  it('refuses a bad query on the events, formats and student-view routes with 400', async () => {
    const id = '5b0e3a4c-0f5e-4a8e-9d0a-6a1d7e8f9a0b'
    for (const path of [
      `/v1/submissions/${id}?view=admin`, `/v1/submissions/${id}?view=`, `/v1/submissions/${id}/events?view=teacher`,
      `/v1/submissions/${id}/results.json?version=4`, `/v1/submissions/${id}/results.json?version=two`,
      `/v1/submissions/${id}/results.json?version=2.5`, `/v1/submissions/${id}/gradescope.json?view=admin`,
      `/v1/submissions/${id}/results.json?view=student`, `/v1/submissions/${id}/gradescope.json?view=student`,
    ]) {
      const res = await g.request(path)
      const body = await expectRefusal(res, path)
      expect({ path, status: res.status }).toEqual({ path, status: 400 })
      expect(body.error.code).toBe('invalid_request')
    }
  })

  it('refuses malformed batches with a 4xx in the one error shape', async () => {
    const bodies: unknown[] = [
      {}, [], 'null', '5', '"x"', { submissions: 'x' }, { submissions: null }, { submissions: {} }, { submissions: [], extra: 1 },
      { submissions: [], callbackUrl: 5 }, { submissions: [], callbackUrl: '' }, '{"submissions": [', '{"submissions": [1,]}',
      '{"__proto__": {"polluted": 1}, "submissions": []}', '{"submissions": [], "constructor": {"prototype": {"x": 1}}}',
    ]
    for (const body of bodies) await expectRefusal(await post('/v1/submissions/batch', body), `batch ${JSON.stringify(body).slice(0, 60)}`)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('answers 413 batch_too_large for GRADER_BATCH_MAX + 1 entries, and for a huge array of nothing', async () => {
    const entries = Array.from({ length: BATCH_MAX + 1 }, () => python(SOLUTION, TESTS))
    await expectError(await post('/v1/submissions/batch', { submissions: entries }), 413, 'batch_too_large')
    await expectError(await post('/v1/submissions/batch', `{"submissions":[${new Array(200_000).fill('0').join(',')}]}`), 413, 'batch_too_large')
    // the refused batch left nothing to replay: the same key works with a batch that fits
    const key = `too-large-${randomBytes(4).toString('hex')}`
    await expectError(await post('/v1/submissions/batch', { submissions: entries }, { 'idempotency-key': key }), 413, 'batch_too_large')
    const fits = await post('/v1/submissions/batch', { submissions: [{}] }, { 'idempotency-key': key })
    expect(fits.status).toBe(202)
  })

  it('refuses a body past the batch size bound with 413, not by running out of memory', async () => {
    const huge = JSON.stringify({ submissions: [{ language: 'python', files: { 'solution.py': 'x'.repeat(17 * 1024 * 1024) }, tests: {} }] })
    const res = await post('/v1/submissions/batch', huge)
    await expectError(res, 413, 'payload_too_large')
  })

  it('answers every entry of a batch of garbage in order, each with its own error, and crashes on none', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000)
    // a body nested past the bound is refused whole (the parser's depth bound), not entry by entry
    await expectRefusal(await post('/v1/submissions/batch', `{"submissions":[${deep}]}`), 'deep entry')
    await expectRefusal(await post('/v1/submissions/batch', `{"submissions":[{"metadata":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)},"files":{}}]}`), 'deep metadata')

    const entries = [null, 1]
    const res = await post('/v1/submissions/batch', { submissions: [...entries, { files: 5 }] })
    expect(res.status).toBe(202)
    const answer = await res.json() as { id: string, accepted: number, submissions: ErrorBody[] }
    expect(answer.accepted).toBe(0)
    expect(answer.submissions).toHaveLength(3)
    for (const entry of answer.submissions) expect(entry.error.code).toBe('invalid_request')
    // each message says which entry it is about
    answer.submissions.forEach((entry, i) => { expect(entry.error.message).toContain(`submissions/${i}`) })

    const odd = await post('/v1/submissions/batch', { submissions: [
      { files: {}, tests: {}, language: 'python', challenge: 'x' },
      { files: { '../escape.py': 'x' }, tests: { 'test_x.py': 'x' }, language: 'python' },
      { files: { 'a.py': 'x' }, tests: { 'test_x.py': 'x' }, language: 'python', limits: { timeoutMs: 'forever' } },
    ] })
    expect(odd.status).toBe(202)
    const oddAnswer = await odd.json() as { submissions: ErrorBody[] }
    expect(oddAnswer.submissions.map(s => s.error.code)).toEqual(['invalid_request', 'invalid_path', 'invalid_request'])

    const progress = await g.request(`/v1/batches/${answer.id}`)
    expect(progress.status).toBe(200)
  })

  it('refuses challenge bodies of the wrong types with 400', async () => {
    const good = { language: 'python', tests: { 'test_solution.py': TESTS } }
    const bodies: unknown[] = [
      {}, [], { ...good, tests: 'x' }, { ...good, policy: 5 }, { ...good, policy: { tests: { x: { points: 'two' } } } },
      { ...good, policy: { tests: { x: { visibility: 'secret' } } } }, { ...good, policy: { dueAt: 'next tuesday' } },
      { ...good, policy: { dueAt: 5 } }, { ...good, policy: { feedback: { max: -1, windowS: 10 } } },
      { ...good, policy: { feedback: { max: 'ten', windowS: 10 } } }, { ...good, policy: { feedback: { max: 1 } } },
      { ...good, tests: { '../../etc/x.py': 'x' } }, { ...good, starter: { '/abs.py': 'x' } }, { ...good, limits: { timeoutMs: [] } },
    ]
    for (const body of bodies) {
      const res = await g.request('/v1/challenges/attack-shapes', { method: 'PUT', body: JSON.stringify(body) })
      const refused = await expectRefusal(res, JSON.stringify(body).slice(0, 80))
      expect(res.status).toBe(400)
      expect(refused.error.code).not.toBe('internal')
    }
    for (const id of ['UPPER', '-x', 'a'.repeat(65), 'a:b', 'a@b', '..']) {
      const res = await g.request(`/v1/challenges/${encodeURIComponent(id)}`, { method: 'PUT', body: JSON.stringify(good) })
      await expectRefusal(res, `challenge id ${id}`)
    }
  })

  it('refuses regrade bodies of the wrong types with 400', async () => {
    for (const body of ['[]', '5', '"x"', '{"version": 5}', '{"version": ""}', '{"version": null}', `{"version": "${'a'.repeat(65)}"}`, '{"extra": 1}']) {
      const res = await post('/v1/challenges/some-challenge/regrade', body)
      const refused = await expectRefusal(res, `regrade ${body.slice(0, 40)}`)
      expect(res.status).toBe(400)
      expect(['invalid_request', 'invalid_json']).toContain(refused.error.code)
    }
  })

  it('refuses new submission fields of the wrong types with 400', async () => {
    for (const extra of [{ student: {} }, { student: '' }, { student: 'x'.repeat(201) }, { challenge: [] }, { challenge: '' },
      { options: { isolation: 'none' } }, { options: { strictComparisons: 'yes' } }]) {
      const res = await post('/v1/submissions', python(SOLUTION, TESTS, extra))
      await expectError(res, 400, 'invalid_request')
    }
  })
})

describe('Idempotency-Key', () => {
  it('refuses malformed keys with 400 before anything is stored', async () => {
    for (const key of [' ', '""', 'a'.repeat(256), 'has space', 'comma,key', 'semi;key', 'quote"key', 'back\\slash', 'tab\tkey', 'ünïcode']) {
      let res: Response
      try {
        res = await post('/v1/submissions', python(SOLUTION, TESTS), { 'idempotency-key': key })
      } catch {
        // fetch itself refuses some header values (control characters, non-Latin-1): nothing reached the API
        continue
      }
      await expectError(res, 400, 'invalid_request')
    }
    // two keys in one request
    const res = await g.request('/v1/submissions', {
      method: 'POST', body: JSON.stringify(python(SOLUTION, TESTS)),
      headers: [['idempotency-key', 'one'], ['idempotency-key', 'two']],
    })
    await expectRefusal(res, 'two keys')
  })

  it('never answers a batch with a submission made under the same key, nor a submission with a batch', async () => {
    const key = `cross-${randomBytes(4).toString('hex')}`
    const batch = await post('/v1/submissions/batch', { submissions: [{}] }, { 'idempotency-key': key })
    expect(batch.status).toBe(202)
    const { id: batchId } = await batch.json() as { id: string }
    const single = await post('/v1/submissions', python(SOLUTION, TESTS), { 'idempotency-key': key })
    // another body under the same key: a conflict, never the batch's id
    expect(await single.text()).not.toContain(batchId)
    expect(single.status).toBe(409)
  })
})

describe('the webhook secret and custom headers appear in no answer', () => {
  it('keeps them out of /docs, the OpenAPI document, errors and batch answers', async () => {
    const secretPart = WEBHOOK_SECRET.slice('whsec_'.length)
    const answers: string[] = []
    for (const path of ['/docs', '/docs/openapi.json', '/docs/json', '/health', '/v1/submissions/x/deliveries']) {
      answers.push(await (await g.request(path)).text())
    }
    answers.push(await (await post('/v1/submissions', python(SOLUTION, TESTS, { callbackUrl: 'http://127.0.0.1/' }))).text())
    answers.push(await (await post('/v1/submissions/batch', { submissions: [{}, python(SOLUTION, TESTS, { callbackUrl: 'http://10.0.0.1/' })] })).text())
    const all = answers.join('\n')
    expect(all.length).toBeGreaterThan(1000)
    expect(all).not.toContain(secretPart)
    expect(all).not.toContain(RECEIVER_CREDENTIAL)
  })
})

describe('a platform key that is not an admin key', () => {
  const ADMIN_KEY = `admin-${randomBytes(8).toString('hex')}`
  const SUITE_MARK = 'suite-only-admins-read-982451653'
  let a: TestGrader
  beforeAll(async () => { a = await startTestGrader({ GRADER_ADMIN_KEYS: ADMIN_KEY }, { worker: false }) })
  afterAll(async () => { await a?.close() })

  it('cannot read, change, delete or regrade a challenge, and no refusal quotes the suite', async () => {
    const body = JSON.stringify({ language: 'python', tests: { 'test_solution.py': `${TESTS}\n# ${SUITE_MARK}\n` } })
    expect((await a.request('/v1/challenges/admin-only', { method: 'PUT', body, key: ADMIN_KEY })).status).toBe(200)
    const attempts: Array<[string, string, string?]> = [
      ['GET', '/v1/challenges/admin-only'], ['GET', '/v1/challenges/admin-only/versions'],
      ['PUT', '/v1/challenges/admin-only', body], ['DELETE', '/v1/challenges/admin-only'],
      ['POST', '/v1/challenges/admin-only/regrade', '{}'],
    ]
    for (const [method, path, payload] of attempts) {
      const res = await a.request(path, { method, ...(payload !== undefined ? { body: payload } : {}) })
      const text = await res.text()
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 })
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'forbidden' } })
      expect(text).not.toContain(SUITE_MARK)
    }
    // still there for the admin
    const read = await (await a.request('/v1/challenges/admin-only', { key: ADMIN_KEY })).text()
    expect(read).toContain(SUITE_MARK)
  })
})

describe('malformed requests on every new route', () => {
  it('answers each with a 4xx in the one error shape, never a 5xx', async () => {
    const routes: Array<[string, string]> = [
      ['POST', '/v1/submissions/batch'], ['POST', '/v1/challenges/some-challenge/regrade'], ['PUT', '/v1/challenges/some-challenge'],
      ['POST', '/v1/submissions'],
    ]
    const payloads: Array<{ type?: string, body: string | ArrayBuffer }> = [
      { type: 'text/plain', body: '{}' }, { type: 'application/x-www-form-urlencoded', body: 'submissions=1' },
      { type: 'application/json; charset=utf-16', body: '{}' }, { type: 'application/json', body: '' },
      { type: 'application/json', body: '\u0000' }, { type: 'application/json', body: new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]).buffer },
      { type: 'application/json', body: '{"a":1,"a":2}' }, { type: 'application/json', body: '1e999999' },
      { type: 'application/json', body: `"${'\\ud800'}"` }, { type: 'application/json', body: '{"submissions":[{"files":{"a.py":"\\ud800"}}]}' },
      { type: 'application/json', body: '{"callbackUrl":"http://\\u0000example.com/"}' },
    ]
    for (const [method, path] of routes) {
      for (const { type, body } of payloads) {
        const res = await g.request(path, { method, body, headers: type === undefined ? {} : { 'content-type': type } })
        const label = `${method} ${path} ${type} ${typeof body === 'string' ? body.slice(0, 30) : 'bytes'}`
        const text = await res.text()
        expect({ label, status: res.status, below500: res.status < 500 }).toMatchObject({ label, below500: true })
        if (res.status >= 400) expect(Object.keys(JSON.parse(text) as object)).toEqual(['error'])
      }
    }
    for (const [method, path] of [['DELETE', '/v1/submissions/x'], ['POST', '/v1/submissions/x/events'], ['PUT', '/v1/batches/x'], ['PATCH', '/v1/challenges/x']] as const) {
      const res = await g.request(path, { method, body: '{}' })
      expect({ method, path, status: res.status }).toMatchObject({ method, path })
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
    }
  })
})

describe('the documentation pages', () => {
  it('serve no file outside the UI\'s own assets, however the path climbs', async () => {
    for (const path of ['/docs/static/../../package.json', '/docs/static/%2e%2e/%2e%2e/package.json', '/docs/static/..%2f..%2fpackage.json',
      '/docs/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/docs/static/....%2f....%2fpackage.json', '/docs/%2e%2e/package.json',
      '/docs/static/..\\..\\package.json', '/docs/static/a//b', '/docs/static/%00', '/docs/static/index.html%00.js']) {
      const res = await fetch(`${g.url}${path}`)
      const text = await res.text()
      expect({ path, status: res.status < 500 }).toEqual({ path, status: true })
      expect(text).not.toMatch(/root:x:0:0|"devDependencies"/)
    }
  })
})
