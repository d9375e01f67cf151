/**
 * `npm start`'s process: the API and a worker in one process, on embedded
 * defaults. For production, run services/api/server.ts and
 * services/worker/server.ts as separate processes against a shared Redis.
 */
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { processLoggerOptions } from './shared/observability/logger-options.js'
import { startApi } from './api/start-api.js'
import { loadConfig } from './shared/config/config.js'
import { LIMITS } from './shared/config/limits.js'
import { failStart, stopOnSignals } from './shared/observability/process-lifecycle.js'
import { startWorker } from './worker/start-worker.js'

const log = pino(processLoggerOptions(process.env.LOG_LEVEL ?? 'info'))
async function main (): Promise<void> {
  const config = loadConfig()
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 })
  redis.on('error', (err: Error) => log.warn({ err }, 'redis connection error'))
  const worker = await startWorker(config, redis, log)
  const api = await startApi(config, log)
  stopOnSignals(log, LIMITS.timeoutMs.max + 15_000, async () => {
    await api.close()
    await worker.close()
    await redis.quit()
  })
}
main().catch(failStart(log, 'grader'))
