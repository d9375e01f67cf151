/**
 * An answer of the grader that is not a success, or no answer at all.
 *
 * `code` is the API's stable error code (`not_found`, `feedback_budget`…,
 * every one listed in the grader's docs/errors.md), or one of the client's
 * own when no error body came: `unreachable` (no answer), `unexpected` (an
 * answer that is not the API's), `timeout` (`wait` gave up).
 * Branch on `code`, never on `message`.
 */
export class GraderApiError extends Error {
  /** HTTP status, or 0 when no HTTP answer stands behind the error. */
  readonly status: number
  readonly code: string
  /**
   * Seconds to wait before trying again, from the answer's `Retry-After`
   * (429 `rate_limited` and `feedback_budget`, some 503s); undefined when the
   * answer named none.
   */
  readonly retryAfterS: number | undefined

  constructor (init: { status: number, code: string, message: string, retryAfterS?: number | undefined, cause?: unknown }) {
    super(init.message, init.cause === undefined ? {} : { cause: init.cause })
    this.name = 'GraderApiError'
    this.status = init.status
    this.code = init.code
    this.retryAfterS = init.retryAfterS
  }
}

/**
 * Seconds a `Retry-After` header asks for: delta-seconds or an HTTP date
 * (RFC 9110 §10.2.3), rounded up, never negative; undefined when absent or
 * unreadable.
 */
export function parseRetryAfterS (header: string | null, now: Date = new Date()): number | undefined {
  if (header === null) return undefined
  const trimmed = header.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000))
}
