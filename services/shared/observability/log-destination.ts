import { createRequire } from 'node:module'
import type { Writable } from 'node:stream'
import { pino, type DestinationStream, type Logger } from 'pino'
import { processLoggerOptions } from './logger-options.js'

/**
 * Where a grader process writes its log lines: its stdout (or stderr), read by
 * whatever started it. That reader may stop reading (a full pipe) or go away
 * (a closed pipe, a hung-up terminal); neither may wedge the process.
 *
 * pino's default destination (sonic-boom) retries a write that would block
 * (`EAGAIN`) every 100 ms for as long as it takes, holds every unwritten line
 * in memory meanwhile, and flushes synchronously at `process.exit`: behind a
 * reader that stopped reading, the exit flush retries for ever, so the process
 * never exits, whatever signal it is sent (seen: `npm start`'s grader outliving
 * its parent for minutes). Here lines go through Node's own non-blocking
 * stream, at most {@link LogDestinationOptions.maxBufferBytes} wait unwritten
 * (past that a line is dropped and counted), a write error silences the
 * destination for good, and nothing is flushed at exit, so nothing can hold
 * the exit up.
 */
export interface LogDestinationOptions {
  /** The stream written to. @defaultValue `process.stdout` */
  out?: Writable
  /**
   * Most bytes that may wait unwritten behind a slow reader; a line that would
   * exceed it is dropped. @defaultValue 4 MiB
   */
  maxBufferBytes?: number
  /** Human-readable lines (pino-pretty, formatted in this thread) instead of JSON. @defaultValue false */
  pretty?: boolean
}

/** How a destination fared; for tests and the shutdown line. */
export interface LogDestinationState {
  /** Lines written or queued. */
  written: number
  /** Lines dropped because too much was waiting behind a slow reader. */
  dropped: number
  /** The write error that silenced the destination (`EPIPE`, `EIO`…), if any. */
  brokenBy?: string
}

const DEFAULT_MAX_BUFFER_BYTES = 4 * 1024 * 1024

/** A pino destination that never blocks, never throws and never grows without bound. */
export class LogDestination implements DestinationStream {
  readonly state: LogDestinationState = { written: 0, dropped: 0 }
  private readonly out: Writable
  private readonly maxBufferBytes: number
  private readonly format: ((line: string) => string) | undefined

  constructor (options: LogDestinationOptions = {}) {
    this.out = options.out ?? process.stdout
    this.maxBufferBytes = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES
    this.format = options.pretty === true ? prettyFormatter() : undefined
    // A Writable without an 'error' listener throws its error out of the event loop;
    // the reader going away is not a reason for a grader to crash.
    this.out.on('error', (err: NodeJS.ErrnoException) => { this.state.brokenBy ??= err.code ?? err.message })
    // Node makes a terminal's writes blocking (so nothing is lost at exit): a terminal that
    // stopped reading (scrolled back, Ctrl-S, a multiplexer detached) would then block the
    // event loop in write(2), signal handlers included. Non-blocking, it queues like a pipe.
    const handle = (this.out as { isTTY?: boolean, _handle?: { setBlocking?: (blocking: boolean) => number } })
    if (handle.isTTY === true) handle._handle?.setBlocking?.(false)
  }

  write (line: string): void {
    if (this.state.brokenBy !== undefined || this.out.destroyed || this.out.writableEnded) return
    // Behind a reader that stopped reading, Node's stream would queue without limit.
    if (this.out.writableLength + line.length > this.maxBufferBytes) {
      this.state.dropped++
      return
    }
    this.state.written++
    try {
      this.out.write(this.format === undefined ? line : this.format(line))
    } catch (err) {
      // A stream destroyed between the check and the write throws synchronously.
      this.state.brokenBy ??= (err as NodeJS.ErrnoException).code ?? (err as Error).message
    }
  }
}

/**
 * pino-pretty's formatter, loaded only when asked for: it is a development
 * dependency, and formatting in this thread (rather than pino's transport
 * worker, which flushes at exit and can wait there on a stalled terminal)
 * keeps the one destination above in charge. Absent: JSON lines.
 */
function prettyFormatter (): ((line: string) => string) | undefined {
  try {
    const require = createRequire(import.meta.url)
    const { prettyFactory } = require('pino-pretty') as typeof import('pino-pretty')
    return prettyFactory({ translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', colorize: true })
  } catch {
    return undefined
  }
}

/**
 * The logger of a grader process (API, worker or both): {@link processLoggerOptions}
 * (level, redaction) writing through a {@link LogDestination} on stdout,
 * human-readable only when a person is watching (stdout is a TTY).
 */
export function processLogger (level: string, options: LogDestinationOptions = {}): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY === true
  return pino(processLoggerOptions(level, false), new LogDestination({ ...options, pretty }))
}
