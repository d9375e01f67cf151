import { readFileSync } from 'node:fs'
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { FastifyAdapter } from '@bull-board/fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Queue } from 'bullmq'
import type { FastifyReply, FastifyRequest, HTTPMethods } from 'fastify'
import { Type } from 'typebox'
import { GraderError, isGraderError } from '../../../shared/errors/grader-error.js'
import { EventStream, firstEventId } from '../../event-stream.js'
import { replyWithError } from '../../plugins/error-handler.js'
import { principalResolver, requireGlobalAdmin, type AuthDeps } from '../../plugins/auth.js'
import type { Principal } from '../../plugins/principal.js'
import { HostParamsSchema, HostPatchSchema } from '../../schemas/host-routes-schema.js'
import { OpsFeed } from './ops-feed.js'
import { consolePage, loginPage, PAGE_CSP } from './ops-page.js'
import { CSRF_HEADER, endedSessionCookie, opsCredential, sessionCookie, type OpsCredential } from './ops-session.js'
import { readOpsSnapshot, type OpsSources } from './ops-snapshot.js'

/** What the ops console needs; passed in by app.ts. */
export interface OpsRoutesOptions {
  /** The keys and tenants `/v1` authenticates against: the console accepts exactly the keys `/v1/hosts` does. */
  auth: AuthDeps
  /** Where snapshots are read from. */
  sources: OpsSources
  /** The grading queue, for bull-board's job view under `/ops/queues`. */
  queue: Queue
  /** How often the open pages get a snapshot, in ms. @defaultValue 2000 */
  intervalMs?: number
  /** How long one snapshot may take to read before it is sent as stale, in ms. @defaultValue 3000 */
  readTimeoutMs?: number
  /** Heartbeat comment on a quiet stream, in ms. @defaultValue 15000 */
  heartbeatMs?: number
}

/** The page's own static files, read once: a name not listed here is a 404. */
const ASSETS: Record<string, { type: string, body: string }> = {
  'ops.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('./assets/ops.js', import.meta.url), 'utf8') },
  'ops.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('./assets/ops.css', import.meta.url), 'utf8') },
}

/** Largest body an /ops route takes (a login, a concurrency): the error answers need the bound. */
const BODY_LIMIT_BYTES = 16 * 1024

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The host controls, each forwarded to its `/v1/hosts` route. */
const CONTROLS = [
  { method: 'POST', path: '/hosts/:id/drain', target: (id: string) => `/v1/hosts/${encodeURIComponent(id)}/drain` },
  { method: 'POST', path: '/hosts/:id/undrain', target: (id: string) => `/v1/hosts/${encodeURIComponent(id)}/undrain` },
  { method: 'POST', path: '/hosts/:id/recycle', target: (id: string) => `/v1/hosts/${encodeURIComponent(id)}/recycle` },
  { method: 'PATCH', path: '/hosts/:id', target: (id: string) => `/v1/hosts/${encodeURIComponent(id)}` },
] as const

const LoginBodySchema = Type.Object({
  /** The admin key, as it would be sent in `Authorization: Bearer`. */
  key: Type.String({ minLength: 1, maxLength: 4096 }),
}, { additionalProperties: false })

const checkGlobalAdmin = requireGlobalAdmin()

/**
 * The ops console under `/ops`: the page (`GET /ops`), its login session
 * (`POST /ops/login`, `POST /ops/logout`), one server-sent event stream of
 * snapshots (`GET /ops/events`) and the same snapshot once (`GET /ops/snapshot`),
 * the host controls (forwarded to `/v1/hosts`, so they are the same routes
 * with the same checks and logs), and bull-board under `/ops/queues`.
 *
 * Every route but the page's static files, the login and the logout needs
 * an admin key of the grader itself (the hosts are every tenant's), through
 * the login session's cookie or `Authorization: Bearer`: a missing or wrong
 * key is 401, another key 403, in the one error shape. `GET /ops` answers
 * the login form instead when it has no key or a refused session.
 */
