import { Type, type Static } from 'typebox'
import { LIMITS } from '../config/limits.js'
import { LANES, type Lane } from './vocabulary.js'

/**
 * Bounds on what a request may carry. Past the file bounds the API answers
 * 413 (`payload_too_large`), past a path's length 400 (`invalid_path`), past
 * the metadata bounds 400 (`invalid_metadata`).
 */
/** A priority lane (see `LANES`). */
export const LaneSchema = Type.Unsafe<Lane>(Type.Union(LANES.map(lane => Type.Literal(lane))))

export const SUBMISSION_BOUNDS = {
  /** Most files in `files` and `tests` together. */
  maxFiles: 64,
  /** Most bytes of file content in `files` and `tests` together. */
  maxTotalBytes: 1024 * 1024,
  /** Longest relative path, in characters. */
  maxPathLength: 200,
  /**
   * Deepest nesting of objects and arrays in `metadata`, `metadata` itself
   * counting as one level: `{"a":{"b":[1]}}` is 3 levels deep. Metadata is
   * stored and echoed back as JSON, and serialising a value thousands of
   * levels deep overflows the stack.
   * @defaultValue 16
   */
  maxMetadataDepth: 16,
  /**
   * Most bytes of `metadata` written as JSON (UTF-8, as stored and echoed
   * back with every read of the submission).
   * @defaultValue 16384 (16 KiB)
   */
  maxMetadataBytes: 16 * 1024,
} as const

const limit = (key: keyof typeof LIMITS) =>
  Type.Optional(Type.Number({ description: `${LIMITS[key].description} (${LIMITS[key].unit}); clamped to ${LIMITS[key].min}..${LIMITS[key].max}` }))

/** Every key of the one limits table (`LIMITS`), each optional: a unit test holds the two together. */
export const LimitsRequestSchema = Type.Object({
  timeoutMs: limit('timeoutMs'),
  testTimeoutMs: limit('testTimeoutMs'),
  memoryMb: limit('memoryMb'),
  cpus: limit('cpus'),
  pids: limit('pids'),
  outputKb: limit('outputKb'),
}, { additionalProperties: false })

// additionalProperties rather than Type.Record: a Record's key pattern `^.*$`
// does not match keys holding a newline, which would then escape the value check.
const FileMap = Type.Unsafe<Record<string, string>>({
  type: 'object',
  additionalProperties: { type: 'string' },
  description: 'Relative path → UTF-8 file content',
})

/** How the challenge wants its suite run. */
export const SubmissionOptionsSchema = Type.Object({
  /**
   * Strict comparison mode: in the suite's asserts, a value compared with `==`
   * or `!=` to a literal must have exactly the literal's builtin type (an `int`
   * subclass or an object whose `__eq__` always says yes fails). @defaultValue false
   */
  strictComparisons: Type.Optional(Type.Boolean()),
  /**
   * Where the student's code runs. `split` (the default): in a process of its
   * own, as another uid, reached by the tests through proxies, so nothing it
   * does can change what the tests saw. `in-process`: imported into the test
   * process itself, for suites that need to reach into the student's objects
   * directly; the student's code can then forge the verdict (README: Isolation).
   * The result says which was used. @defaultValue 'split'
   */
  isolation: Type.Optional(Type.Union([Type.Literal('split'), Type.Literal('in-process')])),
  /**
   * Runs the tests a Jest suite marks skipped for students working locally
   * (`xtest`, `xit`, `xdescribe`) as ordinary tests, as Exercism's runner
   * does when it grades; `test.skip` and the like stay skipped. A
   * challenge's `options.runSkipped` is the default. Suites of frameworks
   * without such marks (pytest) run as they are. @defaultValue false
   */
  runSkipped: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })

/** Body of `POST /v1/submissions`. */
export const SubmissionRequestSchema = Type.Object({
  /** Required with `tests`; with `challenge` it defaults to (and must equal) the challenge's. */
  language: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  files: FileMap,
  /** The suite to run. Exactly one of `tests` and `challenge` is given. */
  tests: Type.Optional(FileMap),
  /** A stored challenge, `"id"` (latest version) or `"id@version"`, whose suite and default limits are used. */
  challenge: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  /** Opaque student id; the challenge's feedback budget is counted per student. */
  student: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  limits: Type.Optional(LimitsRequestSchema),
  metadata: Type.Optional(Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, description: 'Opaque to the grader; echoed back' })),
  options: Type.Optional(SubmissionOptionsSchema),
  /**
   * When the submission is done, its result is POSTed here, signed per Standard Webhooks and
   * retried for at least 24 h. An `http(s)` URL without credentials whose host resolves to an
   * address `GRADER_CALLBACK_ALLOW` allows (by default: public addresses only).
   */
  callbackUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  /**
   * The priority lane: `exam`, `interactive`, `practice` (the default) or `regrade`.
   * A key may be limited to some lanes (403 `forbidden` for another).
   */
  priority: Type.Optional(LaneSchema),
}, { additionalProperties: false })
export type SubmissionRequest = Static<typeof SubmissionRequestSchema>

