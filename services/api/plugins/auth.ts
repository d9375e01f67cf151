import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ApiKey } from '../../shared/contracts/tenant-schema.js'
import { BOOTSTRAP_TENANT, ROLES, type Role } from '../../shared/contracts/vocabulary.js'
import { GraderError } from '../../shared/errors/grader-error.js'
import type { TenantRecord } from '../../shared/store/tenant-store.js'
import type { Principal } from './principal.js'

/**
 * Bearer-key authentication: the one place a request becomes a
 * {@link Principal} (a tenant, a key and its roles). Two kinds of key:
 *
 * - the keys of the environment (`GRADER_API_KEYS`, `GRADER_ADMIN_KEYS`):
 *   the bootstrap tenant, with every role; an admin key (or, when
 *   `GRADER_ADMIN_KEYS` is unset, every API key) is a global admin, so
 *   `npm start` works as it did before tenants;
 * - keys made through `POST /v1/tenants/:id/keys`, looked up by digest in
 *   Redis, with the roles and lanes they were given.
 *
 * With no key configured and none made, every protected request is refused
 * (fail closed).
 */

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest()

/**
 * The key of a `Bearer` header, or undefined. Parsed by hand, not with a
 * regular expression, so a hostile 16 KiB header cannot make it backtrack.
 */
export function bearerKey (authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined
  const space = authorization.indexOf(' ')
  // RFC 7235: the scheme is case-insensitive
  if (space < 0 || authorization.slice(0, space).toLowerCase() !== 'bearer') return undefined
  const key = authorization.slice(space + 1).trim()
  return key === '' ? undefined : key
}

/**
 * Builds a check of an `Authorization` header against the configured keys.
 *
 * Keys are compared as SHA-256 digests with `timingSafeEqual`: the digests
 * always have the same length, so neither the content nor the length of a
 * key leaks through response times, and every key is compared every time.
 */
export function bearerKeyCheck (apiKeys: readonly string[]): (authorization: string | undefined) => boolean {
  const digests = apiKeys.map(sha256)
  return authorization => {
    const presented = bearerKey(authorization)
    if (presented === undefined) return false
    const digest = sha256(presented)
    let matched = false
    for (const known of digests) matched = timingSafeEqual(digest, known) || matched
    return matched
  }
}

/**
 * The keys `/v1` accepts from the environment: API keys and admin keys (an
 * admin key is a valid API key too), each once.
 */
export function acceptedKeys (apiKeys: readonly string[], adminKeys: readonly string[]): string[] {
  return [...new Set([...apiKeys, ...adminKeys])]
}

/** What authentication looks keys and tenants up in; narrow, so unit tests hand in maps. */
export interface AuthDeps {
  apiKeys: readonly string[]
  adminKeys: readonly string[]
  keys: { find: (key: string) => Promise<ApiKey | null> }
  tenants: { get: (id: string) => Promise<TenantRecord | null> }
}

const EVERY_ROLE: ReadonlySet<Role> = new Set(ROLES)
/** An API key of the environment that is not an admin key: everything but running the grader. */
const ENVIRONMENT_API_KEY_ROLES: ReadonlySet<Role> = new Set(ROLES.filter(role => role !== 'admin'))

/** The id a key of the environment goes by in logs and rate limits: never the key itself. */
const environmentKeyId = (key: string): string => `env:${sha256(key).toString('hex').slice(0, 12)}`

const unauthorized = (): GraderError => new GraderError('unauthorized', 'missing or wrong API key: send "Authorization: Bearer <key>"')

/**
 * Resolves the principal of a request, or throws 401 `unauthorized`. The
 * environment's keys are compared first, in constant time and without
 * Redis; any other key is looked up by its digest.
 */
