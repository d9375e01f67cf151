/**
 * `npm start`'s process: the API and a worker in one process, on embedded
 * defaults. For production, run services/api/server.ts and
 * services/worker/server.ts as separate processes against a shared Redis.
 */
import { startApi } from './api/start-api.js'
import { loadConfig } from './shared/config/config.js'
import { LogDestination, processLogger } from './shared/observability/log-destination.js'
import { failStart, stopOnSignals } from './shared/observability/process-lifecycle.js'
import { startWorkerProcess } from './worker/start-worker.js'

const log = processLogger(process.env.LOG_LEVEL ?? 'info')
async function main (): Promise<void> {
  const config = loadConfig()
  const worker = await startWorkerProcess(config, log)
  const api = await startApi(config, log)
  // npm start's embedded default: a receiver needs this secret to verify webhooks, so it is shown
  // once here, as start.mjs shows the API key (processes run on their own only log where it is kept)
  // (through a LogDestination too: a stderr nobody reads must not block the process either)
  if (api.webhookSecret.generated) new LogDestination({ out: process.stderr }).write(`\n  webhook secret (generated, kept in Redis at ${api.webhookSecret.redisKey}): ${api.webhookSecret.secret}\n\n`)
  stopOnSignals(log, config.stopTimeoutMs, async () => {
    // The API first: no new submissions while the worker finishes its runs.
    await api.close()
    await worker.close()
  })
}
main().catch(failStart(log, 'grader'))
