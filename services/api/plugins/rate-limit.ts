import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import { GraderError } from '../../shared/errors/grader-error.js'
import type { Principal } from './principal.js'

/**
 * Requests per minute per tenant and per key, counted in Redis by
 * `@fastify/rate-limit`'s Redis store, so every API process on one Redis
 * shares the counts. Each limit is a window of {@link RATE_WINDOW_MS} that
 * starts with its first request (the store's `INCR` + `PEXPIRE`): at most
 * `perMinute` requests per window, then `429 rate_limited` until it ends.
 *
 * Every counted answer carries the IETF draft headers `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` (seconds) of the limit closest
 * to running out; a refusal adds `Retry-After`.
 */

/** Length of one counting window, in ms: limits are set per minute. */
export const RATE_WINDOW_MS = 60_000

/** What a limit counts: a key's requests, or those of every key of its tenant. */
export const RATE_LIMIT_DIMENSIONS = ['tenant', 'key'] as const
export type RateLimitDimension = typeof RATE_LIMIT_DIMENSIONS[number]

/** One limit that applies to a request. */
export interface AppliedLimit {
  dimension: RateLimitDimension
  /** The tenant id or the key id: whose requests are counted together. */
  id: string
  perMinute: number
}

/**
 * The limits of a principal, the tenant's first. An undefined limit is no
 * limit for that dimension; no principal (a route outside `/v1`, or before the
 * authentication hook sets one) is no limit at all.
 */
export function limitsFor (principal: Principal | undefined): AppliedLimit[] {
  if (principal === undefined) return []
  const limits: AppliedLimit[] = []
  if (principal.tenantPerMinute !== undefined) limits.push({ dimension: 'tenant', id: principal.tenantId, perMinute: principal.tenantPerMinute })
  if (principal.keyPerMinute !== undefined) limits.push({ dimension: 'key', id: principal.keyId, perMinute: principal.keyPerMinute })
  return limits
}

/** One limit after this request was counted against it. */
export interface LimitCount {
  dimension: RateLimitDimension
  perMinute: number
  /** Requests still allowed in this window. */
  remaining: number
  /** Whole seconds until the window ends (at least 1). */
  resetS: number
  exceeded: boolean
}

/** Headers to send and, when over a limit, the refusal. */
export interface RateLimitVerdict {
  headers: Record<string, string>
  refused?: { retryAfterS: number, message: string }
}

const draftHeaders = (c: LimitCount, remaining: number): Record<string, string> => ({
  'ratelimit-limit': String(c.perMinute),
  'ratelimit-remaining': String(remaining),
  'ratelimit-reset': String(c.resetS),
})

/**
 * Decides the answer from the counts, pure. The draft headers describe one
 * limit: the one with the fewest requests left (on a tie, the later reset),
 * so a client pacing itself on them never runs into the other. Over several
 * limits, `Retry-After` waits for the last of them to reset.
 */
export function rateLimitVerdict (counts: readonly LimitCount[]): RateLimitVerdict {
  const exceeded = counts.filter(c => c.exceeded)
  if (exceeded.length > 0) {
    const last = exceeded.reduce((a, b) => (b.resetS > a.resetS ? b : a))
    const who = exceeded.length > 1 ? 'this tenant and this key' : `this ${last.dimension}`
    const limits = exceeded.map(c => `${c.perMinute} per minute for the ${c.dimension}`).join(' and ')
    return {
      headers: { ...draftHeaders(last, 0), 'retry-after': String(last.resetS) },
      refused: { retryAfterS: last.resetS, message: `too many requests from ${who} (at most ${limits}); try again in ${last.resetS} s` },
    }
  }
  if (counts.length === 0) return { headers: {} }
  const closest = counts.reduce((a, b) => (b.remaining < a.remaining || (b.remaining === a.remaining && b.resetS > a.resetS) ? b : a))
  return { headers: draftHeaders(closest, closest.remaining) }
}

/** What the limits need: the API's command connection and the Redis prefix. */
export interface RateLimitOptions {
  redis: Redis
  prefix: string
}

type Check = ReturnType<FastifyInstance['createRateLimit']>

/**
 * A counter of one dimension: the plugin registered in a scope of its own, so
 * each dimension has its own Redis namespace (`<prefix>:ratelimit:<dimension>:<id>`)
 * and a check of its own. Registered with `global: false`: it adds no hook to
 * any route; {@link installRateLimits} calls the checks itself, so both
 * limits count every request and one answer reports them together.
 */
async function dimensionCheck (scope: FastifyInstance, opts: RateLimitOptions, dimension: RateLimitDimension): Promise<Check> {
  const limitOf = (request: FastifyRequest): AppliedLimit | undefined => limitsFor(request.principal).find(l => l.dimension === dimension)
  let check: Check | undefined
  await scope.register(async own => {
    await own.register(rateLimit, {
      global: false,
      redis: opts.redis,
      nameSpace: `${opts.prefix}:ratelimit:${dimension}:`,
      timeWindow: RATE_WINDOW_MS,
      // Fail open when Redis does not answer: the limits protect the pool from
      // one client's burst, they are not an access control, and refusing every
      // request during an outage would turn a Redis blip into a full outage.
      // The routes that need Redis answer 503 by themselves.
      skipOnError: true,
      keyGenerator: request => limitOf(request)?.id ?? '',
      // no limit of this dimension: not counted at all
      allowList: request => limitOf(request) === undefined,
      max: request => limitOf(request)?.perMinute ?? 0,
    })
    check = own.createRateLimit()
  })
  // looked up at the first request: avvio may load the scope above only after this returns
  return async request => {
    if (check === undefined) throw new Error('the rate-limit scope was not loaded before the first request')
    return await check(request)
  }
}

/**
 * Adds the per-tenant and per-key limits to every route of `scope` as an
 * `onRequest` hook. Register it after the authentication hook of the same
 * scope: hooks run in the order they were added, and the limits are read
 * from `request.principal`.
 */
export async function installRateLimits (scope: FastifyInstance, opts: RateLimitOptions): Promise<void> {
  const checks: Array<[RateLimitDimension, Check]> = []
  for (const d of RATE_LIMIT_DIMENSIONS) checks.push([d, await dimensionCheck(scope, opts, d)])
  scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (limitsFor(request.principal).length === 0) return
    const counts: LimitCount[] = []
    let uncounted = false
    // both counted at once: one round trip of latency, not two
    const limits = await Promise.all(checks.map(async ([dimension, check]) => [dimension, await check(request)] as const))
    for (const [dimension, limit] of limits) {
      if (limit.isAllowed) continue
      // the store answered nothing (skipOnError): a count of 0 with no window
      if (limit.ttl <= 0) { uncounted = true; continue }
      counts.push({ dimension, perMinute: limit.max, remaining: limit.remaining, resetS: Math.max(1, limit.ttlInSeconds), exceeded: limit.isExceeded })
    }
    if (uncounted) request.log.warn({ tenant: request.principal?.tenantId }, 'rate limits not applied: Redis did not answer')
    const verdict = rateLimitVerdict(counts)
    void reply.headers(verdict.headers)
    if (verdict.refused !== undefined) throw new GraderError('rate_limited', verdict.refused.message)
  })
}