export function principalResolver (deps: AuthDeps): (authorization: string | undefined) => Promise<Principal> {
  const isEnvironmentKey = bearerKeyCheck(acceptedKeys(deps.apiKeys, deps.adminKeys))
  const isAdminKey = bearerKeyCheck(deps.adminKeys)
  const everyKeyIsAdmin = deps.adminKeys.length === 0
  return async authorization => {
    const presented = bearerKey(authorization)
    if (presented === undefined) throw unauthorized()
    if (isEnvironmentKey(authorization)) {
      const tenant = await deps.tenants.get(BOOTSTRAP_TENANT)
      const admin = everyKeyIsAdmin || isAdminKey(authorization)
      return {
        keyId: environmentKeyId(presented),
        tenantId: BOOTSTRAP_TENANT,
        roles: admin ? EVERY_ROLE : ENVIRONMENT_API_KEY_ROLES,
        globalAdmin: admin,
        tenantWeight: tenant?.weight ?? 1,
        ...(tenant?.rateLimit !== undefined ? { tenantPerMinute: tenant.rateLimit.perMinute } : {}),
      }
    }
    // keys made through the API all look alike: anything else cannot be one, and Redis is not asked
    if (!presented.startsWith('gk_') || presented.length > 100) throw unauthorized()
    const key = await deps.keys.find(presented)
    const tenant = key === null ? null : await deps.tenants.get(key.tenant)
    if (key === null || tenant === null) throw unauthorized()
    const roles = new Set(key.roles)
    return {
      keyId: key.id,
      tenantId: key.tenant,
      roles,
      ...(key.lanes !== undefined ? { lanes: key.lanes } : {}),
      // the admins of the bootstrap tenant run the grader; every other tenant's only their own tenant
      globalAdmin: key.tenant === BOOTSTRAP_TENANT && roles.has('admin'),
      tenantWeight: tenant.weight,
      ...(key.rateLimit !== undefined ? { keyPerMinute: key.rateLimit.perMinute } : {}),
      ...(tenant.rateLimit !== undefined ? { tenantPerMinute: tenant.rateLimit.perMinute } : {}),
    }
  }
}

/**
 * An `onRequest` hook setting `request.principal`, refusing requests without
 * a valid key with 401 `unauthorized`. Register it in the scope of the
 * routes it protects, before any other hook of that scope.
 */
export function authenticate (deps: AuthDeps): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const resolve = principalResolver(deps)
  return async (request, reply) => {
    try {
      request.principal = await resolve(request.headers.authorization)
    } catch (err) {
      // tells a client which scheme to use (RFC 6750 §3)
      if (err instanceof GraderError && err.code === 'unauthorized') void reply.header('www-authenticate', 'Bearer')
      throw err
    }
  }
}

/** The principal set by {@link authenticate}; a route outside its scope is a bug of ours. */
export function principalOf (request: FastifyRequest): Principal {
  if (request.principal === undefined) throw new Error(`no principal on ${request.method} ${request.routeOptions.url ?? request.url}: the route is outside the authenticated scope`)
  return request.principal
}

/** Whether the principal holds `role`. An admin also reads everything of its tenant. */
export function hasRole (principal: Principal, role: Role): boolean {
  return principal.roles.has(role) || (role === 'read' && principal.roles.has('admin'))
}

/**
 * An `onRequest` hook refusing a principal without one of `roles` with 403
 * `forbidden`. Register it inside a scope already guarded by
 * {@link authenticate}: parent hooks run first, so a missing or wrong key
 * is still answered 401, never 403.
 */
export function requireRole (...roles: Role[]): (request: FastifyRequest) => Promise<void> {
  return async request => {
    const principal = principalOf(request)
    if (roles.some(role => hasRole(principal, role))) return
    throw new GraderError('forbidden', `this route needs a key with the ${roles.map(r => JSON.stringify(r)).join(' or ')} role`)
  }
}

/** An `onRequest` hook refusing anyone but a global admin (the hosts are every tenant's) with 403 `forbidden`. */
export function requireGlobalAdmin (): (request: FastifyRequest) => Promise<void> {
  return async request => {
    if (principalOf(request).globalAdmin) return
    throw new GraderError('forbidden', 'this route needs an admin key of the grader itself (GRADER_ADMIN_KEYS, or an admin key of the bootstrap tenant)')
  }
}
