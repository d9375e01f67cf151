import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync, type FastifyRequest } from 'fastify'
import type { MetricsCollector } from '../../shared/observability/metrics-collector.js'
import { GraderError } from '../../shared/errors/grader-error.js'
import { installErrorHandling, replyWithError } from '../plugins/error-handler.js'
import type { Principal } from '../plugins/principal.js'

/** pino's level numbers; a level missing here (`silent`, a custom one) is left alone. */
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 }

/** What renders a scrape. */
export type MetricsScrape = Pick<MetricsCollector, 'scrape' | 'contentType'>

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's one collector (app.ts): rendered on the API's `/metrics` and by the metrics listener. */
    metricsCollector?: MetricsScrape
  }
}

/** What `/metrics` needs. */
export interface MetricsRoutesOptions {
  collector: MetricsScrape
}

/**
 * `GET /metrics`: Prometheus text format. It holds counts, durations and
 * host names, never a submission or a key. Served twice: without a key on the
 * metrics listener ({@link buildMetricsServer}, loopback by default), and on
 * the API's listener behind a key that may read it ({@link requireMetricsReader}).
 */
export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, opts) => {
  // a scrape every few seconds would drown the request log: only problems are
  // logged. A route's level replaces the app's, so never make it more verbose.
  const quieter = (LEVELS[app.log.level] ?? Infinity) < LEVELS.warn!
  app.get('/metrics', quieter ? { logLevel: 'warn' } : {}, async (request, reply) => {
    const { text, error } = await opts.collector.scrape()
    if (error !== undefined) request.log.warn({ err: error }, 'metrics rendered without the grader state: Redis could not be read')
    return reply.type(opts.collector.contentType).send(text)
  })
}

/**
 * Whether a principal may scrape on the API's listener: a key with the
 * `metrics` role, or a global admin. A tenant's admin may not: host names and
 * every tenant's counts are the grader's, not a tenant's.
 */
export function canReadMetrics (principal: Principal | undefined): boolean {
  return principal !== undefined && (principal.roles.has('metrics') || principal.globalAdmin)
}

/**
 * An `onRequest` hook refusing a principal that may not scrape with 403
 * `forbidden`. Register it after the authentication hook, which answers a
 * missing or wrong key with 401 first.
 */
export function requireMetricsReader (): (request: FastifyRequest) => Promise<void> {
  return async request => {
    if (canReadMetrics(request.principal)) return
    throw new GraderError('forbidden', 'this route needs a key with the "metrics" role, or scrape the metrics listener (GRADER_METRICS_HOST:GRADER_METRICS_PORT)')
  }
}

/** Largest body the metrics listener reads, in bytes: nothing there takes one. */
const METRICS_BODY_LIMIT_BYTES = 1024

/**
 * The metrics listener: a second, minimal fastify instance with `GET /metrics`
 * and nothing else, without a key. It is meant for a scraper on a network
 * the clients of the API do not reach (loopback by default), so the API's
 * own listener can require a key. Never listens by itself: start-api.ts does.
 */
export async function buildMetricsServer (opts: { collector: MetricsScrape, logger: FastifyBaseLogger }): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger,
    // a URL that does not decode is answered in the one error shape, as on the API
    frameworkErrors: (err, request, reply) => replyWithError(err, request, reply, { bodyLimitBytes: METRICS_BODY_LIMIT_BYTES }),
    bodyLimit: METRICS_BODY_LIMIT_BYTES,
  })
  installErrorHandling(app, { bodyLimitBytes: METRICS_BODY_LIMIT_BYTES })
  await app.register(metricsRoutes, { collector: opts.collector })
  return app
}
