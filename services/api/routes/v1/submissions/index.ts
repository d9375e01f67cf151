import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Queue } from 'bullmq'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import { Type } from 'typebox'
import { DELIVERY_QUEUE_NAME, type DeliveryJob } from '../../../../delivery/delivery-job-schema.js'
import { DeliveryLog } from '../../../../delivery/delivery-log.js'
import { DeliveryQueue, submissionWebhookId } from '../../../../delivery/delivery-queue.js'
import type { Config } from '../../../../shared/config/config.js'
import type { GradingJob } from '../../../../shared/contracts/job-schema.js'
import { SubmissionRequestSchema, SubmissionSchema, type Submission } from '../../../../shared/contracts/submission-schema.js'
import { GraderError } from '../../../../shared/errors/grader-error.js'
import { acceptSubmission, FeedbackBudgetSpent, type AcceptDeps } from '../../../accept-submission.js'
import { OverCapacity } from '../../../admission.js'
import type { BatchStore } from '../../../../shared/store/batch-store.js'
import type { ChallengeStore } from '../../../../shared/store/challenge-store.js'
import type { IdempotencyStore } from '../../../../shared/store/idempotency-store.js'
import type { SubmissionStore } from '../../../../shared/store/submission-store.js'
import type { WorkerRegistry } from '../../../../shared/store/worker-registry.js'
import type { FairQueue } from '../../../../shared/queue/fair-queue.js'
import { bodyHash, idempotencyScope, readIdempotencyKey } from '../../../idempotency-key.js'
import { acceptBatch } from '../batches/accept-batch.js'
import { BATCH_BODY_LIMIT_BYTES, BatchAcceptedSchema, BatchRequestSchema, type BatchAccepted } from '../batches/batch-schema.js'
import { submissionView } from '../../../submission-view.js'
import type { ResultWaiter } from '../../../plugins/result-waiter.js'
import { AcceptedSchema, IdempotencyHeadersSchema, SubmissionParamsSchema, SubmissionViewQuerySchema, SubmitQuerySchema } from '../../../schemas/submission-routes-schema.js'
import { untilClientGone } from './client-gone.js'
import { canSee, isGeneratedId, readSubmission, submissionNotFound } from '../../../submission-id.js'
import { hasRole, principalOf, requireRole } from '../../../plugins/auth.js'

/** What the submission routes need; passed in, never imported as singletons. */
export interface SubmissionRoutesOptions {
  config: Config
  store: SubmissionStore
  queue: Queue<GradingJob>
  registry: WorkerRegistry
  waiter: ResultWaiter
  challenges: ChallengeStore
  /** `Idempotency-Key` entries. */
  idempotency: IdempotencyStore
  /** Batches (`POST /v1/submissions/batch`). */
  batches: BatchStore
  /** Command connection: webhook deliveries are queued and removed on it. */
  redis: Redis
  /** Where accepted jobs wait for a free slot, per tenant and lane. */
  fair: FairQueue
}


/**
 * The webhook delivery queue, opened on first use (most requests never need
 * it) and closed with the routes.
 */
function lazyDeliveries (redis: Redis, config: Config): { jobs: () => Queue<DeliveryJob>, queue: () => DeliveryQueue, close: () => Promise<void> } {
  let jobs: Queue<DeliveryJob> | undefined
  let queue: DeliveryQueue | undefined
  const open = (): Queue<DeliveryJob> => (jobs ??= new Queue<DeliveryJob>(DELIVERY_QUEUE_NAME, { connection: redis, prefix: config.prefix }))
  return {
    jobs: open,
    queue: () => (queue ??= new DeliveryQueue(open(), config)),
    close: async () => { await jobs?.close() },
  }
}

/** What `claimId` decided: the id to answer with, and whether an earlier request made it. */
interface Claimed {
  id: string
  replay: boolean
  /** The idempotency entry claimed, attached to what the request creates. */
  key?: string
  /** Gives the key back when the request is refused. */
  release: () => Promise<void>
}

/**
 * Removes a deleted submission's job and its files with it, unless a
 * worker holds it (BullMQ refuses to remove a locked job): that run's result
 * is then dropped by the store, and the job removed when it completes. The
 * queue's event stream names job ids, so the submission's entries are
 * removed from it too.
 */
