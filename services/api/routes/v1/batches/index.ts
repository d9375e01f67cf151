import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { GraderError } from '../../../../shared/errors/grader-error.js'
import type { BatchStore } from '../../../../shared/store/batch-store.js'
import type { SubmissionStore } from '../../../../shared/store/submission-store.js'
import { BatchParamsSchema, BatchProgressSchema, type BatchProgress } from './batch-schema.js'

export interface BatchRoutesOptions {
  batches: BatchStore
  store: SubmissionStore
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Records read per MGET while summing a batch up: a regrade may have thousands of members. */
const READ_CHUNK = 500

/**
 * A batch's progress from its record and its members' own records. A member
 * whose record is gone (expired, or deleted) is left out.
 */
export async function batchProgress (batches: BatchStore, store: SubmissionStore, id: string): Promise<BatchProgress | null> {
  const batch = UUID.test(id) ? await batches.get(id) : null
  if (batch === null) return null
  const counts = { queued: 0, running: 0, done: 0, pass: 0, fail: 0, error: 0 }
  const submissions: BatchProgress['submissions'] = []
  for (let i = 0; i < batch.members.length; i += READ_CHUNK) {
    for (const member of await store.getMany(batch.members.slice(i, i + READ_CHUNK))) {
      if (member === null) continue
      counts[member.state]++
      const status = member.result?.status
      if (status !== undefined) counts[status]++
      submissions.push({
        id: member.id,
        state: member.state,
        ...(status !== undefined ? { status } : {}),
        ...(member.regradeOf !== undefined ? { regradeOf: member.regradeOf } : {}),
      })
    }
  }
  return {
    id,
    kind: batch.kind,
    state: batch.completedAt !== undefined ? 'done' : 'running',
    createdAt: batch.createdAt,
    ...(batch.completedAt !== undefined ? { completedAt: batch.completedAt } : {}),
    total: batch.total ?? batch.members.length,
    done: batch.done,
    counts,
    ...(batch.challenge !== undefined ? { challenge: batch.challenge, version: batch.version } : {}),
    submissions,
  }
}

/** `GET /v1/batches/:id`: progress of a batch or a regrade. */
export const batchRoutes: FastifyPluginAsyncTypebox<BatchRoutesOptions> = async (app, opts) => {
  app.get('/:id', {
    schema: { params: BatchParamsSchema, response: { 200: BatchProgressSchema } },
  }, async request => {
    const progress = await batchProgress(opts.batches, opts.store, request.params.id)
    if (progress === null) throw new GraderError('not_found', `no batch with id ${JSON.stringify(request.params.id.slice(0, 60))} (batches expire with their results)`)
    return progress
  })
}
