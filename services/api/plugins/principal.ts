import type { Lane, Role } from '../../shared/contracts/vocabulary.js'

/**
 * Who a request speaks for, set by the authentication hook of `/v1` from the
 * presented key. Every route reads the tenant and the roles from here, never
 * from the request itself.
 */
export interface Principal {
  /** The key's id (`key_…`), or `env:<digest prefix>` for a key of the environment. */
  keyId: string
  /** The tenant the key belongs to. */
  tenantId: string
  roles: ReadonlySet<Role>
  /** Lanes the key may submit to; undefined = every lane. */
  lanes?: readonly Lane[]
  /** A global admin manages every tenant and the hosts; a tenant's admin only its own tenant. */
  globalAdmin: boolean
  /** Requests per minute allowed to this key; undefined = only the tenant's limit. */
  keyPerMinute?: number
  /** Requests per minute allowed to the key's whole tenant; undefined = unlimited. */
  tenantPerMinute?: number
  /** The tenant's weight: its share of the pool against other tenants with work waiting. */
  tenantWeight: number
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `/v1` authentication hook; absent outside `/v1`. */
    principal?: Principal
  }
}
