import { createHash, randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { ApiKey, KeyRequest } from '../contracts/tenant-schema.js'

/** SHA-256 of a key, hex: the only form a key is kept in. */
export function keyDigest (key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

/**
 * API keys made through the API, stored only as SHA-256 digests: the key
 * itself is shown once, in the answer that created it. A key is 32 random
 * bytes, so a digest cannot be turned back into it, and no salt is needed.
 *
 * Layout: `api-key:<digest>` (the record, JSON: one GET authenticates a
 * request), `api-key-id:<id>` (→ digest, to delete by id), and
 * `tenant:<id>:keys` (the set of a tenant's key ids).
 */
export class ApiKeyStore {
  constructor (private readonly redis: Redis, private readonly prefix: string) {}

  private byDigestKey (digest: string): string { return `${this.prefix}:api-key:${digest}` }
  private byIdKey (id: string): string { return `${this.prefix}:api-key-id:${id}` }
  private tenantKeys (tenant: string): string { return `${this.prefix}:tenant:${tenant}:keys` }

  /** A new key of `tenant`: the record, and the key itself (never stored). */
  async create (tenant: string, request: KeyRequest, now = new Date()): Promise<{ record: ApiKey, key: string }> {
    const key = `gk_${randomBytes(32).toString('base64url')}`
    const record: ApiKey = {
      id: `key_${randomBytes(8).toString('hex')}`,
      tenant,
      roles: request.roles,
      ...(request.lanes !== undefined ? { lanes: request.lanes } : {}),
      ...(request.rateLimit !== undefined ? { rateLimit: request.rateLimit } : {}),
      ...(request.label !== undefined ? { label: request.label } : {}),
      createdAt: now.toISOString(),
    }
    const digest = keyDigest(key)
    await this.redis.multi()
      .set(this.byDigestKey(digest), JSON.stringify(record))
      .set(this.byIdKey(record.id), digest)
      .sadd(this.tenantKeys(tenant), record.id)
      .exec()
    return { record, key }
  }

  /** The record of a presented key; null when no such key exists (or it was deleted). */
  async find (key: string): Promise<ApiKey | null> {
    const raw = await this.redis.get(this.byDigestKey(keyDigest(key)))
    return raw === null ? null : JSON.parse(raw) as ApiKey
  }

  /** The record of a key by id; null when there is none. */
  async get (id: string): Promise<ApiKey | null> {
    const digest = await this.redis.get(this.byIdKey(id))
    if (digest === null) return null
    const raw = await this.redis.get(this.byDigestKey(digest))
    return raw === null ? null : JSON.parse(raw) as ApiKey
  }

  /** A tenant's keys, oldest first. */
  async list (tenant: string): Promise<ApiKey[]> {
    const ids = await this.redis.smembers(this.tenantKeys(tenant))
    const records = await Promise.all(ids.map(async id => await this.get(id)))
    return records.filter((r): r is ApiKey => r !== null).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
  }

  /** Deletes a key: requests with it are refused from the next one on. The record as it was, or null. */
  async remove (id: string): Promise<ApiKey | null> {
    const record = await this.get(id)
    if (record === null) return null
    const digest = await this.redis.get(this.byIdKey(id))
    await this.redis.multi().del(this.byDigestKey(digest!), this.byIdKey(id)).srem(this.tenantKeys(record.tenant), id).exec()
    return record
  }
}
