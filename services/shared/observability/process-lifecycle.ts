import type { Logger } from 'pino'

/**
 * Runs `stop` once on SIGINT/SIGTERM, then exits: 0 when it finished, 1 when
 * it failed. Whatever hangs, the process is gone `stopTimeoutMs` after the
 * first signal (`GRADER_STOP_TIMEOUT_MS`): a hard exit timer, unref'd so it
 * never keeps a finished process alive, exits with 1. A second signal exits
 * at once. Nothing that runs at exit can hold the exit up: logs go through a
 * LogDestination (log-destination.ts) that keeps no exit-time flush.
 *
 * When the process was spawned with an IPC channel (`npm start` does so) and
 * that channel closes, its parent is gone, and so is whoever would have sent
 * the signal: it stops the same way rather than running on, orphaned.
 */
export function stopOnSignals (log: Logger, stopTimeoutMs: number, stop: () => Promise<void>): void {
  let stopping = false
  const shutDown = (why: { signal?: NodeJS.Signals, parent?: 'gone' }): void => {
    if (stopping) {
      log.warn(why, 'second signal: exiting without waiting')
      process.exit(1)
    }
    stopping = true
    log.info({ ...why, stopTimeoutMs }, 'shutting down')
    setTimeout(() => {
      log.error({ stopTimeoutMs }, 'shutdown took too long: exiting')
      process.exit(1)
    }, stopTimeoutMs).unref()
    stop().then(
      () => { log.info('stopped'); process.exit(0) },
      (err: unknown) => { log.error({ err }, 'shutdown failed'); process.exit(1) },
    )
  }
  process.on('SIGINT', signal => shutDown({ signal }))
  process.on('SIGTERM', signal => shutDown({ signal }))
  if (process.channel !== undefined) {
    process.on('disconnect', () => { if (!stopping) shutDown({ parent: 'gone' }) })
    // The channel is only a tripwire: it must not keep the process alive on its own.
    process.channel.unref()
  }
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
