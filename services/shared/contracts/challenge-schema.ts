import { Type, type Static } from 'typebox'
import { LimitsRequestSchema } from './submission-schema.js'

/** Id of a challenge: lowercase, digits, `.`, `_`, `-`; at most 64 characters. */
export const CHALLENGE_ID_PATTERN = '^[a-z0-9][a-z0-9._-]{0,63}$'

/**
 * Who sees a test's details in the student view:
 * `visible` always, `hidden` never, `after_due` once `policy.dueAt` has passed.
 */
export const VISIBILITY = { visible: 'visible', hidden: 'hidden', after_due: 'after_due' } as const
export type Visibility = typeof VISIBILITY[keyof typeof VISIBILITY]

/** How one test (or every test a glob matches) counts. */
export const TestPolicySchema = Type.Object({
  /** Points for passing it. @defaultValue 1 */
  points: Type.Optional(Type.Number({ minimum: 0 })),
  /** @defaultValue 'visible' */
  visibility: Type.Optional(Type.Union([Type.Literal('visible'), Type.Literal('hidden'), Type.Literal('after_due')])),
}, { additionalProperties: false })
export type TestPolicy = Static<typeof TestPolicySchema>

/** Submissions one student may make per challenge in a sliding window. */
export const FeedbackBudgetSchema = Type.Object({
  max: Type.Integer({ minimum: 1 }),
  windowS: Type.Integer({ minimum: 1 }),
}, { additionalProperties: false })
export type FeedbackBudget = Static<typeof FeedbackBudgetSchema>

/**
 * How a challenge is graded. Keys of `tests` are test ids as results name
 * them (`test_solution.py::test_add`) or globs where `*` matches any run of
 * characters; an exact id wins over globs, then the first matching glob in
 * key order. Names are not checked against the suite yet.
 */
export const GradingPolicySchema = Type.Object({
  tests: Type.Optional(Type.Unsafe<Record<string, TestPolicy>>({
    type: 'object',
    additionalProperties: TestPolicySchema,
    description: 'Test id or glob → points and visibility',
  })),
  /** When `after_due` tests become visible (ISO 8601). */
  dueAt: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  feedback: Type.Optional(FeedbackBudgetSchema),
}, { additionalProperties: false })
export type GradingPolicy = Static<typeof GradingPolicySchema>

const FileMap = Type.Unsafe<Record<string, string>>({
  type: 'object',
  additionalProperties: { type: 'string' },
  description: 'Relative path → UTF-8 file content',
})

/** Body of `PUT /v1/challenges/:id`: what a version is made of (and hashed from). */
/** How a challenge's submissions run by default; a submission's own `options` win. */
export const ChallengeOptionsSchema = Type.Object({
  /** See the submission's `options.runSkipped`. @defaultValue false */
  runSkipped: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })

export const ChallengeRequestSchema = Type.Object({
  language: Type.String({ minLength: 1, maxLength: 32 }),
  tests: FileMap,
  /** Files handed to students to start from; stored, not used in grading. */
  starter: Type.Optional(FileMap),
  /** Default limits of its submissions; a submission's own limits win. */
  limits: Type.Optional(LimitsRequestSchema),
  policy: Type.Optional(GradingPolicySchema),
  options: Type.Optional(ChallengeOptionsSchema),
}, { additionalProperties: false })
export type ChallengeRequest = Static<typeof ChallengeRequestSchema>

/** One stored version of a challenge, as `GET /v1/challenges/:id` answers it. */
export const ChallengeSchema = Type.Object({
  id: Type.String(),
  version: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  language: Type.String(),
  tests: FileMap,
  starter: Type.Optional(FileMap),
  limits: Type.Optional(LimitsRequestSchema),
  policy: Type.Optional(GradingPolicySchema),
  options: Type.Optional(ChallengeOptionsSchema),
})
export type Challenge = Static<typeof ChallengeSchema>
