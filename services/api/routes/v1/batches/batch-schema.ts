import { Type, type Static } from 'typebox'
import { SubmissionSchema } from '../../../../shared/contracts/submission-schema.js'

/**
 * Largest body of `POST /v1/submissions/batch`, in bytes (16 MiB). Each
 * entry keeps the single submission's own bounds (64 files, 1 MiB of
 * content); this bounds what one request may make the API parse.
 */
export const BATCH_BODY_LIMIT_BYTES = 16 * 1024 * 1024

/** Body of `POST /v1/submissions/batch`. Entries are checked one by one, so a bad entry spoils only itself. */
export const BatchRequestSchema = Type.Object({
  /**
   * Submissions as `POST /v1/submissions` takes them, at most `GRADER_BATCH_MAX`
   * (413 `batch_too_large` beyond).
   */
  submissions: Type.Array(Type.Unknown({ description: 'A body of POST /v1/submissions' })),
}, { additionalProperties: false })
export type BatchRequest = Static<typeof BatchRequestSchema>

/** The one error shape, per refused entry. */
export const EntryErrorSchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
})

/** One answer per entry, in the request's order: its submission, or its own error. */
export const BatchEntryAnswerSchema = Type.Union([
  Type.Object({ id: Type.String(), state: SubmissionSchema.properties.state }),
  EntryErrorSchema,
])
export type BatchEntryAnswer = Static<typeof BatchEntryAnswerSchema>

/** `202` answer of `POST /v1/submissions/batch`. */
export const BatchAcceptedSchema = Type.Object({
  /** The batch, for `GET /v1/batches/:id`. */
  id: Type.String(),
  /** Entries accepted (those with an id). */
  accepted: Type.Integer({ minimum: 0 }),
  submissions: Type.Array(BatchEntryAnswerSchema),
})
export type BatchAccepted = Static<typeof BatchAcceptedSchema>

/** `:id` of a batch. Any string: one that is not a UUID is answered 404. */
export const BatchParamsSchema = Type.Object({ id: Type.String() })

/** Member counts of a batch, by state and, for those done, by result status. */
export const BatchCountsSchema = Type.Object({
  queued: Type.Integer({ minimum: 0 }),
  running: Type.Integer({ minimum: 0 }),
  done: Type.Integer({ minimum: 0 }),
  pass: Type.Integer({ minimum: 0 }),
  fail: Type.Integer({ minimum: 0 }),
  error: Type.Integer({ minimum: 0 }),
})

/** `GET /v1/batches/:id`: progress of a batch (or of a regrade). */
export const BatchProgressSchema = Type.Object({
  id: Type.String(),
  /** `submissions` (a `POST /v1/submissions/batch`) or `regrade` (a `POST /v1/challenges/:id/regrade`). */
  kind: Type.Union([Type.Literal('submissions'), Type.Literal('regrade')]),
  /** `done` once every member is. */
  state: Type.Union([Type.Literal('running'), Type.Literal('done')]),
  createdAt: Type.String({ format: 'date-time' }),
  completedAt: Type.Optional(Type.String({ format: 'date-time' })),
  /** Members (submissions accepted). */
  total: Type.Integer({ minimum: 0 }),
  /** Members done. */
  done: Type.Integer({ minimum: 0 }),
  counts: BatchCountsSchema,
  /** Regrades only: the challenge and the version graded against. */
  challenge: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  /** Every member, in the request's order (a regrade: in the order of the originals). */
  submissions: Type.Array(Type.Object({
    id: Type.String(),
    state: SubmissionSchema.properties.state,
    /** The result's status, once done. */
    status: Type.Optional(Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('error')])),
    /** Regrades only: the submission graded again. */
    regradeOf: Type.Optional(Type.String()),
  })),
})
export type BatchProgress = Static<typeof BatchProgressSchema>
