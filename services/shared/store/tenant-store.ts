import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Tenant, TenantPatch, TenantRequest } from '../contracts/tenant-schema.js'
import { BOOTSTRAP_TENANT } from '../contracts/vocabulary.js'

/** The limit of a tenant created without one: generous for a course, a bound for a runaway script. */
export const DEFAULT_TENANT_RATE_LIMIT = { perMinute: 600 } as const

/** A tenant as stored: `webhookSecret` is always there for tenants made through the API. */
export type TenantRecord = Tenant

/**
 * Tenants in Redis: `tenant:<id>` (JSON) and the set `tenants`. The
 * bootstrap tenant (`default`, the keys of the environment) exists without
 * being stored; it is stored once an admin changes it. Its webhooks are
 * signed with the grader's secret (`GRADER_WEBHOOK_SECRET`), so it has none
 * of its own here.
 */
export class TenantStore {
  constructor (private readonly redis: Redis, private readonly prefix: string) {}

  private key (id: string): string { return `${this.prefix}:tenant:${id}:record` }
  private get setKey (): string { return `${this.prefix}:tenants` }

  /** A new tenant, with its own webhook secret. */
  async create (request: TenantRequest, now = new Date()): Promise<TenantRecord> {
    const tenant: TenantRecord = {
      id: `t_${randomBytes(8).toString('hex')}`,
      name: request.name,
      weight: request.weight ?? 1,
      rateLimit: request.rateLimit ?? { ...DEFAULT_TENANT_RATE_LIMIT },
      ...(request.webhookHeaders !== undefined ? { webhookHeaders: lowerCaseNames(request.webhookHeaders) } : {}),
      webhookSecret: `whsec_${randomBytes(32).toString('base64')}`,
      createdAt: now.toISOString(),
    }
    await this.redis.multi().set(this.key(tenant.id), JSON.stringify(tenant), 'NX').sadd(this.setKey, tenant.id).exec()
    return tenant
  }

  /** A tenant, or null; the bootstrap tenant always exists. */
  async get (id: string): Promise<TenantRecord | null> {
    const raw = await this.redis.get(this.key(id))
    if (raw !== null) return JSON.parse(raw) as TenantRecord
    return id === BOOTSTRAP_TENANT ? bootstrapTenant() : null
  }

  /** Every tenant, the bootstrap one first. */
  async list (): Promise<TenantRecord[]> {
    const ids = (await this.redis.smembers(this.setKey)).filter(id => id !== BOOTSTRAP_TENANT).sort()
    const stored = ids.length === 0 ? [] : await this.redis.mget(...ids.map(id => this.key(id)))
    const tenants = stored.flatMap(raw => (raw === null ? [] : [JSON.parse(raw) as TenantRecord]))
    return [(await this.get(BOOTSTRAP_TENANT))!, ...tenants]
  }

  /** Changes the fields given; null for an unknown tenant. */
  async update (id: string, patch: TenantPatch): Promise<TenantRecord | null> {
    const current = await this.get(id)
    if (current === null) return null
    const next: TenantRecord = {
      ...current,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.weight !== undefined ? { weight: patch.weight } : {}),
      ...(patch.rateLimit !== undefined ? { rateLimit: patch.rateLimit } : {}),
      ...(patch.webhookHeaders !== undefined ? { webhookHeaders: lowerCaseNames(patch.webhookHeaders) } : {}),
    }
    await this.redis.multi().set(this.key(id), JSON.stringify(next)).sadd(this.setKey, id).exec()
    return next
  }
}

/** The bootstrap tenant before anyone changed it: weight 1 and no rate limit, as the grader was before tenants. */
function bootstrapTenant (): TenantRecord {
  return { id: BOOTSTRAP_TENANT, name: BOOTSTRAP_TENANT, weight: 1, createdAt: new Date(0).toISOString() }
}

function lowerCaseNames (headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))
}
