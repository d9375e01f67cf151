import { randomUUID } from 'node:crypto'
import type { Queue } from 'bullmq'
import type { FastifyBaseLogger } from 'fastify'
import { CallbackAllowList } from '../delivery/callback-allow-list.js'
import { checkCallbackUrl } from '../delivery/callback-url-check.js'
import type { Config } from '../shared/config/config.js'
import { resolveLimits } from '../shared/config/limits.js'
import type { GradingJob } from '../shared/contracts/job-schema.js'
import type { Challenge } from '../shared/contracts/challenge-schema.js'
import type { Submission, SubmissionRequest } from '../shared/contracts/submission-schema.js'
import { GraderError } from '../shared/errors/grader-error.js'
import type { ChallengeStore } from '../shared/store/challenge-store.js'
import type { SubmissionStore } from '../shared/store/submission-store.js'
import type { WorkerRegistry } from '../shared/store/worker-registry.js'
import { checkSubmissionFiles } from './file-paths.js'
import { challengeNotFound } from './routes/v1/challenges/index.js'
import { checkMetadata } from './submission-metadata.js'
import { hidesAnything } from './grading-policy.js'
import { checkCapacity } from './admission.js'
import { requestFingerprint } from './retry-promises.js'
import type { Principal } from './plugins/principal.js'
import type { FairQueue } from '../shared/queue/fair-queue.js'
import { DEFAULT_LANE, type Lane } from '../shared/contracts/vocabulary.js'

/** What accepting a submission needs; passed in, never imported as singletons. */
export interface AcceptDeps {
  config: Config
  store: SubmissionStore
  queue: Queue<GradingJob>
  registry: WorkerRegistry
  challenges: ChallengeStore
  log: FastifyBaseLogger
  /** Who posts it: the submission belongs to this tenant and is readable by this key. */
  principal: Principal
  /** Where accepted jobs wait, per tenant and lane, until a worker has a free slot. */
  fair: Pick<FairQueue, 'add' | 'depths'>
}

/** How this one submission is accepted; every field is optional and defaults to live traffic. */
export interface AcceptOptions {
  /**
   * The submission id. Chosen by the caller when it must know the id before
   * the job is queued (a `?wait=true` watch, an idempotency claim).
   * @defaultValue a new random UUID
   */
  id?: string
  /**
   * The lane, overriding the request's `priority` (regrades: `regrade`);
   * not checked against the key's lanes, as the grader chose it.
   * @defaultValue the request's `priority`, else `practice`
   */
  lane?: Lane
  /** Count the submission against the challenge's feedback budget. @defaultValue true */
  feedbackBudget?: boolean
  /** Refuse it when the queue holds `config.queueMax` waiting jobs. @defaultValue true */
  queueDepthCheck?: boolean
  /** Recorded on the submission: the batch it belongs to. */
  batch?: string
  /** Recorded on the submission: the submission it grades again. */
  regradeOf?: string
}

/** What was accepted: the stored record, and the challenge version it is graded against. */
export interface Accepted {
  submission: Submission
  challenge?: Challenge
}

/**
 * A feedback budget spent: a 429 that carries when the next submission is
 * allowed, for the route's `Retry-After`. Its name stays `GraderError`, so
 * the error handler and `isGraderError` treat it as any catalog error.
 */
export class FeedbackBudgetSpent extends GraderError {
  constructor (readonly retryAfterS: number, message: string) {
    super('feedback_budget', message)
  }
}

