import type { Redis } from 'ioredis'

/**
 * Every key matching `pattern`, by SCAN (never KEYS: it would block a shared
 * Redis while it walks the whole keyspace).
 */
export async function scanKeys (redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
    keys.push(...batch)
    cursor = next
  } while (cursor !== '0')
  return keys
}

/** The JSON values of every live key matching `pattern` (keys expiring meanwhile are skipped). */
export async function readJsonKeys<T> (redis: Redis, pattern: string): Promise<T[]> {
  const keys = await scanKeys(redis, pattern)
  if (keys.length === 0) return []
  const values = await redis.mget(...keys)
  return values.flatMap(v => (v === null ? [] : [JSON.parse(v) as T]))
}
