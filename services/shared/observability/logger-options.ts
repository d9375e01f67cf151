import type { FastifyLoggerOptions } from 'fastify'
import type { LoggerOptions } from 'pino'

/** pino options as fastify takes them in its `logger` option. */
export type ApiLoggerOptions = FastifyLoggerOptions & LoggerOptions

/**
 * Log paths that may hold a secret. Fastify's request serializer leaves
 * headers out today; the redaction keeps keys out of the log even if a
 * serializer or a careless `log.info({ req })` puts them back.
 */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'request.headers.authorization',
  'headers.authorization',
]

/** Adds {@link REDACTED_PATHS} to whatever redaction the options already ask for. */
export function withRedaction (options: ApiLoggerOptions): ApiLoggerOptions {
  const redact = options.redact
  if (redact === undefined) return { ...options, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } }
  if (Array.isArray(redact)) return { ...options, redact: [...new Set([...redact, ...REDACTED_PATHS])] }
  return { ...options, redact: { ...redact, paths: [...new Set([...redact.paths, ...REDACTED_PATHS])] } }
}

/**
 * Logger options of a grader process (API, worker or both): level from config, keys redacted, and
 * human-readable lines only when a person is watching (stdout is a TTY),
 * never keyed on NODE_ENV. Pretty here means pino's transport (a worker
 * thread flushed at exit), as an app built without a logger uses it; the
 * process entries use `processLogger` (log-destination.ts) instead, whose
 * destination can never hold the process up.
 */
export function processLoggerOptions (level: string, pretty: boolean = process.stdout.isTTY === true): ApiLoggerOptions {
  return withRedaction({
    level,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  })
}
