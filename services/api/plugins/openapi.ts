import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { ErrorBodySchema } from './error-handler.js'

/**
 * The OpenAPI 3.1 document of the API, generated from the very TypeBox
 * schemas that validate requests and serialise answers (so it cannot drift
 * from what the server does), and a browsable page:
 *
 * - `GET /docs/openapi.json`: the document (also at `/docs/json`, where the page reads it);
 * - `GET /docs`: Swagger UI.
 *
 * Neither needs a key: the document describes routes, never data or secrets.
 * Register before any route: `@fastify/swagger` collects routes in an
 * `onRoute` hook, so a route registered earlier would be missing.
 */

/** Where the page is served; the document is `${DOCS_PREFIX}/openapi.json`. */
export const DOCS_PREFIX = '/docs'

/** Name of the bearer security scheme in `components.securitySchemes`. */
export const BEARER_SCHEME = 'bearer'

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const

interface Operation {
  operationId?: string
  tags?: string[]
  security?: Array<Record<string, string[]>>
  responses?: Record<string, unknown>
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
})

/**
 * A stable operation id from method and path, for code generators:
 * `GET /v1/submissions/{id}/results.json` → `getV1SubmissionsIdResultsJson`.
 */
export function operationIdOf (method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(w => w !== '')
  return method.toLowerCase() + words.map(w => w[0]!.toUpperCase() + w.slice(1)).join('')
}

/**
 * What every operation shares but no route schema states: `/v1` routes need
 * the bearer key and are tagged by resource (`/v1/submissions/...` →
 * `submissions`); each has an operation id; every answer outside the route's own statuses is the one
 * error body. Applied to the finished document, so routes other code adds
 * later get it too.
 */
function completeOperations (document: { paths?: Record<string, Record<string, unknown> | undefined> }): void {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (item === undefined) continue
    const resource = /^\/v1\/([^/]+)/.exec(path)?.[1]
    for (const method of HTTP_METHODS) {
      const operation = item[method] as Operation | undefined
      if (operation === undefined) continue
      operation.operationId ??= operationIdOf(method, path)
      if (resource !== undefined) {
        operation.tags ??= [resource]
        operation.security ??= [{ [BEARER_SCHEME]: [] }]
      } else {
        operation.tags ??= ['operations']
      }
      const responses = operation.responses ??= {}
      responses['4XX'] ??= errorResponse('Refused request: `{"error":{"code","message"}}`, codes in docs/errors.md')
      responses['5XX'] ??= errorResponse('Server-side failure or unavailability (503 is retryable; see `Retry-After` where sent)')
    }
  }
}

/**
 * Registers `@fastify/swagger` (dynamic mode, OpenAPI 3.1) and
 * `@fastify/swagger-ui` on `app`'s root scope, plus `GET /docs/openapi.json`.
 */
export async function registerOpenApi (app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'challenge-grader API',
        version: '1',
        description: 'Grades student code in single-use sandboxed containers. Every `/v1` route needs `Authorization: Bearer <key>`; ' +
          'errors are `{"error":{"code","message"}}`.',
      },
      components: {
        securitySchemes: {
          [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', description: 'An API key (`GRADER_API_KEYS`); host and challenge routes need an admin key (`GRADER_ADMIN_KEYS`)' },
        },
        schemas: { ErrorBody: ErrorBodySchema as unknown as Record<string, unknown> },
      },
    },
    // OpenAPI 3.1 is JSON Schema 2020-12: `const` stays as the route schemas write it
    convertConstToEnum: false,
    // a plugin's `/` route under a prefix is routed with and without the
    // trailing slash; the document names it once, as clients write it
    transform: ({ schema, url }) => ({ schema, url: url.length > 1 ? url.replace(/\/+$/, '') : url }),
    transformObject: documentObject => {
      // always the OpenAPI branch: `openapi` is set above, so no Swagger 2 document is made
      const document = 'openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject
      completeOperations(document as Parameters<typeof completeOperations>[0])
      return document
    },
  })
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX })
  // the contract's address of the document; `/docs/json` (the UI's own) stays for the page
  app.get(`${DOCS_PREFIX}/openapi.json`, { schema: { hide: true } }, async () => app.swagger())
}
