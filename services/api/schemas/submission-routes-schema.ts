import { Type, type Static } from 'typebox'
import { SubmissionSchema } from '../../shared/contracts/submission-schema.js'

/**
 * Route-level schemas of `/v1/submissions`. The request body and the
 * submission itself come from the shared contracts; only what is particular
 * to HTTP lives here.
 */

/** `:id` of a submission. Any string: an id that is not a UUID is answered 404, not 400. */
export const SubmissionParamsSchema = Type.Object({
  id: Type.String(),
})

/** Query of `POST /v1/submissions`. */
export const SubmitQuerySchema = Type.Object({
  /** Hold the request until the submission is done, at most the server's `waitMaxMs`. @defaultValue false */
  wait: Type.Optional(Type.Boolean()),
})

/** Query of `GET /v1/submissions/:id`. */
export const SubmissionViewQuerySchema = Type.Object({
  /**
   * `student`: a challenge submission's hidden tests keep only name, status
   * and points, and the run-level message is dropped when it could quote one.
   * @defaultValue 'full'
   */
  view: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('student')])),
})

/** `202` answer: accepted, not yet done. */
export const AcceptedSchema = Type.Object({
  id: Type.String(),
  state: SubmissionSchema.properties.state,
})
export type Accepted = Static<typeof AcceptedSchema>

/**
 * Headers of `POST /v1/submissions` and `POST /v1/submissions/batch`
 * (listed for the OpenAPI document; the key itself is checked by
 * `readIdempotencyKey`, so a bad one gets a precise message).
 */
export const IdempotencyHeadersSchema = Type.Object({
  /**
   * Makes the POST safe to retry: the same key (per API key) with the same
   * body answers the submission (or batch) the first request made, graded
   * once; with another body, 409 `idempotency_conflict`. 1 to 255 visible
   * ASCII characters (a UUID is a good key); remembered as long as what it
   * made is kept (`GRADER_RESULT_TTL_S`).
   */
  'idempotency-key': Type.Optional(Type.String()),
})
