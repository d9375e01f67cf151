import { describe, expect, it } from 'vitest'
import { INTERNAL_MESSAGE, toErrorAnswer } from '../../../services/api/plugins/error-handler.js'
import { isRedisUnavailable } from '../../../services/api/plugins/redis-unavailable.js'
import { formatSchemaErrors } from '../../../services/api/plugins/schema-error-formatter.js'
import { GraderError } from '../../../services/shared/errors/grader-error.js'

const LIMIT = 1000

/** An error shaped like the ones Fastify raises. */
function fastifyError (code: string, statusCode: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`fastify says ${code}`), { code, statusCode, ...extra })
}

describe('toErrorAnswer', () => {
  it('answers a GraderError with its own status, code and message', () => {
    expect(toErrorAnswer(new GraderError('invalid_path', 'files path "../x" has a ".." segment'), LIMIT))
      .toEqual({ status: 400, code: 'invalid_path', message: 'files path "../x" has a ".." segment' })
    expect(toErrorAnswer(new GraderError('rate_limited', 'busy'), LIMIT)).toMatchObject({ status: 429, code: 'rate_limited' })
  })

  it('hides the message of an internal GraderError', () => {
    expect(toErrorAnswer(new GraderError('internal', 'null pointer in foo.ts'), LIMIT)).toEqual({ status: 500, code: 'internal', message: INTERNAL_MESSAGE })
  })

  it('maps a schema failure to 400 invalid_request with its message', () => {
    const err = fastifyError('FST_ERR_VALIDATION', 400, {
      message: 'body/files/solution.py must be string',
      validationContext: 'body',
      validation: [{ keyword: 'type', instancePath: '/files/solution.py', schemaPath: '#', params: {}, message: 'must be string' }],
    })
    expect(toErrorAnswer(err, LIMIT)).toEqual({ status: 400, code: 'invalid_request', message: 'body/files/solution.py must be string' })
  })

  it("answers a path the /docs page's file server refuses as 404 not_found, not 500", () => {
    expect(toErrorAnswer(fastifyError('FST_STATIC_FORBIDDEN_PATH', 403), LIMIT)).toMatchObject({ status: 404, code: 'not_found' })
  })

  it("keeps a Fastify plugin's own client error a client error", () => {
    expect(toErrorAnswer(fastifyError('FST_SOME_PLUGIN_REFUSAL', 400), LIMIT)).toMatchObject({ status: 400 })
  })

  it('maps a body that is not an object to 400 invalid_json', () => {
    const err = fastifyError('FST_ERR_VALIDATION', 400, {
      validationContext: 'body',
      validation: [{ keyword: 'type', instancePath: '', schemaPath: '#', params: {}, message: 'must be object' }],
    })
    expect(toErrorAnswer(err, LIMIT)).toMatchObject({ status: 400, code: 'invalid_json' })
  })

  it.each([
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400],
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400],
  ])('maps %s to 400 invalid_json', (code, status) => {
    expect(toErrorAnswer(fastifyError(code, status), LIMIT)).toMatchObject({ status: 400, code: 'invalid_json' })
  })

  it('maps a JSON SyntaxError flagged 400 to invalid_json', () => {
    const err = Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 })
    expect(toErrorAnswer(err, LIMIT)).toMatchObject({ status: 400, code: 'invalid_json' })
  })

  it('maps a body over the limit to 413 payload_too_large naming the limit', () => {
    expect(toErrorAnswer(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413), LIMIT))
      .toEqual({ status: 413, code: 'payload_too_large', message: 'the body is larger than 1000 bytes' })
  })

  it('maps a Redis outage to 503 unavailable', () => {
    expect(toErrorAnswer(new Error("Stream isn't writeable and enableOfflineQueue options is false"), LIMIT)).toMatchObject({ status: 503, code: 'unavailable' })
  })

  it('keeps other Fastify client errors as 4xx from the catalog', () => {
    expect(toErrorAnswer(fastifyError('FST_ERR_BAD_URL', 400), LIMIT)).toMatchObject({ status: 400, code: 'invalid_request' })
  })

  it('answers a URL that does not decode with 400 invalid_request, without echoing the URL', () => {
    const answer = toErrorAnswer(fastifyError('FST_ERR_BAD_URL', 400, { message: "'/v1/submissions/%E0%A4%A' is not a valid url component" }), LIMIT)
    expect(answer).toMatchObject({ status: 400, code: 'invalid_request' })
    expect(answer.message).not.toContain('%E0')
  })

  it('keeps 414 for a URL parameter over the length limit, with the invalid_request code', () => {
    expect(toErrorAnswer(fastifyError('FST_ERR_MAX_PARAM_LENGTH', 414), LIMIT)).toMatchObject({ status: 414, code: 'invalid_request' })
  })

  it('maps a Fastify 403 to 403 forbidden', () => {
    expect(toErrorAnswer(fastifyError('FST_ERR_SOMETHING_FORBIDDEN', 403), LIMIT)).toMatchObject({ status: 403, code: 'forbidden' })
  })

  it('answers a forbidden GraderError with 403 and its message', () => {
    expect(toErrorAnswer(new GraderError('forbidden', 'this route needs an admin key (GRADER_ADMIN_KEYS)'), LIMIT))
      .toEqual({ status: 403, code: 'forbidden', message: 'this route needs an admin key (GRADER_ADMIN_KEYS)' })
  })

  it('answers any other error with 500 internal and a generic message', () => {
    const answer = toErrorAnswer(new TypeError("Cannot read properties of undefined (reading 'id')"), LIMIT)
    expect(answer).toEqual({ status: 500, code: 'internal', message: INTERNAL_MESSAGE })
    expect(toErrorAnswer('a thrown string', LIMIT).code).toBe('internal')
    expect(toErrorAnswer(null, LIMIT).code).toBe('internal')
  })
})

