/**
 * Process entry of a worker alone (`tsx services/worker/server.ts`): grades on
 * the Docker hosts in DOCKER_HOSTS, taking jobs from the Redis in REDIS_URL.
 */
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { processLoggerOptions } from '../shared/observability/logger-options.js'
import { loadConfig } from '../shared/config/config.js'
import { LIMITS } from '../shared/config/limits.js'
import { failStart, stopOnSignals } from '../shared/observability/process-lifecycle.js'
import { startWorker } from './start-worker.js'

const log = pino(processLoggerOptions(process.env.LOG_LEVEL ?? 'info'))
async function main (): Promise<void> {
  const config = loadConfig()
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 })
  redis.on('error', (err: Error) => log.warn({ err }, 'redis connection error'))
  const worker = await startWorker(config, redis, log)
  // Runs in flight may take up to the longest timeout to finish.
  stopOnSignals(log, LIMITS.timeoutMs.max + 15_000, async () => {
    await worker.close()
    await redis.quit()
  })
}
main().catch(failStart(log, 'worker'))
