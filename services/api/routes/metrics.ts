import type { FastifyPluginAsync } from 'fastify'
import type { MetricsCollector } from '../../shared/observability/metrics-collector.js'

/** pino's level numbers; a level missing here (`silent`, a custom one) is left alone. */
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 }

/** What `/metrics` needs. */
export interface MetricsRoutesOptions {
  collector: Pick<MetricsCollector, 'scrape' | 'contentType'>
}

/**
 * `GET /metrics`: Prometheus text format, without a key (a scraper holds
 * none); anyone who can reach the API's listen address can read it. It
 * holds counts, durations and host names, never a submission or a key.
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
