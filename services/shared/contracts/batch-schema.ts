import { Type, type Static } from 'typebox'
import { SubmissionSchema } from './submission-schema.js'

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