export const TestResultSchema = Type.Object({
  name: Type.String(),
  status: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('error'), Type.Literal('skip')]),
  message: Type.Optional(Type.String()),
  /** What the student's code printed during this test, at most 500 characters. */
  output: Type.Optional(Type.String()),
  test_code: Type.Optional(Type.String()),
  /** Challenge submissions only: the policy's points for this test if it passed, else 0. Computed when read. */
  points: Type.Optional(Type.Number()),
  /** The task the test belongs to, where the suite declares one (`@pytest.mark.task(taskno=N)`, Exercism's convention). */
  taskId: Type.Optional(Type.Integer({ minimum: 0 })),
})
export type TestResult = Static<typeof TestResultSchema>

/** Milliseconds spent in each stage of one grading. */
export const TimingsSchema = Type.Object({
  queueMs: Type.Number(),
  createMs: Type.Number(),
  startMs: Type.Number(),
  uploadMs: Type.Number(),
  runMs: Type.Number(),
  collectMs: Type.Number(),
})
export type Timings = Static<typeof TimingsSchema>

export const ResultSchema = Type.Object({
  status: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('error')]),
  reason: Type.Optional(Type.Union([
    Type.Literal('timeout'), Type.Literal('memory'), Type.Literal('output'), Type.Literal('syntax'),
    Type.Literal('runtime'), Type.Literal('no_tests'), Type.Literal('internal'),
  ])),
  message: Type.Optional(Type.String()),
  tests: Type.Array(TestResultSchema),
  durationMs: Type.Number(),
  timings: Type.Optional(TimingsSchema),
  /** Docker host that ran the grading (for ops; not a student concern). */
  host: Type.Optional(Type.String()),
  /**
   * Whether the run got a warm container (created and started before the
   * submission came, so `createMs` and `startMs` are 0) or a cold one (for ops;
   * the student view leaves it out with `host`).
   */
  container: Type.Optional(Type.Union([Type.Literal('warm'), Type.Literal('cold')])),
  attempts: Type.Optional(Type.Number()),
  /** How the student's code was run: `split` (its own process) or `in-process` (opt-in, see options.isolation). */
  isolation: Type.Optional(Type.Union([Type.Literal('split'), Type.Literal('in-process')])),
  /** Challenge submissions only: points of the tests passed. Computed when read. */
  score: Type.Optional(Type.Number()),
  /** Challenge submissions only: points of every test run (skipped tests excluded). Computed when read. */
  maxScore: Type.Optional(Type.Number()),
})
export type Result = Static<typeof ResultSchema>

/** A submission as stored and as answered by `GET /v1/submissions/:id`. */
export const SubmissionSchema = Type.Object({
  id: Type.String(),
  state: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done')]),
  language: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  metadata: Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true }),
  /** Challenge submissions only: the challenge id and the version graded. */
  challenge: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  student: Type.Optional(Type.String()),
  /** Where the result is POSTed when done (see the request's `callbackUrl`). */
  callbackUrl: Type.Optional(Type.String()),
  /** Batch submissions only: the id of the batch (`GET /v1/batches/:id`). */
  batch: Type.Optional(Type.String()),
  /** Regrades only: the submission this one grades again. */
  regradeOf: Type.Optional(Type.String()),
  /** The tenant whose key posted it; never shown to another tenant. */
  tenant: Type.Optional(Type.String()),
  /** The id of the key that posted it (`GET /v1/tenants/:id/keys`); left out of the student view. */
  submittedBy: Type.Optional(Type.String()),
  /** The priority lane it was queued in. */
  priority: Type.Optional(LaneSchema),
  /** Ids of the submissions that graded this one again (regrades), oldest first; absent when none. */
  regrades: Type.Optional(Type.Array(Type.String())),
  result: Type.Optional(ResultSchema),
})
export type Submission = Static<typeof SubmissionSchema>

/**
 * What is kept of a submission's request beside its record, with the same
 * expiry, so it can be graded again (regrade): its files, the tests of a
 * submission that sent its own, and its own limits and options.
 */
export interface KeptFiles {
  files: Record<string, string>
  tests?: Record<string, string>
  limits?: SubmissionRequest['limits']
  options?: SubmissionRequest['options']
}
