import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Queue } from 'bullmq'
import type { FastifyBaseLogger } from 'fastify'
import { resolveLimits } from '../../../../shared/config/limits.js'
import type { Config } from '../../../../shared/config/config.js'
import type { GradingJob } from '../../../../shared/contracts/job-schema.js'
import { SubmissionRequestSchema, SubmissionSchema, type Submission } from '../../../../shared/contracts/submission-schema.js'
import { GraderError } from '../../../../shared/errors/grader-error.js'
import type { ChallengeStore } from '../../../../shared/store/challenge-store.js'
import type { SubmissionStore } from '../../../../shared/store/submission-store.js'
import type { WorkerRegistry } from '../../../../shared/store/worker-registry.js'
import { ExercismResultsSchema, toExercismResults } from '../../../exercism-results.js'
import { checkSubmissionFiles } from '../../../file-paths.js'
import { scoreResult, studentView } from '../../../grading-policy.js'
import type { ResultWaiter } from '../../../plugins/result-waiter.js'
import { checkMetadata } from '../../../submission-metadata.js'
import { AcceptedSchema, SubmissionParamsSchema, SubmissionViewQuerySchema, SubmitQuerySchema } from '../../../schemas/submission-routes-schema.js'
import { challengeNotFound } from '../challenges/index.js'
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

/** `"id"` or `"id@version"`. */
function parseChallengeRef (ref: string): { id: string, version?: string } {
  const at = ref.indexOf('@')
  return at < 0 ? { id: ref } : { id: ref.slice(0, at), version: ref.slice(at + 1) }
}

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
 * Refuses a language no live worker can grade. With no worker alive at all
 * the request may be perfectly valid, so that is a retryable 503 instead.
 */
async function checkLanguage (registry: WorkerRegistry, language: string): Promise<void> {
  const available = await registry.languages()
  if (available.has(language)) return
  if (available.size === 0) {
    throw new GraderError('unavailable', 'no grading worker is running, so no language can be graded right now; try again later')
  }
  throw new GraderError('unknown_language', `unknown language ${JSON.stringify(language)}; available: ${[...available].sort().join(', ')}`)
}

/**
 * Refuses new work when too many submissions wait. Counting the wait,
 * prioritized and delayed (retry back-off) sets costs one small Lua call.
 * Two requests racing past the check may overshoot by a few: the bound is
 * there to shed load, not to be exact.
 */
async function checkQueueDepth (queue: Queue<GradingJob>, queueMax: number): Promise<void> {
  const waiting = await queue.getJobCountByTypes('waiting', 'prioritized', 'delayed')
  if (waiting >= queueMax) {
    throw new GraderError('rate_limited', `the grader has ${waiting} submissions waiting; try again later`)
  }
}

/**
 * Puts the job on the queue. If that fails, the stored record is removed and
 * the client told 503: a submission is either accepted and queued, or
 * refused, never silently lost.
 */
async function enqueue (opts: SubmissionRoutesOptions, job: GradingJob, log: FastifyBaseLogger): Promise<void> {
  try {
    await opts.queue.add('grade', job, {
      // the job id is the submission id, so one submission can never be queued twice
      jobId: job.submissionId,
      attempts: opts.config.attempts,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: true,
      removeOnFail: 1000,
    })
  } catch (err) {
    await opts.store.remove(job.submissionId).catch((removeErr: unknown) => {
      log.error({ err: removeErr, submissionId: job.submissionId }, 'could not remove the record of a submission that was not queued')
    })
    throw new GraderError('unavailable', 'the submission could not be queued and was not accepted; try again later', { cause: err })
  }
}

/**
 * Routes of `/v1/submissions`: accept a submission, read it, read its
 * results as Exercism's results.json. Authentication is applied by the
 * enclosing scope.
 */
export const submissionRoutes: FastifyPluginAsyncTypebox<SubmissionRoutesOptions> = async (app, opts) => {
  const { config, store, registry, waiter, challenges } = opts

  app.post('/', {
    schema: {
      body: SubmissionRequestSchema,
      querystring: SubmitQuerySchema,
      response: { 200: SubmissionSchema, 202: AcceptedSchema },
    },
  }, async (request, reply) => {
    const { files, metadata, student } = request.body
    if ((request.body.tests === undefined) === (request.body.challenge === undefined)) {
      throw new GraderError('invalid_request', 'give exactly one of tests (the suite to run) and challenge (a stored challenge)')
    }
    const ref = request.body.challenge === undefined ? undefined : parseChallengeRef(request.body.challenge)
    const challenge = ref === undefined ? undefined : (await challenges.get(ref.id, ref.version)) ?? undefined
    if (ref !== undefined && challenge === undefined) throw challengeNotFound(ref.id, ref.version)
    const tests = challenge?.tests ?? request.body.tests ?? {}
    const language = challenge?.language ?? request.body.language
    if (language === undefined) throw new GraderError('invalid_request', 'language is required with tests')
    if (challenge !== undefined && request.body.language !== undefined && request.body.language !== challenge.language) {
      throw new GraderError('invalid_request', `challenge ${JSON.stringify(challenge.id)} is graded in ${challenge.language}, not ${JSON.stringify(request.body.language.slice(0, 32))}`)
    }
    // pure checks first: a refused request costs no Redis round trip
    checkSubmissionFiles(files, tests)
    // before the store: it is written and echoed back as JSON
    if (metadata !== undefined) checkMetadata(metadata)
    await checkLanguage(registry, language)
    await checkQueueDepth(opts.queue, config.queueMax)

    const id = randomUUID()
    const budget = challenge?.policy?.feedback
    if (challenge !== undefined && budget !== undefined && student !== undefined) {
      const decision = await challenges.takeFeedback(challenge.id, student, budget, id)
      if (!decision.admitted) {
        void reply.header('retry-after', String(decision.retryAfterS))
        throw new GraderError('feedback_budget', `at most ${budget.max} submissions per ${budget.windowS} s to this challenge; try again in ${decision.retryAfterS} s`)
      }
    }
    const submission: Submission = {
      id,
      state: 'queued',
      language,
      createdAt: new Date().toISOString(),
      metadata: metadata ?? {},
      ...(challenge !== undefined ? { challenge: challenge.id, version: challenge.version } : {}),
      ...(student !== undefined ? { student } : {}),
    }
    await store.create(submission)
    // registered before enqueueing, so even an instant completion is caught
    const watch = request.query.wait === true ? waiter.watch(id) : undefined
    try {
      const job: GradingJob = {
        submissionId: id,
        language,
        files,
        tests,
        limits: resolveLimits(language, { ...challenge?.limits, ...request.body.limits }),
        ...(request.body.options?.strictComparisons === true ? { strictComparisons: true } : {}),
        ...(request.body.options?.isolation === 'in-process' ? { isolation: 'in-process' as const } : {}),
        enqueuedAt: Date.now(),
      }
      await enqueue(opts, job, request.log)
    } catch (err) {
      watch?.cancel()
      throw err
    }
    request.log.info({ submissionId: id, language, files: Object.keys(files).length, tests: Object.keys(tests).length, wait: watch !== undefined }, 'submission queued')
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
