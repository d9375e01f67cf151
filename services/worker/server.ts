/**
 * Process entry of a worker alone (`tsx services/worker/server.ts`): grades on
 * the Docker hosts in DOCKER_HOSTS, taking jobs from the Redis in REDIS_URL.
 */
import { loadConfig } from '../shared/config/config.js'
import { processLogger } from '../shared/observability/log-destination.js'
import { failStart, stopOnSignals } from '../shared/observability/process-lifecycle.js'
import { startWorkerProcess } from './start-worker.js'

const log = processLogger(process.env.LOG_LEVEL ?? 'info')
async function main (): Promise<void> {
  const config = loadConfig()
  const worker = await startWorkerProcess(config, log)
  // Runs in flight finish within the stop budget or are cut: their jobs go back to
  // the queue (BullMQ's stalled check) and their containers to the reaper.
  stopOnSignals(log, config.stopTimeoutMs, worker.close)
}
main().catch(failStart(log, 'worker'))
