import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { KeyCreatedSchema, KeyRequestSchema, KeySchema, TenantPatchSchema, TenantRequestSchema, TenantSchema, type Tenant } from '../../../../shared/contracts/tenant-schema.js'
import { RESERVED_WEBHOOK_HEADERS } from '../../../../shared/config/config.js'
import { GraderError } from '../../../../shared/errors/grader-error.js'
import type { ApiKeyStore } from '../../../../shared/store/api-key-store.js'
import type { TenantStore } from '../../../../shared/store/tenant-store.js'
import type { FairQueue } from '../../../../shared/queue/fair-queue.js'
import { principalOf, requireGlobalAdmin, requireRole } from '../../../plugins/auth.js'
import type { Principal } from '../../../plugins/principal.js'

export interface TenantRoutesOptions {
  tenants: TenantStore
  apiKeys: ApiKeyStore
  /** Told a changed weight at once, so the tenant's jobs already waiting get their new share. */
  fair: Pick<FairQueue, 'setWeight'>
}

const ParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

/** Refuses webhook headers the grader sets itself (the signature's, the HTTP client's), listing each. */
function checkWebhookHeaders (headers: Record<string, string> | undefined): void {
  const reserved = Object.keys(headers ?? {}).filter(name => RESERVED_WEBHOOK_HEADERS.has(name.toLowerCase()))
  if (reserved.length > 0) throw new GraderError('invalid_request', `webhookHeaders: ${reserved.map(n => JSON.stringify(n)).join(', ')} ${reserved.length === 1 ? 'is' : 'are'} set by the grader itself`)
}

export const tenantNotFound = (id: string): GraderError => new GraderError('not_found', `no tenant with id ${JSON.stringify(id.slice(0, 64))}`)

/**
 * The tenant `id` if the principal may manage it (a global admin: any; a
 * tenant's admin: its own), else `404`: a tenant's admin cannot tell
 * another tenant from one that does not exist.
 */
async function managedTenant (tenants: TenantStore, principal: Principal, id: string): Promise<Tenant> {
  if (!principal.globalAdmin && principal.tenantId !== id) throw tenantNotFound(id)
  const tenant = await tenants.get(id)
  if (tenant === null) throw tenantNotFound(id)
  return tenant
}

/**
 * `/v1/tenants`: tenants and their keys. Creating a tenant, and changing its
 * weight or rate limit (its share of the pool against everyone else's), is
 * for the grader's own admins; a tenant's admins read and rename their own
 * tenant, set its webhook headers and manage its keys.
 */
export const tenantRoutes: FastifyPluginAsyncTypebox<TenantRoutesOptions> = async (app, opts) => {
  const { tenants, apiKeys } = opts
  app.addHook('onRequest', requireRole('admin'))

  app.post('/', {
    onRequest: requireGlobalAdmin(),
    schema: { body: TenantRequestSchema, response: { 201: TenantSchema } },
  }, async (request, reply) => {
    checkWebhookHeaders(request.body.webhookHeaders)
    const tenant = await tenants.create(request.body)
    request.log.info({ tenant: tenant.id, weight: tenant.weight }, 'tenant created')
    void reply.header('location', `/v1/tenants/${tenant.id}`)
    return reply.code(201).send(tenant)
  })

  app.get('/', {
    schema: { response: { 200: Type.Object({ tenants: Type.Array(TenantSchema) }) } },
  }, async request => {
    const principal = principalOf(request)
    const all = await tenants.list()
    return { tenants: principal.globalAdmin ? all : all.filter(t => t.id === principal.tenantId) }
  })

  app.get('/:id', {
    schema: { params: ParamsSchema, response: { 200: TenantSchema } },
  }, async request => await managedTenant(tenants, principalOf(request), request.params.id))

  app.patch('/:id', {
    schema: { params: ParamsSchema, body: TenantPatchSchema, response: { 200: TenantSchema } },
  }, async request => {
    const principal = principalOf(request)
    await managedTenant(tenants, principal, request.params.id)
    checkWebhookHeaders(request.body.webhookHeaders)
    if (!principal.globalAdmin && (request.body.weight !== undefined || request.body.rateLimit !== undefined)) {
      throw new GraderError('forbidden', "a tenant's weight and rate limit are its share of the grader: only the grader's own admins change them")
    }
    const updated = await tenants.update(request.params.id, request.body)
    if (updated === null) throw tenantNotFound(request.params.id)
    if (request.body.weight !== undefined) await opts.fair.setWeight(updated.id, updated.weight)
    request.log.info({ tenant: updated.id, fields: Object.keys(request.body) }, 'tenant changed')
    return updated
  })

  app.post('/:id/keys', {
    schema: { params: ParamsSchema, body: KeyRequestSchema, response: { 201: KeyCreatedSchema } },
  }, async (request, reply) => {
    const tenant = await managedTenant(tenants, principalOf(request), request.params.id)
    const { record, key } = await apiKeys.create(tenant.id, request.body)
    // the key is in this answer only: never logged, never stored
    request.log.info({ tenant: tenant.id, keyId: record.id, roles: record.roles }, 'API key created')
    return reply.code(201).send({ ...record, key })
  })

  app.get('/:id/keys', {
    schema: { params: ParamsSchema, response: { 200: Type.Object({ keys: Type.Array(KeySchema) }) } },
  }, async request => {
    const tenant = await managedTenant(tenants, principalOf(request), request.params.id)
    return { keys: await apiKeys.list(tenant.id) }
  })
}
