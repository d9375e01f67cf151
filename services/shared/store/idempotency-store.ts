import type { Redis } from 'ioredis'

/** KEYS: the entry. ARGV: the id it must still name. Deletes it only then. */
const RELEASE_IF_OURS = `
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw).id == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/** What an `Idempotency-Key` already stands for. */
export interface IdempotencyEntry {
  /** SHA-256 (hex) of the canonical JSON of the first request's body. */
  bodyHash: string
  /** The submission (or batch) that request created. */
  id: string
}

/** A claim's outcome: this request is the first with the key, or an earlier one holds it. */
export type IdempotencyClaim = { claimed: true, key: string } | { claimed: false, key: string, entry: IdempotencyEntry }

/**
 * `Idempotency-Key` entries: `idempotency:<scope>:<key>` → the body's hash
 * and the id created, claimed with SET NX so two racing requests with one
 * key cannot both create something. A scope keeps one API key's keys apart
 * from another's. An entry expires after `ttlS` seconds; the submission
 * store re-arms it with the submission's own expiry once it is attached
 * (`SubmissionStore.attach`), and deletes it with the submission.
 */
export class IdempotencyStore {
  constructor (private readonly redis: Redis, private readonly prefix: string, private readonly ttlS: number) {}

  key (scope: string, idempotencyKey: string): string { return `${this.prefix}:idempotency:${scope}:${idempotencyKey}` }

  /** Claims the key for `entry`, or answers what holds it already. */
  async claim (scope: string, idempotencyKey: string, entry: IdempotencyEntry): Promise<IdempotencyClaim> {
    const key = this.key(scope, idempotencyKey)
    const set = await this.redis.set(key, JSON.stringify(entry), 'EX', this.ttlS, 'NX')
    if (set === 'OK') return { claimed: true, key }
    const raw = await this.redis.get(key)
    // expired between the two calls: claim again (at most once more, in practice)
    if (raw === null) return await this.claim(scope, idempotencyKey, entry)
    return { claimed: false, key, entry: JSON.parse(raw) as IdempotencyEntry }
  }

  /**
   * Gives a key back after its request was refused, so the client can retry
   * with the same key (a 503, a 429). Only while it still names `id`.
   */
  async release (scope: string, idempotencyKey: string, id: string): Promise<void> {
    await this.redis.eval(RELEASE_IF_OURS, 1, this.key(scope, idempotencyKey), id)
  }
}
