import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Queue } from 'bullmq'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../../../../shared/config/config.js'
import type { GradingJob } from '../../../../shared/contracts/job-schema.js'
import { SubmissionRequestSchema, SubmissionSchema, type Submission } from '../../../../shared/contracts/submission-schema.js'
import { GraderError } from '../../../../shared/errors/grader-error.js'
import { acceptSubmission, FeedbackBudgetSpent, type AcceptDeps } from '../../../accept-submission.js'
import type { ChallengeStore } from '../../../../shared/store/challenge-store.js'
import type { SubmissionStore } from '../../../../shared/store/submission-store.js'
import type { WorkerRegistry } from '../../../../shared/store/worker-registry.js'
import { ExercismResultsSchema, toExercismResults } from '../../../exercism-results.js'
import { scoreResult, studentView } from '../../../grading-policy.js'
import type { ResultWaiter } from '../../../plugins/result-waiter.js'
import { AcceptedSchema, SubmissionParamsSchema, SubmissionViewQuerySchema, SubmitQuerySchema } from '../../../schemas/submission-routes-schema.js'
import { untilClientGone } from './client-gone.js'

/** What the submission routes need; passed in, never imported as singletons. */
export interface SubmissionRoutesOptions {
  config: Config
  store: SubmissionStore
  queue: Queue<GradingJob>
  registry: WorkerRegistry
  waiter: ResultWaiter
  challenges: ChallengeStore
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const notFound = (id: string): GraderError =>
  new GraderError('not_found', `no submission with id ${JSON.stringify(id.slice(0, 60))} (finished submissions expire)`)

/**
 * The submission as a client reads it: for a challenge submission, scored
 * with the policy of the version graded (and, for `view=student`, with
 * hidden tests' details removed). A challenge deleted since is answered
 * unscored (or, in the student view, with no test details at all).
 */
async function viewOf (submission: Submission, challenges: ChallengeStore, view: 'full' | 'student'): Promise<Submission> {
  if (submission.challenge === undefined || submission.result === undefined) return submission
  const challenge = await challenges.get(submission.challenge, submission.version)
  if (challenge === null) {
    if (view === 'full') return submission
    const { message: _message, ...rest } = submission.result
    return { ...submission, result: { ...rest, tests: rest.tests.map(t => ({ name: t.name, status: t.status })) } }
  }
  const scored = scoreResult(submission.result, challenge.policy)
  return { ...submission, result: view === 'student' ? studentView(scored, challenge.policy, new Date()) : scored }
}

/**
 * Routes of `/v1/submissions`: accept a submission, read it, read its
 * results as Exercism's results.json. Authentication is applied by the
 * enclosing scope.
 */
export const submissionRoutes: FastifyPluginAsyncTypebox<SubmissionRoutesOptions> = async (app, opts) => {
  const { config, store, registry, waiter, challenges } = opts
  const acceptDeps = (log: FastifyBaseLogger): AcceptDeps => ({ config, store, queue: opts.queue, registry, challenges, log })

  app.post('/', {
    schema: {
      body: SubmissionRequestSchema,
      querystring: SubmitQuerySchema,
      response: { 200: SubmissionSchema, 202: AcceptedSchema },
    },
  }, async (request, reply) => {
    const id = randomUUID()
    // registered before enqueueing, so even an instant completion is caught
    const watch = request.query.wait === true ? waiter.watch(id) : undefined
    try {
      await acceptSubmission(acceptDeps(request.log), request.body, { id })
    } catch (err) {
      watch?.cancel()
      if (err instanceof FeedbackBudgetSpent) void reply.header('retry-after', String(err.retryAfterS))
      throw err
    }
    void reply.header('location', `/v1/submissions/${id}`)
    if (watch === undefined) return reply.code(202).send({ id, state: 'queued' })

    const gone = untilClientGone(request, reply)
    try {
      // re-read after registering: a completion announced while the
      // subscription was reconnecting would otherwise only be seen at timeout
      const now = await store.get(id)
      if (now?.state !== 'done') {
        const outcome = await watch.wait({ timeoutMs: config.waitMaxMs, signal: gone.signal })
        request.log.debug({ submissionId: id, outcome }, 'wait ended')
      }
    } finally {
      watch.cancel()
      gone.dispose()
    }
    const current = await store.get(id)
    if (current?.state === 'done') return reply.code(200).send(await viewOf(current, challenges, 'full'))
    return reply.code(202).send({ id, state: current?.state ?? 'queued' })
  })

  app.get('/:id', {
    schema: { params: SubmissionParamsSchema, querystring: SubmissionViewQuerySchema, response: { 200: SubmissionSchema } },
  }, async request => {
    const { id } = request.params
    // not a UUID: it cannot exist, so Redis is not asked
    const submission = UUID.test(id) ? await store.get(id) : null
    if (submission === null) throw notFound(id)
    return await viewOf(submission, challenges, request.query.view ?? 'full')
  })

  app.get('/:id/results.json', {
    schema: { params: SubmissionParamsSchema, response: { 200: ExercismResultsSchema } },
  }, async request => {
    const { id } = request.params
    const submission = UUID.test(id) ? await store.get(id) : null
    if (submission === null) throw notFound(id)
    if (submission.state !== 'done' || submission.result === undefined) {
      // 409 would fit, but is not in the catalog clients know: 404 with a clear message
      throw new GraderError('not_found', `results are not ready yet: the submission is ${submission.state}`)
    }
    return toExercismResults(submission.result)
  })
}