async function removeJob (queue: Queue<GradingJob> | Queue<DeliveryJob>, id: string, log: FastifyBaseLogger): Promise<void> {
  const job = await queue.getJob(id)
  if (job !== undefined) {
    await job.remove().catch((err: unknown) => { log.info({ err, submissionId: id }, 'job held by a worker: its result will be dropped') })
  }
  // BullMQ's client type is a narrow interface; it is the ioredis connection the queue was given
  const redis = await queue.client as unknown as Redis
  const stream = `${queue.opts.prefix ?? 'bull'}:${queue.name}:events`
  // bounded: BullMQ trims the stream to about 10 000 events
  const events = await redis.xrange(stream, '-', '+')
  const ours = events.filter(([, fields]) => fields.some((value, i) => i % 2 === 1 && value.includes(id))).map(([entryId]) => entryId)
  if (ours.length > 0) await redis.xdel(stream, ...ours)
}

/**
 * Routes of `/v1/submissions`: accept a submission, read it (its results in
 * other formats are in result-formats.ts). Authentication is applied by the
 * enclosing scope.
 */
export const submissionRoutes: FastifyPluginAsyncTypebox<SubmissionRoutesOptions> = async (app, opts) => {
  const { config, store, registry, waiter, challenges, idempotency, batches } = opts
  const acceptDeps = (request: FastifyRequest): AcceptDeps => ({ config, store, queue: opts.queue, fair: opts.fair, registry, challenges, log: request.log, principal: principalOf(request) })
  const deliveries = lazyDeliveries(opts.redis, config)
  app.addHook('onClose', async () => { await deliveries.close() })
  const deliveryLog = new DeliveryLog(opts.redis, config.prefix, config.resultTtlS)

  /**
   * The id a POST creates, or the one an earlier request with the same
   * `Idempotency-Key` (same API key, same body) created. A key used with
   * another body is a 409; the key of a refused request is given back, so the
   * client may retry with it.
   */
  async function claimId (request: FastifyRequest, body: unknown, exists: (id: string) => Promise<boolean>): Promise<Claimed> {
    const idempotencyKey = readIdempotencyKey(request.headers['idempotency-key'])
    const id = randomUUID()
    if (idempotencyKey === undefined) return { id, replay: false, release: async () => {} }
    const scope = idempotencyScope(request.headers.authorization)
    const hash = bodyHash(body)
    const claim = await idempotency.claim(scope, idempotencyKey, { bodyHash: hash, id })
    if (claim.claimed) {
      return { id, replay: false, key: claim.key, release: async () => { await idempotency.release(scope, idempotencyKey, id) } }
    }
    if (claim.entry.bodyHash !== hash) {
      throw new GraderError('idempotency_conflict', 'this Idempotency-Key was already used with another body; use a new key for a new request')
    }
    if (!await exists(claim.entry.id)) {
      throw new GraderError('idempotency_conflict', 'the first request with this Idempotency-Key is still being accepted; retry in a moment')
    }
    return { id: claim.entry.id, replay: true, release: async () => {} }
  }

  app.post('/', {
    onRequest: requireRole('submit'),
    schema: {
      body: SubmissionRequestSchema,
      querystring: SubmitQuerySchema,
      headers: IdempotencyHeadersSchema,
      response: { 200: SubmissionSchema, 202: AcceptedSchema },
    },
  }, async (request, reply) => {
    const claimed = await claimId(request, request.body, async id => await store.get(id) !== null)
    const { id } = claimed
    // registered before enqueueing, so even an instant completion is caught
    const watch = request.query.wait === true ? waiter.watch(id) : undefined
    if (claimed.replay) {
      void reply.header('idempotent-replayed', 'true')
    } else {
      try {
        await acceptSubmission(acceptDeps(request), request.body, { id })
      } catch (err) {
        watch?.cancel()
        await claimed.release().catch((releaseErr: unknown) => { request.log.warn({ err: releaseErr }, 'idempotency key not released') })
        if (err instanceof FeedbackBudgetSpent || err instanceof OverCapacity) void reply.header('retry-after', String(err.retryAfterS))
        throw err
      }
      // the entry now expires, and is deleted, with the submission
      if (claimed.key !== undefined) await store.attach(id, claimed.key)
    }
    void reply.header('location', `/v1/submissions/${id}`)
    if (watch === undefined) {
      const state = claimed.replay ? (await store.get(id))?.state ?? 'queued' : 'queued'
      return reply.code(202).send({ id, state })
    }

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
    // deleted (DELETE /v1/submissions/:id) while the request was held
    if (current === null) throw submissionNotFound(id)
    if (current.state === 'done') return reply.code(200).send(await submissionView(current, challenges.inTenant(current.tenant), 'full'))
    return reply.code(202).send({ id, state: current.state })
  })

  app.get('/:id', {
    schema: { params: SubmissionParamsSchema, querystring: SubmissionViewQuerySchema, response: { 200: SubmissionSchema } },
  }, async request => {
    const { id } = request.params
    const submission = await readSubmission(store, id, principalOf(request))
    return await submissionView(submission, challenges.inTenant(submission.tenant), request.query.view ?? 'full')
  })

  app.post('/batch', {
    onRequest: requireRole('submit'),
    bodyLimit: BATCH_BODY_LIMIT_BYTES,
    schema: { body: BatchRequestSchema, headers: IdempotencyHeadersSchema, response: { 202: BatchAcceptedSchema } },
  }, async (request, reply) => {
    // checked before the key is claimed: a refused batch leaves no trace
    if (request.body.submissions.length > config.batchMax) {
      throw new GraderError('batch_too_large', `a batch holds at most ${config.batchMax} submissions (GRADER_BATCH_MAX), not ${request.body.submissions.length}`)
    }
    const claimed = await claimId(request, request.body, async id => await batches.get(id) !== null)
    void reply.header('location', `/v1/batches/${claimed.id}`)
    if (claimed.replay) {
      void reply.header('idempotent-replayed', 'true')
      // the first answer as given, refused entries included; members' states may have moved on since
      const answer = await batches.answer(claimed.id) as BatchAccepted | null
      if (answer === null) throw new GraderError('idempotency_conflict', 'the first request with this Idempotency-Key is still being accepted; retry in a moment')
      return reply.code(202).send(answer)
    }
    try {
      return reply.code(202).send(await acceptBatch({ ...acceptDeps(request), batches, deliveries: deliveries.queue, retryAfter: s => { void reply.header('retry-after', String(s)) } }, request.body, claimed.id, claimed.key))
    } catch (err) {
      await claimed.release().catch(() => {})
      throw err
    }
  })

  app.delete('/:id', {
    onRequest: requireRole('submit', 'admin'),
    schema: { params: SubmissionParamsSchema, response: { 204: Type.Null({ description: 'Deleted: nothing of the submission is kept' }) } },
  }, async (request, reply) => {
    const { id } = request.params
    const purge = async (target: string): Promise<Submission | null> => {
      const submission = await store.purge(target)
      if (submission === null) return null
      // waiting for a slot, or already fed to BullMQ: removed from both
      await opts.fair.remove(target)
      await removeJob(opts.queue, target, request.log)
      // the submission's webhook: its queued delivery (whose payload is the submission) and its log
      await removeJob(deliveries.jobs(), submissionWebhookId(target), request.log)
      await opts.redis.del(deliveryLog.key(target))
      if (submission.batch !== undefined) await batches.forget(submission.batch, target, submission.state === 'done')
      // announced as if done: held `?wait=true` requests and open event streams re-read it, find it gone and end
      await opts.redis.publish(store.doneChannel, target)
      return submission
    }
    // removing needs the key that posted it, or the tenant's admin: else it is not there
    const principal = principalOf(request)
    const found = isGeneratedId(id) ? await store.get(id) : null
    const mayRemove = found !== null && canSee(principal, found) && (found.submittedBy === principal.keyId || hasRole(principal, 'admin'))
    const submission = mayRemove ? await purge(id) : null
    if (submission === null) throw submissionNotFound(id)
    // its regrades are copies of the same files: a data-removal request removes them too
    for (const regrade of submission.regrades ?? []) await purge(regrade)
    request.log.info({ submissionId: id, state: submission.state, regrades: submission.regrades?.length ?? 0 }, 'submission deleted')
    return reply.code(204).send(null)
  })
}
