/**
 * Every error code the grader can raise, with its HTTP status (for request
 * errors) and whether a fault is worth retrying on another host.
 *
 * Verdicts (wrong answer, timeout, OOM…) are never errors: they are data in a
 * `Result`. This catalog covers the two other kinds: request errors, shown to
 * the API client, and faults, which are ours and retried where it helps.
 */
export const ERROR_CATALOG = {
  // ── request errors ─────────────────────────────────────────────────────────
  /** The body is not JSON, or not an object. */
  invalid_json: { status: 400, retryable: false },
  /** The body does not match the request schema. */
  invalid_request: { status: 400, retryable: false },
  /** No image for this language is installed on any Docker host. */
  unknown_language: { status: 400, retryable: false },
  /** A file name is absolute, climbs out with `..`, or holds a forbidden character (a control character, a lone UTF-16 surrogate). */
  invalid_path: { status: 400, retryable: false },
  /** A file's content is not well-formed Unicode text: it holds a lone UTF-16 surrogate. */
  invalid_content: { status: 400, retryable: false },
  /** `metadata` is nested too deep, too large as JSON, or holds a key or string with a lone UTF-16 surrogate. */
  invalid_metadata: { status: 400, retryable: false },
  /** Missing or wrong `Authorization: Bearer` key. */
  unauthorized: { status: 401, retryable: false },
  /** A valid key that may not do this: it lacks the route's role or the lane, or the route is a global admin's. */
  forbidden: { status: 403, retryable: false },
  /**
   * `callbackUrl` is not an http(s) URL, carries credentials, names a host that does not
   * resolve, or resolves to an address `GRADER_CALLBACK_ALLOW` does not allow.
   */
  invalid_callback: { status: 400, retryable: false },
  /** A challenge's `policy.tests` names test ids (or globs) that match no test pytest collects from its suite. */
  unknown_tests: { status: 400, retryable: false },
  /** A challenge's suite does not collect (a test file that does not import or parse, no test at all), so its policy cannot be checked. */
  invalid_suite: { status: 400, retryable: false },
  /** No such submission, challenge (or version), host or route. */
  not_found: { status: 404, retryable: false },
  /** Too many files, too many bytes, or a body larger than the server accepts. */
  payload_too_large: { status: 413, retryable: false },
  /** An `Idempotency-Key` already used with another body, or whose first request is still being accepted. */
  idempotency_conflict: { status: 409, retryable: false },
  /** A batch with more submissions than `GRADER_BATCH_MAX`. */
  batch_too_large: { status: 413, retryable: false },
  /** The queue is full, or a key or its tenant is over its requests per minute (`Retry-After`): try again later. */
  rate_limited: { status: 429, retryable: true },
  /** A student used up a challenge's feedback budget (`policy.feedback`); `Retry-After` says when the next one is allowed. */
  feedback_budget: { status: 429, retryable: true },
  /** Redis or every Docker host is unreachable. */
  unavailable: { status: 503, retryable: true },
  /**
   * The pool cannot grade one more submission of this lane within its SLA (`GRADER_SLA_MS`):
   * refused at once rather than accepted and answered late; `Retry-After` is the estimated time until there is room.
   */
  over_capacity: { status: 503, retryable: true },
  /** A bug of ours; details are in the server log, never in the answer. */
  internal: { status: 500, retryable: false },

  // ── faults (infrastructure, retried on another host when retryable) ────────
  /** The Docker daemon did not answer or refused a call. */
  host_unreachable: { status: 503, retryable: true },
  /** No healthy host has the image this submission needs. */
  no_host_available: { status: 503, retryable: true },
  /** Creating or starting the grading container failed. */
  container_failed: { status: 503, retryable: true },
  /** The in-container harness spoke out of protocol or never answered. */
  harness_protocol: { status: 500, retryable: true },
} as const satisfies Record<string, { status: number, retryable: boolean }>

export type ErrorCode = keyof typeof ERROR_CATALOG

export class GraderError extends Error {
  readonly status: number
  readonly retryable: boolean
  constructor (readonly code: ErrorCode, message: string, meta: { status?: number, retryable?: boolean, cause?: unknown } = {}) {
    super(message, { cause: meta.cause })
    this.name = 'GraderError'
    this.status = meta.status ?? ERROR_CATALOG[code].status
    this.retryable = meta.retryable ?? ERROR_CATALOG[code].retryable
  }
}

/** Branch on `code`, not `instanceof`: errors cross queues and processes. */
export function isGraderError (err: unknown): err is GraderError {
  return err instanceof Error && err.name === 'GraderError' && typeof (err as GraderError).code === 'string'
}