/** `"id"` or `"id@version"`. */
export function parseChallengeRef (ref: string): { id: string, version?: string } {
  const at = ref.indexOf('@')
  return at < 0 ? { id: ref } : { id: ref.slice(0, at), version: ref.slice(at + 1) }
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
 * Refuses new work when too many submissions wait: in the fair queue (every
 * tenant and lane) and in BullMQ (fed, or waiting out a retry back-off).
 * Two requests racing past the check may overshoot by a few: the bound is
 * there to shed load, not to be exact.
 */
export async function checkQueueDepth (queues: { queue: Queue<GradingJob>, fair: Pick<FairQueue, 'depths'> }, queueMax: number, adding = 1): Promise<void> {
  const [inBullMq, fair] = await Promise.all([queues.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed'), queues.fair.depths()])
  const waiting = inBullMq + fair.reduce((sum, d) => sum + d.pending, 0)
  if (waiting + adding > queueMax) {
    throw new GraderError('rate_limited', `the grader has ${waiting} submissions waiting; try again later`)
  }
}

/**
 * Puts the job in the fair queue, in its tenant's lane: a worker's feeder
 * moves it into BullMQ's `grading` when a slot is free, in the fair order
 * (services/shared/queue/fair-queue.ts). If that fails, the stored record is
 * removed and the client told 503: a submission is either accepted and
 * queued, or refused, never silently lost.
 */
async function enqueue (deps: AcceptDeps, job: GradingJob): Promise<void> {
  try {
    await deps.fair.add(job, deps.principal.tenantWeight)
  } catch (err) {
    await deps.store.remove(job.submissionId).catch((removeErr: unknown) => {
      deps.log.error({ err: removeErr, submissionId: job.submissionId }, 'could not remove the record of a submission that was not queued')
    })
    throw new GraderError('unavailable', 'the submission could not be queued and was not accepted; try again later', { cause: err })
  }
}

/**
 * Accepts one submission: validates it, checks the language, the queue depth
 * and the feedback budget, stores the record (with its files, kept for
 * regrades) and queues the job. The one path of `POST /v1/submissions`, of
 * each entry of a batch and of each regrade. Throws a `GraderError` (a 4xx or
 * 503 from the catalog) when it refuses; nothing is stored then.
 */
export async function acceptSubmission (deps: AcceptDeps, body: SubmissionRequest, opts: AcceptOptions = {}): Promise<Accepted> {
  const { files, metadata, student } = body
  const { principal } = deps
  const lane = opts.lane ?? body.priority ?? DEFAULT_LANE
  if (opts.lane === undefined && principal.lanes !== undefined && !principal.lanes.includes(lane)) {
    throw new GraderError('forbidden', `this key may submit to the lanes ${principal.lanes.map(l => JSON.stringify(l)).join(', ')} only, not ${JSON.stringify(lane)}`)
  }
  // the tenant's own challenges: another tenant's id names nothing here
  const challenges = deps.challenges.inTenant(principal.tenantId)
  if ((body.tests === undefined) === (body.challenge === undefined)) {
    throw new GraderError('invalid_request', 'give exactly one of tests (the suite to run) and challenge (a stored challenge)')
  }
  const ref = body.challenge === undefined ? undefined : parseChallengeRef(body.challenge)
  const challenge = ref === undefined ? undefined : (await challenges.get(ref.id, ref.version)) ?? undefined
  if (ref !== undefined && challenge === undefined) throw challengeNotFound(ref.id, ref.version)
  const tests = challenge?.tests ?? body.tests ?? {}
  const language = challenge?.language ?? body.language
  if (language === undefined) throw new GraderError('invalid_request', 'language is required with tests')
  if (challenge !== undefined && body.language !== undefined && body.language !== challenge.language) {
    throw new GraderError('invalid_request', `challenge ${JSON.stringify(challenge.id)} is graded in ${challenge.language}, not ${JSON.stringify(body.language.slice(0, 32))}`)
  }

  if (challenge !== undefined && body.options?.isolation === 'in-process' && hidesAnything(challenge.policy, new Date())) {
    // in-process, the student's code shares the test process and can read the suite and print it
    throw new GraderError('invalid_request', `challenge ${JSON.stringify(challenge.id)} has hidden tests, which options.isolation "in-process" would expose to the student's code; use the default isolation`)
  }

  // ── per-submission checks ─────────────────────────────────────────────────
  // Pure checks first: a refused request costs no Redis round trip. A new
  // check of one submission's fields belongs here, so the single route, each
  // batch entry and each regrade all run it.
  checkSubmissionFiles(files, tests)
  // before the store: it is written and echoed back as JSON
  if (metadata !== undefined) checkMetadata(metadata)
  // resolved now to refuse a bad target at once (400); delivery checks every connection again
  if (body.callbackUrl !== undefined) await checkCallbackUrl(body.callbackUrl, new CallbackAllowList(deps.config.callbackAllow))

  // ── checks against the grader's state ─────────────────────────────────────
  await checkLanguage(deps.registry, language)
  if (opts.queueDepthCheck !== false) await checkQueueDepth(deps, deps.config.queueMax)
  // after the hard bound: refused (503 over_capacity) when it could not be graded within its lane's SLA
  // the same request sent again after its Retry-After claims the room promised to it
  const fingerprint = requestFingerprint([principal.tenantId, principal.keyId, lane, student ?? null, body.challenge ?? null, files, body.tests ?? null])
  await checkCapacity(deps, { tenant: principal.tenantId, lane, fingerprint })

  const id = opts.id ?? randomUUID()
  const budget = challenge?.policy?.feedback
  if (opts.feedbackBudget !== false && challenge !== undefined && budget !== undefined && student !== undefined) {
    // the member is not the submission id: the budget's set must not keep a
    // trace of a submission whose data is removed (DELETE)
    const decision = await challenges.takeFeedback(challenge.id, student, budget, randomUUID())
    if (!decision.admitted) {
      throw new FeedbackBudgetSpent(decision.retryAfterS, `at most ${budget.max} submissions per ${budget.windowS} s to this challenge; try again in ${decision.retryAfterS} s`)
    }
  }
  const submission: Submission = {
    id,
    state: 'queued',
    language,
    createdAt: new Date().toISOString(),
    metadata: metadata ?? {},
    tenant: principal.tenantId,
    submittedBy: principal.keyId,
    priority: lane,
    ...(challenge !== undefined ? { challenge: challenge.id, version: challenge.version } : {}),
    ...(student !== undefined ? { student } : {}),
    ...(body.callbackUrl !== undefined ? { callbackUrl: body.callbackUrl } : {}),
    ...(opts.batch !== undefined ? { batch: opts.batch } : {}),
    ...(opts.regradeOf !== undefined ? { regradeOf: opts.regradeOf } : {}),
  }
  await deps.store.create(submission, {
    files,
    ...(challenge === undefined ? { tests } : {}),
    ...(body.limits !== undefined ? { limits: body.limits } : {}),
    ...(body.options !== undefined ? { options: body.options } : {}),
  })
  const job: GradingJob = {
    submissionId: id,
    language,
    files,
    tests,
    limits: resolveLimits(language, { ...challenge?.limits, ...body.limits }),
    ...(body.options?.strictComparisons === true ? { strictComparisons: true } : {}),
    ...(body.options?.isolation === 'in-process' ? { isolation: 'in-process' as const } : {}),
    ...((body.options?.runSkipped ?? challenge?.options?.runSkipped) === true ? { runSkipped: true } : {}),
    ...(opts.batch !== undefined ? { batchId: opts.batch } : {}),
    tenant: principal.tenantId,
    lane,
    enqueuedAt: Date.now(),
  }
  await enqueue(deps, job)
  deps.log.info({ submissionId: id, language, files: Object.keys(files).length, tests: Object.keys(tests).length, tenant: principal.tenantId, lane }, 'submission queued')
  return { submission, ...(challenge !== undefined ? { challenge } : {}) }
}
