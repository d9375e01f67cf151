import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SubmissionRequestSchema, SubmissionSchema } from '../../../services/shared/contracts/submission-schema.js'
import { buildTestApp, type TestApp } from './build-test-app.js'

/** An operation of the document, as far as these tests read it. */
interface Operation {
  operationId?: string
  parameters?: Array<{ name: string, in: string, required?: boolean }>
  requestBody?: { content: Record<string, { schema: unknown }> }
  responses: Record<string, { description?: string, content?: Record<string, { schema: unknown }> }>
  security?: Array<Record<string, string[]>>
}
interface OpenApiDocument {
  openapi: string
  info: { title: string, version: string }
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, unknown>, securitySchemes: Record<string, { type: string, scheme?: string }> }
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace']

/**
 * Every `METHOD /path` the app routes, read from `printRoutes` (Fastify's own
 * view of its router), as OpenAPI writes them: `:id` → `{id}`. HEAD routes
 * Fastify adds beside each GET are left out, as are the documentation's own and the ops console's.
 */
function routedOperations (tree: string): string[] {
  const found: string[] = []
  const stack: string[] = []
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (match === null) continue
    const depth = match[1]!.length / 4
    stack.length = depth
    stack.push(match[2]!)
    const path = stack.join('')
    for (const method of (match[3] ?? '').split(', ').filter(m => m !== '' && m !== 'HEAD')) {
      if (path === '/docs' || path.startsWith('/docs/')) continue
      // the ops console is a page for people (its stream, its controls, bull-board), like /docs: not the API's contract
      if (path === '/ops' || path.startsWith('/ops/')) continue
      // a prefixed plugin's `/` is routed with and without the slash: one operation
      const url = path.length > 1 ? path.replace(/\/+$/, '') : path
      found.push(`${method} ${url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`)
    }
  }
  return [...new Set(found)].sort()
}

const documentedOperations = (doc: OpenApiDocument): string[] =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).filter(m => METHODS.includes(m)).map(m => `${m.toUpperCase()} ${path}`)).sort()

/** `$ref`s anywhere in a value. */
function refs (value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, out)
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v)
      else refs(v, out)
    }
  }
  return out
}

/** The JSON Schema a TypeBox schema stands for (its non-enumerable markers dropped). */
const plain = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema))

describe('OpenAPI document and page', () => {
  let t: TestApp
  let doc: OpenApiDocument

  beforeAll(async () => {
    t = await buildTestApp()
    const res = await t.app.inject({ url: '/docs/openapi.json' })
    expect(res.statusCode).toBe(200)
    doc = res.json()
  })
  afterAll(async () => { await t?.close() })

  it('serves an OpenAPI 3.1 document without a key', async () => {
    expect(doc.openapi).toBe('3.1.0')
    expect(typeof doc.info.title).toBe('string')
    expect(typeof doc.info.version).toBe('string')
    // the UI's own address answers the same document
    const ui = await t.app.inject({ url: '/docs/json' })
    expect(ui.json()).toEqual(doc)
  })

  it('lists every route the app registers, and nothing else', () => {
    const routed = routedOperations(t.app.printRoutes({ commonPrefix: false }))
    // the parse must see the routes that exist today, or the comparison proves nothing
    expect(routed).toEqual(expect.arrayContaining(['POST /v1/submissions', 'GET /v1/submissions/{id}', 'PUT /v1/challenges/{id}', 'GET /healthz']))
    expect(documentedOperations(doc)).toEqual(routed)
  })

  it('describes each route with the schemas that validate it', () => {
    const submit = doc.paths['/v1/submissions']!.post!
    expect(submit.requestBody!.content['application/json']!.schema).toEqual(plain(SubmissionRequestSchema))
    expect(submit.responses['200']!.content!['application/json']!.schema).toEqual(plain(SubmissionSchema))
    expect(submit.responses['202']).toBeDefined()
    expect(submit.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'wait', in: 'query' })]))
    const read = doc.paths['/v1/submissions/{id}']!.get!
    expect(read.responses['200']!.content!['application/json']!.schema).toEqual(plain(SubmissionSchema))
    expect(read.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'view', in: 'query' })]))
  })

  it('gives every operation a unique operation id', () => {
    const ids = Object.values(doc.paths).flatMap(item => Object.entries(item).filter(([m]) => METHODS.includes(m)).map(([, op]) => op.operationId))
    expect(ids.every(id => typeof id === 'string' && /^[a-z][A-Za-z0-9]*$/.test(id)), JSON.stringify(ids)).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    expect(doc.paths['/v1/submissions/{id}/results.json']!.get!.operationId).toBe('getV1SubmissionsIdResultsJson')
  })

  it('asks for the bearer key on every /v1 operation and on nothing else', () => {
    expect(doc.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }))
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue
        if (path.startsWith('/v1/')) expect(op.security, `${method} ${path}`).toEqual([{ bearer: [] }])
        else expect(op.security, `${method} ${path}`).toBeUndefined()
      }
    }
  })

  it('is well-formed: path parameters declared, responses described, references resolved, schemas compile', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false })
    ajv.addSchema(doc, 'openapi.json')
    let compiled = 0
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path.startsWith('/')).toBe(true)
      for (const [method, op] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue
        const where = `${method.toUpperCase()} ${path}`
        for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
          expect(op.parameters, where).toEqual(expect.arrayContaining([expect.objectContaining({ name, in: 'path', required: true })]))
        }
        expect(Object.keys(op.responses).length, where).toBeGreaterThan(0)
        for (const [status, response] of Object.entries(op.responses)) {
          expect(status, where).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/)
          expect(typeof response.description, `${where} ${status}`).toBe('string')
        }
        // each schema is valid JSON Schema 2020-12 (OpenAPI 3.1's dialect), with its references
        const pointer = (...parts: string[]) => `openapi.json#/${parts.map(p => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`
        for (const [type] of Object.entries(op.requestBody?.content ?? {})) {
          expect(ajv.getSchema(pointer('paths', path, method, 'requestBody', 'content', type, 'schema')), where).toBeTypeOf('function')
          compiled++
        }
        for (const [status, response] of Object.entries(op.responses)) {
          for (const [type] of Object.entries(response.content ?? {})) {
            expect(ajv.getSchema(pointer('paths', path, method, 'responses', status, 'content', type, 'schema')), `${where} ${status}`).toBeTypeOf('function')
            compiled++
          }
        }
      }
    }
    expect(compiled).toBeGreaterThan(10)
    for (const ref of refs(doc)) {
      expect(ref).toMatch(/^#\/components\/schemas\//)
      expect(doc.components.schemas[ref.slice('#/components/schemas/'.length)], ref).toBeDefined()
    }
  })

  it('serves the browsable page as HTML without a key', async () => {
    const res = await t.app.inject({ url: '/docs' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.body).toContain('swagger-ui')
    const script = await t.app.inject({ url: '/docs/static/swagger-initializer.js' })
    expect(script.statusCode).toBe(200)
  })
})
