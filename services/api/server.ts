/**
 * Process entry of the API (`tsx services/api/server.ts`): loads config,
 * opens the Redis connections, builds the app, listens, and closes
 * everything in order on SIGINT/SIGTERM.
 */
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { pino, type Logger } from 'pino'
import { loadConfig, type Config } from '../shared/config/config.js'
import { QUEUE_NAME, type GradingJob } from '../shared/contracts/job-schema.js'
import { SubmissionStore } from '../shared/store/submission-store.js'
import { WorkerRegistry } from '../shared/store/worker-registry.js'
import { buildApp } from './app.js'
import { apiLoggerOptions } from './logger-options.js'

/** Longest a graceful shutdown may take before the process exits anyway, on top of the longest held request. */
const SHUTDOWN_GRACE_MS = 10_000

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

async function main (): Promise<void> {
  const config = loadConfig()
  const log = pino(apiLoggerOptions(config.logLevel))
  if (config.apiKeys.length === 0) log.warn('GRADER_API_KEYS is empty: every /v1 request will be refused with 401')

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
    logger: log,
  })

  let stopping: Promise<void> | undefined
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping !== undefined) {
      log.warn({ signal }, 'second signal: exiting without waiting')
      process.exit(1)
    }
    log.info({ signal }, 'shutting down')
    // a stuck close must not keep the process alive forever
    setTimeout(() => {
      log.error('shutdown took too long: exiting')
      process.exit(1)
    }, config.waitMaxMs + SHUTDOWN_GRACE_MS).unref()
    stopping = (async () => {
      // one failing step must not skip the others
      const steps: Array<[string, () => Promise<unknown>]> = [
        ['http', async () => await app.close()],
        ['queue', async () => await queue.close()],
        ['subscriber', async () => await subscriber.quit()],
        ['redis', async () => await redis.quit()],
      ]
      for (const [what, step] of steps) {
        try { await step() } catch (err) { log.error({ err, what }, 'close failed') }
      }
      log.info('stopped')
    })()
    void stopping.then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)

  const address = await app.listen({ host: config.host, port: config.port })
  log.info({ address, prefix: config.prefix, keys: config.apiKeys.length }, 'api listening')
}

main().catch((err: unknown) => {
  // config errors list every problem in their message: print it as is
  pino().fatal({ err }, 'api failed to start')
  process.exitCode = 1
  // open connections would keep the process alive
  setTimeout(() => process.exit(1), 100).unref()
})
