/**
 * The closed vocabularies of API contract v1. Platform clients and outside
 * checks branch on these exact words: extend them, never rename them.
 */

/** Lifecycle of a submission: queued → running → done. */
export const SubmissionState = { queued: 'queued', running: 'running', done: 'done' } as const
export type SubmissionState = (typeof SubmissionState)[keyof typeof SubmissionState]

/**
 * Overall verdict, with Exercism's results.json v2 meaning:
 * `pass` = every test passed; `fail` = at least one test failed or errored;
 * `error` = no test could run (or the run was stopped: see {@link Reason}).
 */
export const ResultStatus = { pass: 'pass', fail: 'fail', error: 'error' } as const
export type ResultStatus = (typeof ResultStatus)[keyof typeof ResultStatus]

/** Outcome of one test. `skip` only for tests the suite's author skipped in the test file itself. */
export const TestStatus = { pass: 'pass', fail: 'fail', error: 'error', skip: 'skip' } as const
export type TestStatus = (typeof TestStatus)[keyof typeof TestStatus]

/** Why a result is `error` (or why a `fail` run was cut short). */
export const Reason = {
  /** The wall-clock limit was reached and the run was killed. */
  timeout: 'timeout',
  /** The memory limit was reached and the kernel killed the student's process. */
  memory: 'memory',
  /** The student's code printed more than the output limit. */
  output: 'output',
  /** A file of the student's does not parse. */
  syntax: 'syntax',
  /** The student's code crashed before the tests could run (import error, exit at import…). */
  runtime: 'runtime',
  /** The assertion suite defines no test. */
  no_tests: 'no_tests',
  /** Something broke on our side; never the student's fault. */
  internal: 'internal',
} as const
export type Reason = (typeof Reason)[keyof typeof Reason]

/** Languages a grader can know about; which ones a host can grade is discovered from image labels. */
export const Language = { python: 'python', javascript: 'javascript' } as const
export type Language = (typeof Language)[keyof typeof Language]

/**
 * Priority lanes of a submission, highest first. Within a tenant's fair
 * share a higher lane always goes first; `regrade` only takes capacity no
 * other lane of any tenant wants.
 */
export const LANES = ['exam', 'interactive', 'practice', 'regrade'] as const
export type Lane = (typeof LANES)[number]
/** The lane of a submission that names none. */
export const DEFAULT_LANE: Lane = 'practice'

/** What a key may do: `submit` (post, read its own submissions), `read` (read the tenant's), `admin` (challenges, tenants, keys), `metrics` (`/metrics`). */
export const ROLES = ['submit', 'read', 'admin', 'metrics'] as const
export type Role = (typeof ROLES)[number]

/** The tenant the keys of `GRADER_API_KEYS` and `GRADER_ADMIN_KEYS` belong to. */
export const BOOTSTRAP_TENANT = 'default'
