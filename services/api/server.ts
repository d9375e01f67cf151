/**
 * Process entry of the API alone (`tsx services/api/server.ts`), for running
 * API and workers as separate processes against a shared Redis.
 */
import { loadConfig } from '../shared/config/config.js'
import { processLogger } from '../shared/observability/log-destination.js'
import { failStart, stopOnSignals } from '../shared/observability/process-lifecycle.js'
import { startApi } from './start-api.js'

const log = processLogger(process.env.LOG_LEVEL ?? 'info')
async function main (): Promise<void> {
  const config = loadConfig()
  if (config.apiKeys.length === 0 && config.adminKeys.length === 0) log.warn('GRADER_API_KEYS is empty: every /v1 request will be refused with 401')
  const api = await startApi(config, log)
  // Held `?wait=true` requests get what is left of the stop budget, then are cut.
  stopOnSignals(log, config.stopTimeoutMs, api.close)
}
main().catch(failStart(log, 'api'))