export const opsRoutes: FastifyPluginAsyncTypebox<OpsRoutesOptions> = async (app, opts) => {
  // the console is a page, not part of the API's contract: kept out of /docs (bull-board's routes too)
  app.addHook('onRoute', route => { route.schema = { ...route.schema, hide: true } })
  const resolve = principalResolver(opts.auth)
  const feed = new OpsFeed(async () => await readOpsSnapshot(opts.sources, { timeoutMs: opts.readTimeoutMs ?? 3000 }), opts.intervalMs ?? 2000)
  const streams = new Set<EventStream>()
  app.addHook('preClose', async () => {
    // open streams would otherwise hold the server open until each client hangs up
    for (const stream of streams) stream.end()
    feed.stop()
  })

  /** The admin behind a credential, or the 401/403 that refuses it. */
  const admin = async (request: FastifyRequest, credential: OpsCredential | undefined): Promise<Principal> => {
    request.principal = await resolve(credential?.authorization)
    await checkGlobalAdmin(request)
    return request.principal
  }

  const sendPage = (reply: FastifyReply, status: number, html: string): FastifyReply =>
    reply.code(status).type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('cache-control', 'no-store').send(html)

  app.get('/', async (request, reply) => {
    const credential = opsCredential(request)
    if (credential === undefined) return sendPage(reply, 200, loginPage())
    try {
      await admin(request, credential)
    } catch (err) {
      // a script with a bad key wants the error; a person whose session went bad wants the form again
      if (credential.source === 'bearer' || !isGraderError(err)) throw err
      void reply.header('set-cookie', endedSessionCookie())
      return sendPage(reply, err.status, loginPage(err.code === 'forbidden' ? 'That key is not an admin key of the grader.' : 'Your session ended: log in again.'))
    }
    return sendPage(reply, 200, consolePage())
  })

  // code and style only, the same for everyone: the login form needs them before any key
  app.get('/assets/:file', { schema: { params: Type.Object({ file: Type.String({ maxLength: 50 }) }) } }, async (request, reply) => {
    const asset = Object.hasOwn(ASSETS, request.params.file) ? ASSETS[request.params.file] : undefined
    if (asset === undefined) throw new GraderError('not_found', 'no such ops asset')
    return reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body)
  })

  app.post('/login', { schema: { body: LoginBodySchema } }, async (request, reply) => {
    try {
      await admin(request, { authorization: `Bearer ${request.body.key}`, source: 'bearer' })
    } catch (err) {
      if (err instanceof GraderError && err.code === 'unauthorized') request.log.warn('ops login refused: wrong key')
      throw err
    }
    request.log.info({ keyId: request.principal?.keyId }, 'ops login')
    return reply.code(204).header('set-cookie', sessionCookie(request.body.key, request.protocol === 'https')).send()
  })

  // ending a session needs no key: it only clears this browser's cookie
  app.post('/logout', async (_request, reply) => reply.code(204).header('set-cookie', endedSessionCookie()).send())

  await app.register(async data => {
    data.addHook('onRequest', async (request, reply) => {
      const credential = opsCredential(request)
      try {
        await admin(request, credential)
        if (credential?.source === 'session' && !SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== '1') {
          throw new GraderError('forbidden', `a change made with the login session must carry the "${CSRF_HEADER}: 1" header`)
        }
      } catch (err) {
        // tells a client which scheme to use (RFC 6750 §3), as /v1 does
        if (isGraderError(err) && err.code === 'unauthorized') void reply.header('www-authenticate', 'Bearer')
        // answered here, not thrown: bull-board's routes have an error handler of their own
        return replyWithError(err, request, reply, { bodyLimitBytes: BODY_LIMIT_BYTES })
      }
    })

    data.get('/snapshot', async (_request, reply) => reply.header('cache-control', 'no-store').send(await readOpsSnapshot(opts.sources, { timeoutMs: opts.readTimeoutMs ?? 3000 })))

    data.get('/events', async (request, reply) => {
      // from here on the answer is the stream: nothing may throw to fastify any more
      reply.hijack()
      const stream = new EventStream(reply.raw, { firstId: firstEventId(request.headers['last-event-id']), heartbeatMs: opts.heartbeatMs ?? 15_000 })
      streams.add(stream)
      const unlisten = feed.listen(snapshot => { stream.send('snapshot', JSON.stringify(snapshot)) })
      reply.raw.once('close', () => {
        unlisten()
        streams.delete(stream)
        stream.end()
        // a hijacked reply gets no "request completed" line from fastify: this is the stream's
        request.log.info('ops event stream ended')
      })
    })

    for (const control of CONTROLS) {
      data.route({
        method: control.method as HTTPMethods,
        url: control.path,
        schema: { params: HostParamsSchema, ...(control.method === 'PATCH' ? { body: HostPatchSchema } : {}) },
        handler: async (request, reply) => {
          // through the route itself: the same checks, answer and log as a script calling /v1/hosts
          const { id } = request.params as { id: string }
          const answer = await data.inject({
            method: control.method,
            url: control.target(id),
            headers: { authorization: opsCredential(request)!.authorization, ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}) },
            ...(request.body !== undefined ? { payload: JSON.stringify(request.body) } : {}),
          })
          const type = answer.headers['content-type']
          if (typeof type === 'string') void reply.type(type)
          return reply.code(answer.statusCode).send(answer.body)
        },
      })
    }

    // the job-level view; read-only: steering is the host controls' business, and job data holds students' code
    const board = new FastifyAdapter()
    createBullBoard({ queues: [new BullMQAdapter(opts.queue, { readOnlyMode: true })], serverAdapter: board })
    board.setBasePath('/ops/queues')
    await data.register(board.registerPlugin(), { prefix: '/queues' })
  })
}
