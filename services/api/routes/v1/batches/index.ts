import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { GraderError } from '../../../../shared/errors/grader-error.js'
import type { BatchStore } from '../../../../shared/store/batch-store.js'
import type { SubmissionStore } from '../../../../shared/store/submission-store.js'
import { BatchParamsSchema, BatchProgressSchema, type BatchProgress } from './batch-schema.js'
import { canSee, isGeneratedId } from '../../../submission-id.js'
import { principalOf } from '../../../plugins/auth.js'
import type { Principal } from '../../../plugins/principal.js'

export interface BatchRoutesOptions {
  batches: BatchStore
  store: SubmissionStore
}

/**
 * A batch's progress as `principal` may see it (see `canSee`); null for an
 * unknown batch, another tenant's, or an id that is not a UUID (which cannot be one).
 */
export async function batchProgress (batches: BatchStore, store: SubmissionStore, id: string, principal: Principal): Promise<BatchProgress | null> {
  if (!isGeneratedId(id)) return null
  const owner = await batches.owner(id)
  if (owner === null || !canSee(principal, owner)) return null
  return await batches.progress(id, store)
}

/** `GET /v1/batches/:id`: progress of a batch or a regrade. */
export const batchRoutes: FastifyPluginAsyncTypebox<BatchRoutesOptions> = async (app, opts) => {
  app.get('/:id', {
    schema: { params: BatchParamsSchema, response: { 200: BatchProgressSchema } },
  }, async request => {
    const progress = await batchProgress(opts.batches, opts.store, request.params.id, principalOf(request))
    if (progress === null) throw new GraderError('not_found', `no batch with id ${JSON.stringify(request.params.id.slice(0, 60))} (batches expire with their results)`)
    return progress
  })
}
