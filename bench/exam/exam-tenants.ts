/**
 * The scenario's tenants and keys, made through the API with the bootstrap
 * admin key: `POST /v1/tenants`, then `POST /v1/tenants/:id/keys` limited to
 * the tenant's lane. A grader without the tenant routes (404) gets every
 * client on the bootstrap key, the tenants only labels in the report.
 */
import { randomUUID } from 'node:crypto'
import { Type } from 'typebox'
import { Value } from 'typebox/value'
import type { ClientTarget } from './exam-client.js'
import { TENANTS, type TenantRole } from './exam-scenario.js'

/**
 * Requests per minute of each tenant: the schema's maximum. A student's
 * client sends one POST per try and polls rarely, so the bench measures
 * capacity, not the rate limiter.
 */
export const BENCH_TENANT_PER_MINUTE = 1_000_000

const CreatedTenant = Type.Object({ id: Type.String(), name: Type.String() })
const CreatedKey = Type.Object({ id: Type.String(), key: Type.String() })

export interface BenchTenants {
  tenancy: 'tenants' | 'labels-only'
  /** The key each tenant's clients use. */
  keys: Record<TenantRole, string>
  /** The name each tenant got (a suffix when the name was taken on a grader at --url). */
  names: Record<TenantRole, string>
  ids: Partial<Record<TenantRole, string>>
}

async function post (admin: ClientTarget, path: string, body: unknown): Promise<{ status: number, json: unknown }> {
  const res = await fetch(`${admin.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, json: await res.json().catch(() => null) }
}

export async function setUpTenants (admin: ClientTarget): Promise<BenchTenants> {
  const roles = Object.keys(TENANTS) as TenantRole[]
  const out: BenchTenants = {
    tenancy: 'tenants',
    keys: Object.fromEntries(roles.map(r => [r, admin.key])) as Record<TenantRole, string>,
    names: Object.fromEntries(roles.map(r => [r, TENANTS[r].name])) as Record<TenantRole, string>,
    ids: {},
  }
  for (const role of roles) {
    const t = TENANTS[role]
    let created = await post(admin, '/v1/tenants', { name: t.name, weight: t.weight, rateLimit: { perMinute: BENCH_TENANT_PER_MINUTE } })
    if (created.status === 404 && role === roles[0]) return { ...out, tenancy: 'labels-only' }
    // A grader at --url may have the name from an earlier run.
    if (created.status === 409) created = await post(admin, '/v1/tenants', { name: `${t.name}-${randomUUID().slice(0, 6)}`, weight: t.weight, rateLimit: { perMinute: BENCH_TENANT_PER_MINUTE } })
    if (created.status !== 201 || !Value.Check(CreatedTenant, created.json)) throw new Error(`POST /v1/tenants (${t.name}) answered ${created.status}: ${JSON.stringify(created.json).slice(0, 300)}`)
    const key = await post(admin, `/v1/tenants/${encodeURIComponent(created.json.id)}/keys`, { roles: ['submit', 'read'], lanes: [t.lane], label: 'npm run bench -- --scenario exam' })
    if (key.status !== 201 || !Value.Check(CreatedKey, key.json)) throw new Error(`POST /v1/tenants/${created.json.id}/keys answered ${key.status}: ${JSON.stringify(key.json).slice(0, 300)}`)
    out.keys[role] = key.json.key
    out.names[role] = created.json.name
    out.ids[role] = created.json.id
  }
  return out
}
