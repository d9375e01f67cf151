import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BODY_MAX_DEPTH } from '../../../services/api/app.js'
import { SUBMISSION_BOUNDS } from '../../../services/shared/contracts/submission-schema.js'
import { buildFakeApp, FAKE_AUTH, goodSubmission, type FakeApp } from './fake-api-deps.js'

/**
 * Hostile bodies through the whole app (`app.inject`, Redis and queue faked):
 * each must be refused with 400 and its code before anything is stored or
 * queued, and none may answer 5xx.
 */

/** JSON text of an object `levels` deep: `{"a":{"a":…1…}}`. */
const nestedJson = (levels: number): string => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels)

/** A good submission's JSON text with `field` (raw JSON text) added. */
const withRawField = (field: string, json: string): string => {
  const base = JSON.stringify(goodSubmission())
  return `${base.slice(0, -1)},${JSON.stringify(field)}:${json}}`
}

let fake: FakeApp
beforeAll(async () => { fake = await buildFakeApp() })
afterAll(async () => { await fake.close() })

async function post (payload: string | Record<string, unknown>, url = '/v1/submissions', method: 'POST' | 'PATCH' = 'POST') {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload)
  const res = await fake.app.inject({ method, url, headers: { ...FAKE_AUTH, 'content-type': 'application/json' }, payload: body })
  return { status: res.statusCode, body: res.json() as { id?: string, error?: { code: string, message: string } } }
}

/** Posts a body that must be refused: answers its error, and checks nothing was stored or queued. */
async function refused (payload: string | Record<string, unknown>, url?: string, method?: 'POST' | 'PATCH') {
  const stored = fake.stored.size
  const queued = fake.queued.length
  const res = await post(payload, url, method)
  expect(fake.stored.size).toBe(stored)
  expect(fake.queued.length).toBe(queued)
  return res
}

describe('POST /v1/submissions with lone surrogates', () => {
  it('returns 400 invalid_content naming the file when a file content holds a lone surrogate', async () => {
    // JSON text `"\ud800"`: JSON.stringify of the lone surrogate writes exactly that escape
    const res = await refused(goodSubmission({ files: { 'solution.py': 'def add(a, b):\n    return "\ud800"\n' } }))
    expect(res.status).toBe(400)
    expect(res.body.error?.code).toBe('invalid_content')
    expect(res.body.error?.message).toBe('files content of "solution.py" holds a lone UTF-16 surrogate (\\ud800) at line 2, which is not a character; send well-formed Unicode text')
  })

  it('returns 400 invalid_content when a test file content holds a lone surrogate', async () => {
    const res = await refused(goodSubmission({ tests: { 'test_solution.py': 'def test_x():\n    assert "\udc00"\n' } }))
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_content' } } })
    expect(res.body.error?.message).toMatch(/^tests content of "test_solution\.py"/)
  })

  it('returns 400 invalid_path with the name escaped when a file name holds a lone surrogate', async () => {
    const res = await refused(withRawField('files', '{"sol\\ud800.py":"x"}'))
    expect(res.status).toBe(400)
    expect(res.body.error?.code).toBe('invalid_path')
    expect(res.body.error?.message).toBe('files path "sol\\ud800.py" holds a lone UTF-16 surrogate, which is not a character; send well-formed Unicode')
  })

  it('returns 400 invalid_path when a test file name holds a lone surrogate', async () => {
    const res = await refused(goodSubmission({ tests: { 'test_\udfff.py': 'def test_x(): pass\n' } }))
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_path' } } })
  })

  it('returns 400 invalid_metadata when a metadata string holds a lone surrogate', async () => {
    const res = await refused(withRawField('metadata', '{"student":{"name":"Ada\\ud83d"}}'))
    expect(res.status).toBe(400)
    expect(res.body.error?.code).toBe('invalid_metadata')
    expect(res.body.error?.message).toContain('metadata["student"]["name"]')
  })

  it('returns 400 invalid_metadata when a metadata key holds a lone surrogate', async () => {
    const res = await refused(withRawField('metadata', '{"\\udc00":1}'))
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_metadata' } } })
  })
})

describe('POST /v1/submissions with deep or large metadata', () => {
  it('returns 400 invalid_metadata, not 500, for metadata nested thousands of levels deep', async () => {
    for (const levels of [3_000, 10_000, 100_000]) {
      const res = await refused(withRawField('metadata', nestedJson(levels)))
      expect(res.status).toBe(400)
      expect(res.body.error?.code).toBe('invalid_metadata')
      expect(res.body.error?.message).toMatch(/^metadata is nested more than 16 levels deep/)
    }
  })

  it('returns 400 invalid_metadata for metadata one level deeper than the bound', async () => {
    const res = await refused(withRawField('metadata', nestedJson(SUBMISSION_BOUNDS.maxMetadataDepth + 1)))
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_metadata' } } })
  })

  it('returns 400 invalid_metadata for metadata deeper than the bound through arrays', async () => {
    const res = await refused(withRawField('metadata', `{"a":${'['.repeat(40)}${']'.repeat(40)}}`))
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_metadata' } } })
  })

  it('returns 400 invalid_metadata for metadata larger than the bound as JSON', async () => {
    const res = await refused(goodSubmission({ metadata: { note: 'x'.repeat(SUBMISSION_BOUNDS.maxMetadataBytes) } }))
    expect(res.status).toBe(400)
    expect(res.body.error?.code).toBe('invalid_metadata')
    expect(res.body.error?.message).toContain(`at most ${SUBMISSION_BOUNDS.maxMetadataBytes}`)
  })

  it('returns 400 invalid_metadata for metadata of many small keys past the size bound', async () => {
    const metadata = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]))
    expect(await refused(goodSubmission({ metadata }))).toMatchObject({ status: 400, body: { error: { code: 'invalid_metadata' } } })
  })
})

