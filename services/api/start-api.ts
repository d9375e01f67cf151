import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { startDeliveryDispatcher } from '../delivery/delivery-dispatcher.js'
import type { WebhookSecret } from '../delivery/webhook-secret.js'
import type { Config } from '../shared/config/config.js'
import { MetricsStore } from '../shared/observability/metrics-store.js'
import { ChallengeStore } from '../shared/store/challenge-store.js'
import { QUEUE_NAME, type GradingJob } from '../shared/contracts/job-schema.js'
import { HostRegistry } from '../shared/store/host-registry.js'
import { SubmissionStore } from '../shared/store/submission-store.js'
import { WorkerRegistry } from '../shared/store/worker-registry.js'
import { buildApp } from './app.js'
import { buildMetricsServer } from './routes/metrics.js'
import { submissionView } from './submission-view.js'

export interface RunningApi {
  address: string
  /** Where the metrics listener serves `GET /metrics` without a key (`GRADER_METRICS_HOST`/`PORT`). */
  metricsAddress: string
  /** What webhooks are signed with (generated into Redis when `GRADER_WEBHOOK_SECRET` is unset). */
  webhookSecret: WebhookSecret
  close: () => Promise<void>
}

/**
 * The command connection fails fast while Redis is down: no offline queue and
 * one retry, so a request gets a 503 in milliseconds instead of hanging on
 * reconnect attempts.
 */
function commandConnection (config: Config, log: Logger, name: string): Redis {
  const redis = new Redis(config.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: name })
  // without a listener ioredis prints every reconnect failure to stderr
  redis.on('error', (err: Error) => { log.warn({ err, connection: name }, 'redis connection error') })
  return redis
}

/** Opens the API's Redis connections, builds the app and listens; `close` undoes it all in order. */
export async function startApi (config: Config, log: Logger): Promise<RunningApi> {
  const redis = commandConnection(config, log, 'grader-api')
  // a client in subscriber mode can run no other command: it gets its own connection,
  // with an offline queue so it re-subscribes by itself after a reconnect
  const subscriber = new Redis(config.redisUrl, { lazyConnect: true, connectionName: 'grader-api-done' })
  subscriber.on('error', (err: Error) => { log.warn({ err, connection: 'grader-api-done' }, 'redis connection error') })
  await Promise.all([redis.connect(), subscriber.connect()])

  const queue = new Queue<GradingJob>(QUEUE_NAME, { connection: redis, prefix: config.prefix })
  queue.on('error', err => { log.warn({ err }, 'queue error') })
  await queue.waitUntilReady()

  const app = await buildApp({
    config,
    redis,
    subscriber,
    queue,
    store: new SubmissionStore(redis, config.prefix, config.resultTtlS),
    registry: new WorkerRegistry(redis, config.prefix),
    hosts: new HostRegistry(redis, config.prefix),
    logger: log,
  })
  // Webhooks are sent from here: their payload is the submission as this API answers it
  // (services/delivery/README.md says why not from the worker).
  const renderStore = new SubmissionStore(redis, config.prefix, config.resultTtlS)
  const renderChallenges = new ChallengeStore(redis, config.prefix)
  const dispatcher = await startDeliveryDispatcher({
    config,
    redis,
    log,
    metrics: new MetricsStore(redis, config.prefix, { slaMs: config.slaByLane }),
    render: async id => {
      const submission = await renderStore.get(id)
      return submission === null ? null : await submissionView(submission, renderChallenges.inTenant(submission.tenant), 'full')
    },
  })
  if (dispatcher.secret.generated) log.warn({ redisKey: dispatcher.secret.redisKey }, 'GRADER_WEBHOOK_SECRET is unset: webhooks are signed with a secret generated once and kept in Redis')
  const address = await app.listen({ host: config.host, port: config.port })
  log.info({ address, prefix: config.prefix, keys: config.apiKeys.length, adminKeys: config.adminKeys.length }, 'api listening')
  // after the API's listener, so the first "Server listening" line is still the API's
  const metrics = await buildMetricsServer({ collector: app.metricsCollector!, logger: log.child({ listener: 'metrics' }) })
  let metricsAddress: string
  try {
    metricsAddress = await metrics.listen({ host: config.metricsHost, port: config.metricsPort })
  } catch (err) {
    // nothing else is open to the caller yet: undo what was started, then say what to change
    await app.close()
    await dispatcher.close()
    await queue.close()
    await Promise.allSettled([subscriber.quit(), redis.quit()])
    throw new Error(`the metrics listener cannot listen on ${config.metricsHost}:${config.metricsPort} (${(err as Error).message}): set GRADER_METRICS_PORT (0 = a free port) or GRADER_METRICS_HOST`, { cause: err })
  }
  log.info({ address: metricsAddress }, 'metrics listening')

  return {
    address,
    metricsAddress,
    webhookSecret: dispatcher.secret,
    close: async () => {
      // one failing step must not skip the others
      const steps: Array<[string, () => Promise<unknown>]> = [
        ['http', async () => await app.close()],
        ['metrics', async () => await metrics.close()],
        ['deliveries', async () => await dispatcher.close()],
        ['queue', async () => await queue.close()],
        ['subscriber', async () => await subscriber.quit()],
        ['redis', async () => await redis.quit()],
      ]
      for (const [what, step] of steps) {
        try { await step() } catch (err) { log.error({ err, what }, 'close failed') }
      }
    },
  }
}
