import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Redis } from 'ioredis'
import { Type, type Static } from 'typebox'
import type { WorkerRegistry } from '../../shared/store/worker-registry.js'
import { errorBody, ErrorBodySchema } from '../plugins/error-handler.js'

/**
 * What `/readyz` found, answered whether ready or not. Counts only: the
 * probes answer without a key, so they never name a host, an endpoint or a
 * worker (test/integration/api/probe-privacy.test.ts holds them to it).
 */
export const ReadinessChecksSchema = Type.Object({
  redis: Type.Object({ ok: Type.Boolean() }),
  workers: Type.Object({
    ok: Type.Boolean(),
    /** Workers with a live heartbeat. */
    live: Type.Integer(),
    /** Docker hosts able to take work, summed over live workers. */
    usableHosts: Type.Integer(),
  }),
})
export type ReadinessChecks = Static<typeof ReadinessChecksSchema>

/** What the probes look at; narrow on purpose, so a test can hand in a dead Redis. */
export interface HealthRoutesOptions {
  redis: Pick<Redis, 'ping'>
  registry: Pick<WorkerRegistry, 'list'>
  /** Longest a readiness probe waits for Redis, in ms. @defaultValue 2000 */
  checkTimeoutMs?: number
}

/** Rejects when `promise` takes longer than `ms`: a probe must answer even when Redis hangs. */
async function withTimeout<T> (promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** Runs the readiness checks; never throws. `problem` says why it is not ready. */
export async function checkReadiness (opts: HealthRoutesOptions): Promise<{ checks: ReadinessChecks, problem?: string }> {
  const timeoutMs = opts.checkTimeoutMs ?? 2000
  const checks: ReadinessChecks = { redis: { ok: false }, workers: { ok: false, live: 0, usableHosts: 0 } }
  try {
    checks.redis.ok = (await withTimeout(opts.redis.ping(), timeoutMs)) === 'PONG'
  } catch {}
  if (!checks.redis.ok) return { checks, problem: 'Redis does not answer PING' }
  try {
    const workers = await withTimeout(opts.registry.list(), timeoutMs)
    checks.workers.live = workers.length
    checks.workers.usableHosts = workers.reduce((sum, w) => sum + Math.max(0, w.usableHosts), 0)
    checks.workers.ok = workers.some(w => w.usableHosts > 0)
  } catch {
    return { checks, problem: 'the worker registry could not be read' }
  }
  if (!checks.workers.ok) return { checks, problem: 'no live worker has a usable Docker host' }
  return { checks }
}

/**
 * `/healthz` (the process is alive) and `/readyz` (it can grade: Redis
 * answers and a live worker has a usable host). Neither needs a key: they
 * are for load balancers and orchestrators.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, opts) => {
  app.get('/healthz', {
    schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }))

  app.get('/readyz', {
    schema: {
      response: {
        200: Type.Object({ status: Type.Literal('ready'), checks: ReadinessChecksSchema }),
        503: Type.Object({ error: ErrorBodySchema.properties.error, checks: ReadinessChecksSchema }),
      },
    },
  }, async (_request, reply) => {
    const { checks, problem } = await checkReadiness(opts)
    if (problem === undefined) return reply.code(200).send({ status: 'ready', checks })
    // answered here rather than thrown: the body carries the checks besides the usual error
    return reply.code(503).send({ ...errorBody('unavailable', `not ready: ${problem}`), checks })
  })
}
