import type { FastifyRequest } from 'fastify'
import { describe, expect, it } from 'vitest'
import { bearerKeyCheck, hasRole, principalResolver, requireGlobalAdmin, requireRole } from '../../../services/api/plugins/auth.js'
import type { Principal } from '../../../services/api/plugins/principal.js'
import type { ApiKey } from '../../../services/shared/contracts/tenant-schema.js'
import { BOOTSTRAP_TENANT, ROLES, type Role } from '../../../services/shared/contracts/vocabulary.js'
import type { TenantRecord } from '../../../services/shared/store/tenant-store.js'
import { loadConfig } from '../../../services/shared/config/config.js'

describe('bearerKeyCheck', () => {
  const check = bearerKeyCheck(['alpha-key', 'beta-key'])

  it('accepts every configured key', () => {
    expect(check('Bearer alpha-key')).toBe(true)
    expect(check('Bearer beta-key')).toBe(true)
  })

  it('accepts the scheme in any case and surrounding spaces', () => {
    expect(check('bearer alpha-key')).toBe(true)
    expect(check('BEARER   alpha-key  ')).toBe(true)
  })

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['a scheme with no key', 'Bearer '],
    ['a wrong key', 'Bearer alpha-kez'],
    ['a prefix of a key', 'Bearer alpha'],
    ['a key plus more', 'Bearer alpha-key2'],
    ['another scheme', 'Basic alpha-key'],
    ['a bare key', 'alpha-key'],
  ])('refuses %s', (_what, header) => {
    expect(check(header)).toBe(false)
  })

  it('refuses everything when no key is configured', () => {
    const none = bearerKeyCheck([])
    expect(none('Bearer ')).toBe(false)
    expect(none('Bearer anything')).toBe(false)
  })

  it('answers a hostile 16 KiB header quickly', () => {
    const started = performance.now()
    expect(check(`Bearer x${' '.repeat(16 * 1024)}y`)).toBe(false)
    expect(performance.now() - started).toBeLessThan(50)
  })
})

describe('principals', () => {
  const tenantRecord = (id: string, extra: Partial<TenantRecord> = {}): TenantRecord => ({ id, name: id, weight: 2, createdAt: new Date(0).toISOString(), ...extra })
  const made = new Map<string, ApiKey>([
    ['gk_submitter', { id: 'key_a', tenant: 't_one', roles: ['submit'], lanes: ['exam'], rateLimit: { perMinute: 30 }, createdAt: '' }],
    ['gk_bootadmin', { id: 'key_b', tenant: BOOTSTRAP_TENANT, roles: ['admin'], createdAt: '' }],
    ['gk_tenantadmin', { id: 'key_c', tenant: 't_one', roles: ['admin'], createdAt: '' }],
    ['gk_orphan', { id: 'key_d', tenant: 't_gone', roles: ['submit'], createdAt: '' }],
  ])
  const tenants = new Map<string, TenantRecord>([['t_one', tenantRecord('t_one', { rateLimit: { perMinute: 600 } })], [BOOTSTRAP_TENANT, tenantRecord(BOOTSTRAP_TENANT)]])
  const lookups: string[] = []
  const resolver = (adminKeys: string[]) => principalResolver({
    apiKeys: ['env-api'],
    adminKeys,
    keys: { find: async key => { lookups.push(key); return made.get(key) ?? null } },
    tenants: { get: async id => tenants.get(id) ?? null },
  })

  it('makes every key of the environment a global admin of the bootstrap tenant when GRADER_ADMIN_KEYS is unset', async () => {
    const principal = await resolver([])('Bearer env-api')
    expect(principal).toMatchObject({ tenantId: BOOTSTRAP_TENANT, globalAdmin: true, tenantWeight: 2 })
    expect([...principal.roles].sort()).toEqual([...ROLES].sort())
    expect(principal.keyId).toMatch(/^env:[0-9a-f]{12}$/)
    expect(principal.keyId).not.toContain('env-api')
  })

  it('keeps an API key of the environment from admin work once admin keys are set', async () => {
    const api = await resolver(['env-admin'])('Bearer env-api')
    expect(api.globalAdmin).toBe(false)
    expect(api.roles.has('admin')).toBe(false)
    expect(api.roles.has('submit')).toBe(true)
    const admin = await resolver(['env-admin'])('Bearer env-admin')
    expect(admin.globalAdmin).toBe(true)
    expect(admin.roles.has('admin')).toBe(true)
  })

  it('gives a key made through the API its tenant, roles, lanes and limits', async () => {
    const principal = await resolver([])('Bearer gk_submitter')
    expect(principal).toMatchObject({ keyId: 'key_a', tenantId: 't_one', lanes: ['exam'], globalAdmin: false, keyPerMinute: 30, tenantPerMinute: 600 })
    expect([...principal.roles]).toEqual(['submit'])
  })

  it("makes an admin of the bootstrap tenant a global admin, and another tenant's admin not", async () => {
    expect((await resolver([])('Bearer gk_bootadmin')).globalAdmin).toBe(true)
    expect((await resolver([])('Bearer gk_tenantadmin')).globalAdmin).toBe(false)
  })

  it.each([
    ['no header', undefined],
    ['an unknown key', 'Bearer gk_nobody'],
    ['a key whose tenant is gone', 'Bearer gk_orphan'],
    ['a key of no known form', 'Bearer something-else'],
    ['another scheme', 'Basic gk_submitter'],
  ])('refuses %s with unauthorized', async (_what, header) => {
    await expect(resolver([])(header)).rejects.toMatchObject({ name: 'GraderError', code: 'unauthorized', status: 401 })
  })

  it('never asks Redis about a key that cannot be one made through the API', async () => {
    lookups.length = 0
    await expect(resolver([])('Bearer not-a-made-key')).rejects.toMatchObject({ code: 'unauthorized' })
    expect(lookups).toEqual([])
  })

  it('lets an admin read, but not submit', () => {
    const admin: Principal = { keyId: 'k', tenantId: 't', roles: new Set(['admin']), globalAdmin: false, tenantWeight: 1 }
    expect(hasRole(admin, 'read')).toBe(true)
    expect(hasRole(admin, 'submit')).toBe(false)
  })

  it('refuses a principal without the role with forbidden, and lets one with it through', async () => {
    const request = (roles: Role[]): FastifyRequest => ({ principal: { keyId: 'k', tenantId: 't', roles: new Set(roles), globalAdmin: false, tenantWeight: 1 } }) as unknown as FastifyRequest
    await expect(requireRole('submit')(request(['read']))).rejects.toMatchObject({ name: 'GraderError', code: 'forbidden', status: 403 })
    await expect(requireRole('submit')(request(['submit']))).resolves.toBeUndefined()
    await expect(requireGlobalAdmin()(request(['admin']))).rejects.toMatchObject({ code: 'forbidden' })
  })

  it('reads GRADER_ADMIN_KEYS as a comma-separated list, empty by default', () => {
    expect(loadConfig({ GRADER_ADMIN_KEYS: ' ops-1, ,ops-2 ' }).adminKeys).toEqual(['ops-1', 'ops-2'])
    expect(loadConfig({}).adminKeys).toEqual([])
  })
})
