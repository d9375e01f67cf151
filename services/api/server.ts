/**
 * Process entry of the API alone (`tsx services/api/server.ts`), for running
 * API and workers as separate processes against a shared Redis.
 */
import { pino } from 'pino'
import { loadConfig } from '../shared/config/config.js'
import { failStart, stopOnSignals } from '../shared/observability/process-lifecycle.js'
import { processLoggerOptions } from '../shared/observability/logger-options.js'
import { startApi } from './start-api.js'

/** Longest a graceful shutdown may take, on top of the longest held request. */
const SHUTDOWN_GRACE_MS = 10_000

const log = pino(processLoggerOptions(process.env.LOG_LEVEL ?? 'info'))
async function main (): Promise<void> {
  const config = loadConfig()
  if (config.apiKeys.length === 0 && config.adminKeys.length === 0) log.warn('GRADER_API_KEYS is empty: every /v1 request will be refused with 401')
  const api = await startApi(config, log)
  stopOnSignals(log, config.waitMaxMs + SHUTDOWN_GRACE_MS, api.close)
}
main().catch(failStart(log, 'api'))
