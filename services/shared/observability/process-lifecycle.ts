import type { Logger } from 'pino'

/**
 * Runs `stop` once on SIGINT/SIGTERM, then exits. A second signal, or a stop
 * that takes longer than `graceMs`, exits at once: a stuck close must not keep
 * the process alive forever.
 */
export function stopOnSignals (log: Logger, graceMs: number, stop: () => Promise<void>): void {
  let stopping = false
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting')
      process.exit(1)
    }
    stopping = true
    log.info({ signal }, 'shutting down')
    setTimeout(() => {
      log.error('shutdown took too long: exiting')
      process.exit(1)
    }, graceMs).unref()
    stop().then(
      () => { log.info('stopped'); process.exit(0) },
      (err: unknown) => { log.error({ err }, 'shutdown failed'); process.exit(1) },
    )
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
}

/** Logs a start-up failure (config errors list every problem) and exits. */
export function failStart (log: Logger, what: string) {
  return (err: unknown): void => {
    log.fatal({ err }, `${what} failed to start`)
    process.exitCode = 1
    // open connections would keep the process alive
    setTimeout(() => process.exit(1), 100).unref()
  }
}
