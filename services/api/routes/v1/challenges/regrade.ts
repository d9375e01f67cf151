import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Queue } from 'bullmq'
import pLimit from 'p-limit'
import { Type } from 'typebox'
import type { Config } from '../../../../shared/config/config.js'
import type { GradingJob } from '../../../../shared/contracts/job-schema.js'
import type { SubmissionRequest } from '../../../../shared/contracts/submission-schema.js'
import { isGraderError } from '../../../../shared/errors/grader-error.js'
import type { BatchStore } from '../../../../shared/store/batch-store.js'
import type { ChallengeStore } from '../../../../shared/store/challenge-store.js'
import type { SubmissionStore } from '../../../../shared/store/submission-store.js'
import type { WorkerRegistry } from '../../../../shared/store/worker-registry.js'
import { acceptSubmission, checkQueueDepth } from '../../../accept-submission.js'
import { challengeNotFound } from './index.js'
import type { FairQueue } from '../../../../shared/queue/fair-queue.js'
import { principalOf } from '../../../plugins/auth.js'

/** Regrade submissions accepted at once within one request. */
const REGRADE_CONCURRENCY = 16

export interface RegradeRoutesOptions {
  config: Config
  store: SubmissionStore
  queue: Queue<GradingJob>
  registry: WorkerRegistry
  challenges: ChallengeStore
  batches: BatchStore
  fair: FairQueue
}

const ParamsSchema = Type.Object({ id: Type.String({ maxLength: 200 }) })

/** Body of `POST /v1/challenges/:id/regrade`; `{}` grades against the latest version. */
export const RegradeRequestSchema = Type.Object({
  /** The version to grade against. @defaultValue the latest */
  version: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
}, { additionalProperties: false })

/** `202` answer: the regrade is a batch (`GET /v1/batches/:id`) of `count` new submissions. */
export const RegradeAcceptedSchema = Type.Object({
  id: Type.String(),
  count: Type.Integer({ minimum: 0 }),
  version: Type.String(),
})

/**
 * `POST /v1/challenges/:id/regrade` (admin keys only, applied by the
 * enclosing scope): grades every kept submission of the challenge again,
 * against one version, as new submissions (`regradeOf` the original; the
 * original lists them in `regrades`), so old and new results stay side by
 * side. Regrades wait in the `regrade` lane, which only takes capacity no other lane of any tenant wants, and spend no feedback budget.
 */
export const regradeRoutes: FastifyPluginAsyncTypebox<RegradeRoutesOptions> = async (app, opts) => {
  app.post('/:id/regrade', {
    schema: { params: ParamsSchema, body: RegradeRequestSchema, response: { 202: RegradeAcceptedSchema } },
    // a POST with no body at all (the usual `curl -X POST`) means `{}`: the latest version
    preValidation: async request => { request.body ??= {} },
  }, async (request, reply) => {
    const { id } = request.params
    const principal = principalOf(request)
    const challenge = await opts.challenges.inTenant(principal.tenantId).get(id, request.body.version)
    if (challenge === null) throw challengeNotFound(id, request.body.version)
    const originals = await opts.store.challengeSubmissions(id, principal.tenantId)
    // once for the whole regrade: it is queued entirely or not at all
    await checkQueueDepth(opts, opts.config.queueMax, originals.length)

    const batchId = randomUUID()
    await opts.batches.create({ id: batchId, kind: 'regrade', challenge: id, version: challenge.version, tenant: principal.tenantId, submittedBy: principal.keyId })
    const deps = { ...opts, log: request.log, principal }
    const regradeOne = async (originalId: string): Promise<string | null> => {
      const [original, kept] = await Promise.all([opts.store.get(originalId), opts.store.files(originalId)])
      // expired or deleted since the index was read
      if (original === null || kept === null) return null
      const body: SubmissionRequest = {
        challenge: `${id}@${challenge.version}`,
        files: kept.files,
        ...(kept.limits !== undefined ? { limits: kept.limits } : {}),
        ...(kept.options !== undefined ? { options: kept.options } : {}),
        ...(original.student !== undefined ? { student: original.student } : {}),
        metadata: original.metadata,
      }
      try {
        const { submission } = await acceptSubmission(deps, body, {
          batch: batchId, regradeOf: originalId, lane: 'regrade', feedbackBudget: false, queueDepthCheck: false,
        })
        await opts.store.addRegrade(originalId, submission.id)
        return submission.id
      } catch (err) {
        // one original that cannot be graded any more (its files break a rule
        // of the new version, no worker for its language) does not stop the rest
        if (!isGraderError(err)) throw err
        request.log.warn({ err, submissionId: originalId, batchId }, 'submission not regraded')
        return null
      }
    }
    // a few at once: each is a handful of Redis round trips, and thousands of
    // them one after the other would hold the request for tens of seconds
    const limit = pLimit(REGRADE_CONCURRENCY)
    const regraded = (await Promise.all(originals.map(async originalId => await limit(async () => await regradeOne(originalId)))))
      .filter((regradeId): regradeId is string => regradeId !== null)
    // members listed in the originals' order; a member done before it is listed is counted all the same
    await opts.batches.addMembers(batchId, regraded)
    const count = regraded.length
    await opts.batches.seal(batchId)
    request.log.info({ challenge: id, version: challenge.version, batchId, count, originals: originals.length }, 'regrade queued')
    void reply.header('location', `/v1/batches/${batchId}`)
    return reply.code(202).send({ id: batchId, count, version: challenge.version })
  })
}
