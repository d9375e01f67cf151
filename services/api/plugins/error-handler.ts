import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import { ERROR_CATALOG, isGraderError, type ErrorCode } from '../../shared/errors/grader-error.js'
import { isRedisUnavailable } from './redis-unavailable.js'

/**
 * The one place where errors become answers. Every error answer of the API
 * is `{"error":{"code","message"}}` with a code from {@link ERROR_CATALOG};
 * 5xx internals stay in the log.
 */

/** Body of every error answer. */
export const ErrorBodySchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
  }),
})
export type ErrorBody = Static<typeof ErrorBodySchema>

/** Builds an error body; the only place its shape is written. */
export function errorBody (code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } }
}

/** An error as the client sees it. */
export interface ErrorAnswer {
  status: number
  code: ErrorCode
  message: string
}

/** What a client reads for a bug of ours; the details are logged, not sent. */
export const INTERNAL_MESSAGE = 'an internal error occurred; it has been logged'

const answer = (code: ErrorCode, message: string, status: number = ERROR_CATALOG[code].status): ErrorAnswer => ({ status, code, message })

/** Any other 4xx Fastify raises keeps its meaning through the nearest catalog code. */
function fromFastifyStatus (status: number, message: string): ErrorAnswer {
  switch (status) {
    case 401: return answer('unauthorized', message)
    case 403: return answer('forbidden', message)
    case 404: return answer('not_found', message)
    case 413: return answer('payload_too_large', message)
    case 415: return answer('invalid_json', message, 400)
    case 429: return answer('rate_limited', message)
    default: return answer('invalid_request', message, 400)
  }
}

/**
 * Maps any error thrown while handling a request to its answer. Pure, so
 * every mapping is unit-tested without a server.
 *
 * @param bodyLimitBytes the server's body limit, named in the 413 message
 */
export function toErrorAnswer (err: unknown, bodyLimitBytes: number): ErrorAnswer {
  if (isGraderError(err)) {
    return err.code === 'internal' ? answer('internal', INTERNAL_MESSAGE, err.status) : answer(err.code, err.message, err.status)
  }
  const fe = err as Partial<FastifyError> | null
  switch (fe?.code) {
    case 'FST_ERR_VALIDATION':
      // A body that is not an object at all (`[]`, `"x"`, nothing) is a JSON problem, not a field problem
      if (fe.validationContext === 'body' && fe.validation?.some(v => v.instancePath === '' && v.keyword === 'type') === true) {
        return answer('invalid_json', 'the body must be a JSON object')
      }
      return answer('invalid_request', fe.message ?? 'the request does not match the schema')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return answer('invalid_json', 'send the body as JSON with "Content-Type: application/json"')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return answer('invalid_json', 'the body is empty; send a JSON object')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return answer('invalid_json', 'the body is not valid JSON')
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return answer('payload_too_large', `the body is larger than ${bodyLimitBytes} bytes`)
    // raised before routing (through `frameworkErrors`); Fastify's messages
    // quote the whole URL, which may be long and undecodable: not echoed
    case 'FST_ERR_BAD_URL':
      return answer('invalid_request', 'the URL is not valid: a percent-encoded part does not decode')
    // @fastify/static (the /docs page's files) refuses a path like `a//b` or one with a NUL
    case 'FST_STATIC_FORBIDDEN_PATH':
      return answer('not_found', 'no such file')
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // Fastify's status for it, kept: clients may already rely on it
      return answer('invalid_request', 'a URL parameter is longer than the server accepts', 414)
  }
  // a custom or older JSON parser reports a SyntaxError flagged as a client error
  if (err instanceof SyntaxError && (err as Partial<FastifyError>).statusCode === 400) {
    return answer('invalid_json', 'the body is not valid JSON')
  }
  if (isRedisUnavailable(err)) {
    return answer('unavailable', 'the grader cannot reach its store right now; try again later')
  }
  // Fastify's own client errors (bad URL, bad content length…) and its plugins' carry a safe message
  const status = fe?.statusCode
  if (typeof fe?.code === 'string' && fe.code.startsWith('FST_') && typeof status === 'number' && status >= 400 && status < 500) {
    return fromFastifyStatus(status, fe.message ?? 'the request was refused')
  }
  return answer('internal', INTERNAL_MESSAGE)
}

/**
 * Answers `err` with its error body and logs it as its kind deserves. Used
 * by the error handler and by Fastify's `frameworkErrors` (errors raised
 * before a request is routed, such as a URL that does not decode).
 */
export function replyWithError (err: unknown, request: FastifyRequest, reply: FastifyReply, opts: { bodyLimitBytes: number }): FastifyReply {
  const out = toErrorAnswer(err, opts.bodyLimitBytes)
  if (out.code === 'internal') {
    request.log.error({ err, code: out.code }, 'request failed')
  } else if (out.status >= 500) {
    // an outage we recognised: worth a look, not a bug
    request.log.warn({ err, code: out.code }, 'request failed')
  } else {
    // a refusal is the client's business: no stack, just what it was told
    request.log.info({ status: out.status, code: out.code, reason: out.message }, 'request refused')
  }
  return reply.code(out.status).type('application/json; charset=utf-8').send(errorBody(out.code, out.message))
}

/**
 * Installs the error and not-found handlers on the root instance, so every
 * route, hook and plugin below answers through them. Errors raised before
 * routing never reach them: pass {@link replyWithError} as the instance's
 * `frameworkErrors` too.
 */
export function installErrorHandling (app: FastifyInstance, opts: { bodyLimitBytes: number }): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => replyWithError(err, request, reply, opts))

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = (request.url.split('?')[0] ?? '').slice(0, 200)
    return reply.code(404).send(errorBody('not_found', `no route ${request.method} ${path}`))
  })
}