describe('isRedisUnavailable', () => {
  it.each([
    ['a closed connection', new Error('Connection is closed.')],
    ['an offline client', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['retries running out', Object.assign(new Error('Reached the max retries per request limit (which is 1).'), { name: 'MaxRetriesPerRequestError' })],
    ['a refused socket', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' })],
    ['a Redis still loading its data', new Error('LOADING Redis is loading the dataset in memory')],
    ['an outage in the cause chain', new Error('enqueue failed', { cause: new Error('Connection is closed.') })],
  ])('recognises %s', (_what, err) => {
    expect(isRedisUnavailable(err)).toBe(true)
  })

  it.each([
    ['a bug', new TypeError('x is not a function')],
    ['a wrong-type reply', new Error('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ['a non-error', 'Connection is closed.'],
  ])('does not mistake %s for an outage', (_what, err) => {
    expect(isRedisUnavailable(err)).toBe(false)
  })
})

describe('formatSchemaErrors', () => {
  const error = (keyword: string, instancePath: string, message: string, params: Record<string, unknown> = {}) =>
    ({ keyword, instancePath, schemaPath: '#', params, message })

  it('names the field and what is wrong with it', () => {
    expect(formatSchemaErrors([error('type', '/files/solution.py', 'must be string')], 'body').message).toBe('body/files/solution.py must be string')
  })

  it('names unknown properties once instead of repeating "schema is false"', () => {
    const message = formatSchemaErrors([
      error('boolean', '/extra', 'schema is false'),
      error('additionalProperties', '', 'must not have additional properties', { additionalProperties: ['extra'] }),
    ], 'body').message
    expect(message).toBe('body has unknown properties: "extra"')
  })

  it('lists at most a few problems and keeps the message short', () => {
    const many = Array.from({ length: 20 }, (_, i) => error('type', `/files/${'x'.repeat(4000)}${i}`, 'must be string'))
    const message = formatSchemaErrors(many, 'body').message
    expect(message.length).toBeLessThanOrEqual(501)
  })
})
