/**
 * Process entry of a worker alone (`tsx services/worker/server.ts`): grades on
 * the Docker hosts in DOCKER_HOSTS, taking jobs from the Redis in REDIS_URL.
 */
import { pino } from 'pino'
import { loadConfig } from '../shared/config/config.js'
import { processLoggerOptions } from '../shared/observability/logger-options.js'
import { failStart, stopOnSignals } from '../shared/observability/process-lifecycle.js'
import { startWorkerProcess, WORKER_STOP_GRACE_MS } from './start-worker.js'

const log = pino(processLoggerOptions(process.env.LOG_LEVEL ?? 'info'))
async function main (): Promise<void> {
  const worker = await startWorkerProcess(loadConfig(), log)
  stopOnSignals(log, WORKER_STOP_GRACE_MS, worker.close)
}
main().catch(failStart(log, 'worker'))
