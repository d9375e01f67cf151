import type { FastifyInstance } from 'fastify'
import { GraderError } from '../../shared/errors/grader-error.js'
import { findJsonNode, formatJsonPath, jsonPath, type JsonKey } from '../json-walk.js'

/**
 * Fastify's own JSON parser (prototype-poisoning checks as configured on the
 * instance), plus a bound on how deeply a body may nest.
 *
 * `JSON.parse` takes any depth, but much of what handles a parsed body
 * afterwards recurses: `JSON.stringify` when a value is stored or queued,
 * response serialisers, validators of nested schemas. A body a few thousand
 * levels deep overflows the stack there, a `RangeError` that answers 500.
 * Refusing it at the parser keeps every route, present and future, safe
 * whatever its schema.
 */

/** Options of {@link installJsonBodyParser}. */
export interface JsonBodyParserOptions {
  /** Deepest nesting of objects and arrays a body may have, the body itself counting as one level. */
  maxDepth: number
  /**
   * The error for a body nested deeper than `maxDepth`, given the parsed body
   * and the keys down to the first value too deep; return `null` for the
   * default, an `invalid_request` naming the path. Lets a route's own bound
   * (such as `metadata`'s) answer with its own code.
   * @defaultValue `() => null`
   */
  tooDeep?: (body: unknown, path: JsonKey[]) => Error | null
}

/** Replaces the instance's `application/json` parser; call on the root instance before routes. */
export function installJsonBodyParser (app: FastifyInstance, opts: JsonBodyParserOptions): void {
  const { onProtoPoisoning, onConstructorPoisoning } = app.initialConfig
  const parse = app.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, rawBody, done) => {
    parse(request, rawBody as string, (err, body: unknown) => {
      if (err !== null) {
        done(err)
        return
      }
      // iterative: this is the one place a value of any depth may be walked
      const deep = findJsonNode(body, node => node.depth > opts.maxDepth)
      if (deep === null) {
        done(null, body)
        return
      }
      const path = jsonPath(deep)
      done(opts.tooDeep?.(body, path) ?? new GraderError('invalid_request',
        `the body is nested more than ${opts.maxDepth} levels deep (objects and arrays, at ${formatJsonPath('body', path)})`))
    })
  })
}
