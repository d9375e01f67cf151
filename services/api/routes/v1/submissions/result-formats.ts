import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { GradingPolicy } from '../../../../shared/contracts/challenge-schema.js'
import type { Result } from '../../../../shared/contracts/submission-schema.js'
import { GraderError } from '../../../../shared/errors/grader-error.js'
import type { ChallengeStore } from '../../../../shared/store/challenge-store.js'
import type { SubmissionStore } from '../../../../shared/store/submission-store.js'
import { ExercismResultsSchema, ExercismV3ResultsSchema, toExercismResults, toExercismV3Results } from '../../../exercism-results.js'
import { GradescopeResultsSchema, toGradescopeResults } from '../../../gradescope-results.js'
import { SubmissionParamsSchema } from '../../../schemas/submission-routes-schema.js'
import { readSubmission } from '../../../submission-id.js'
import { principalOf } from '../../../plugins/auth.js'
import type { Principal } from '../../../plugins/principal.js'

/** What the result-format routes need. */
export interface ResultFormatRoutesOptions {
  store: Pick<SubmissionStore, 'get'>
  challenges: Pick<ChallengeStore, 'inTenant'>
}

/**
 * `view` is taken only to be refused: these formats carry every test's
 * message and output (Gradescope's own visibility field does the hiding on
 * Gradescope's side), so they are for the platform's backend, like the full
 * view. A client asking for a student view gets a 400 rather than, silently,
 * the full one.
 */
const ViewQuery = {
  /** Only `full` is served; `student` is refused (400): use `GET /v1/submissions/:id?view=student`. */
  view: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('student')])),
}

/** Query of `GET /v1/submissions/:id/results.json`. */
export const ExercismQuerySchema = Type.Object({
  /** Exercism results.json version: 2, or 3 (tests linked to tasks with `task_id`). @defaultValue 2 */
  version: Type.Optional(Type.Union([Type.Literal(2), Type.Literal(3)])),
  ...ViewQuery,
})

/** Query of `GET /v1/submissions/:id/gradescope.json`. */
export const GradescopeQuerySchema = Type.Object({ ...ViewQuery })

function refuseStudentView (view: 'full' | 'student' | undefined): void {
  if (view === 'student') {
    throw new GraderError('invalid_request', 'results.json and gradescope.json hold every test\'s details and are for the platform\'s backend only; a student-facing page reads GET /v1/submissions/:id?view=student')
  }
}

/**
 * Routes of `/v1/submissions/:id/<format>`: a finished result in the formats
 * other tooling reads. Authentication is applied by the enclosing scope.
 */
export const resultFormatRoutes: FastifyPluginAsyncTypebox<ResultFormatRoutesOptions> = async (app, opts) => {
  const { store, challenges } = opts

  /** The finished result of a submission, with its challenge version's policy; 404 while not done. */
  async function finished (id: string, principal: Principal): Promise<{ result: Result, challenge?: { policy?: GradingPolicy } | null }> {
    const submission = await readSubmission(store, id, principal)
    if (submission.state !== 'done' || submission.result === undefined) {
      // 409 would fit, but is not in the catalog clients know: 404 with a clear message
      throw new GraderError('not_found', `results are not ready yet: the submission is ${submission.state}`)
    }
    if (submission.challenge === undefined) return { result: submission.result }
    return { result: submission.result, challenge: await challenges.inTenant(submission.tenant).get(submission.challenge, submission.version) }
  }

  app.get('/:id/results.json', {
    schema: {
      params: SubmissionParamsSchema,
      querystring: ExercismQuerySchema,
      response: { 200: Type.Union([ExercismResultsSchema, ExercismV3ResultsSchema]) },
    },
  }, async request => {
    refuseStudentView(request.query.view)
    const { result } = await finished(request.params.id, principalOf(request))
    return request.query.version === 3 ? toExercismV3Results(result) : toExercismResults(result)
  })

  app.get('/:id/gradescope.json', {
    schema: { params: SubmissionParamsSchema, querystring: GradescopeQuerySchema, response: { 200: GradescopeResultsSchema } },
  }, async request => {
    refuseStudentView(request.query.view)
    const { result, challenge } = await finished(request.params.id, principalOf(request))
    if (challenge === null) {
      // its points and visibility are gone with it: showing every test visible could reveal hidden ones
      throw new GraderError('not_found', 'the challenge version this submission was graded against was deleted, so its points and visibility are unknown')
    }
    return toGradescopeResults(result, challenge?.policy)
  })
}
