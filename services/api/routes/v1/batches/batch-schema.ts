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
  /**
   * Called once, with a signed `batch.done` webhook carrying the batch's
   * progress (as `GET /v1/batches/:id` answers it), when every member is
   * done. Checked as a submission's `callbackUrl` (400 `invalid_callback`).
   */
  callbackUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
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

export { BatchCountsSchema, BatchProgressSchema, type BatchProgress } from '../../../../shared/contracts/batch-schema.js'
