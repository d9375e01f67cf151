/**
 * Tells a Redis outage apart from a bug, so the client gets a retryable 503
 * instead of a 500. ioredis reports connection trouble with plain `Error`s,
 * so the test uses the few shapes it is known to produce.
 */

/** Socket errors that mean "Redis is not reachable from here". */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

const OUTAGE_MESSAGES = [
  /^Connection is closed\.?$/, // the client gave up or was quit
  /Stream isn't writeable/, // disconnected with enableOfflineQueue: false
  /max retries per request/i, // MaxRetriesPerRequestError
  /^Command timed out/, // commandTimeout elapsed
  // replies from a Redis that is up but cannot serve yet
  /^(LOADING|MASTERDOWN|READONLY|BUSY|TRYAGAIN|CLUSTERDOWN)\b/,
]

/** True when `err` (or an error in its `cause` chain) says Redis cannot be reached or cannot serve. */
export function isRedisUnavailable (err: unknown): boolean {
  // bounded walk: a cause chain may be cyclic
  for (let next: unknown = err, depth = 0; next instanceof Error && depth < 5; next = next.cause, depth++) {
    const e = next
    if (e.name === 'MaxRetriesPerRequestError') return true
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true
    if (OUTAGE_MESSAGES.some(re => re.test(e.message))) return true
  }
  return false
}