describe('deeply nested bodies elsewhere', () => {
  it.each([
    ['limits', (levels: number) => withRawField('limits', nestedJson(levels))],
    ['options', (levels: number) => withRawField('options', nestedJson(levels))],
    ['an unknown top-level field', (levels: number) => withRawField('extra', nestedJson(levels))],
    ['a file content', (levels: number) => withRawField('files', `{"solution.py":${nestedJson(levels)}}`)],
    ['the top level itself', (levels: number) => nestedJson(levels)],
  ])('returns 400 invalid_request, never 5xx, for a body nested deep inside %s', async (_where, body) => {
    for (const levels of [BODY_MAX_DEPTH + 1, 10_000, 200_000]) {
      const res = await refused(body(levels))
      expect(res.status).toBe(400)
      expect(res.body.error?.code).toBe('invalid_request')
    }
  })

  it('returns 400 invalid_json, as for any body that is not an object, for arrays nested thousands deep', async () => {
    const res = await refused('['.repeat(100_000) + ']'.repeat(100_000))
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_json', message: 'the body must be a JSON object' } } })
  })

  it('returns 400 invalid_request for a deeply nested body on the host routes too', async () => {
    const res = await refused(`{"concurrency":${nestedJson(50_000)}}`, '/v1/hosts/dock-1', 'PATCH')
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } })
  })
})

describe('the JSON body parser with its depth bound', () => {
  it.each([
    ['a __proto__ key', withRawField('metadata', '{"__proto__":{"admin":true}}')],
    ['a constructor.prototype key', withRawField('metadata', '{"constructor":{"prototype":{"admin":true}}}')],
    ['broken JSON', '{"language":'],
  ])('still refuses %s with 400 invalid_json, as Fastify\'s own parser does', async (_what, body) => {
    expect(await refused(body)).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } })
  })

  it('still refuses an empty body with 400 invalid_json', async () => {
    expect(await refused('')).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } })
  })
})

describe('URLs refused before routing', () => {
  it('returns 400 invalid_request in the error shape for a URL that does not decode', async () => {
    const res = await fake.app.inject({ method: 'GET', url: '/v1/submissions/%E0%A4%A', headers: FAKE_AUTH })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ error: { code: 'invalid_request', message: expect.any(String) as string } })
  })

  it('returns 414 invalid_request in the error shape for a URL parameter over the length limit', async () => {
    const res = await fake.app.inject({ method: 'GET', url: `/v1/submissions/${'a'.repeat(10_000)}`, headers: FAKE_AUTH })
    expect(res.statusCode).toBe(414)
    expect(res.json()).toEqual({ error: { code: 'invalid_request', message: expect.any(String) as string } })
  })
})

describe('good submissions still pass', () => {
  it('returns 202 and queues a submission with metadata at both bounds, echoing it back', async () => {
    // maxMetadataDepth levels, then padded to exactly maxMetadataBytes
    let deep: unknown = 'leaf'
    for (let i = 1; i < SUBMISSION_BOUNDS.maxMetadataDepth; i++) deep = { a: deep }
    const shape = { deep, pad: '' }
    const metadata = { ...shape, pad: 'p'.repeat(SUBMISSION_BOUNDS.maxMetadataBytes - JSON.stringify(shape).length) }
    expect(Buffer.byteLength(JSON.stringify(metadata))).toBe(SUBMISSION_BOUNDS.maxMetadataBytes)

    const res = await post(goodSubmission({ metadata }))
    expect(res.status).toBe(202)
    const got = await fake.app.inject({ method: 'GET', url: `/v1/submissions/${res.body.id}`, headers: FAKE_AUTH })
    expect(got.statusCode).toBe(200)
    expect(got.json()).toMatchObject({ id: res.body.id, state: 'queued', metadata })
  })

  it('returns 202 for files, tests and metadata with emoji (well-formed surrogate pairs)', async () => {
    const queued = fake.queued.length
    const res = await post(goodSubmission({
      files: { 'smile-\ud83d\ude00.py': 'print("\ud83d\ude00")\n' },
      metadata: { '\ud83c\udf89': 'party \ud83c\udf89' },
    }))
    expect(res.status).toBe(202)
    expect(fake.queued.length).toBe(queued + 1)
    expect(fake.queued.at(-1)?.files).toEqual({ 'smile-\ud83d\ude00.py': 'print("\ud83d\ude00")\n' })
  })
})
