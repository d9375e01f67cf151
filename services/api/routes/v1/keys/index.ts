import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { GraderError } from '../../../../shared/errors/grader-error.js'
import type { ApiKeyStore } from '../../../../shared/store/api-key-store.js'
import { principalOf, requireRole } from '../../../plugins/auth.js'

export interface KeyRoutesOptions {
  apiKeys: ApiKeyStore
}

const ParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

/**
 * `DELETE /v1/keys/:id`: revokes a key made through the API; requests with
 * it are refused from the next one on. A tenant's admin revokes its own
 * tenant's keys (another tenant's key is `404`); keys of the environment are
 * revoked by changing the environment.
 */
export const keyRoutes: FastifyPluginAsyncTypebox<KeyRoutesOptions> = async (app, opts) => {
  app.delete('/:id', {
    onRequest: requireRole('admin'),
    schema: { params: ParamsSchema, response: { 204: Type.Null({ description: 'Revoked' }) } },
  }, async (request, reply) => {
    const principal = principalOf(request)
    const notFound = new GraderError('not_found', `no API key with id ${JSON.stringify(request.params.id.slice(0, 64))}`)
    const key = await opts.apiKeys.get(request.params.id)
    if (key === null || (!principal.globalAdmin && key.tenant !== principal.tenantId)) throw notFound
    await opts.apiKeys.remove(key.id)
    request.log.info({ tenant: key.tenant, keyId: key.id }, 'API key revoked')
    return reply.code(204).send(null)
  })
}
