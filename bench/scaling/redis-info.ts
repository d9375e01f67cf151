/**
 * Reading Redis's own counters: INFO's memory and CPU fields, which say what the queue costs
 * the one Redis every API and worker share (its memory, and its single thread's CPU).
 */
import type { Redis } from 'ioredis'

/** The INFO fields the scaling benchmark reads. */
export interface RedisCounters {
  /** Bytes the allocator holds for data (INFO used_memory). */
  usedMemoryBytes: number
  /** CPU the server used since it started, user + system, in µs (INFO used_cpu_user/sys, in s). */
  cpuUs: number
  /** INFO redis_version. */
  version: string
}

/** Parses the `field:value` lines of INFO into a map. */
export function parseInfo (text: string): Map<string, string> {
  const fields = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':')
    if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1).trim())
  }
  return fields
}

export function countersFromInfo (text: string): RedisCounters {
  const f = parseInfo(text)
  const number = (name: string): number => {
    const value = Number(f.get(name))
    if (!Number.isFinite(value)) throw new Error(`INFO has no numeric ${name}`)
    return value
  }
  return {
    usedMemoryBytes: number('used_memory'),
    cpuUs: Math.round((number('used_cpu_user') + number('used_cpu_sys')) * 1e6),
    version: f.get('redis_version') ?? 'unknown',
  }
}

export async function readCounters (redis: Redis): Promise<RedisCounters> {
  return countersFromInfo(await redis.info())
}

/**
 * What kind of key of ours `key` is, with the ids taken out: `submission:<id>` → `submission`,
 * `submission:<id>:files` → `submission files`, BullMQ's `grading:<id>` → `job`, its
 * `grading:wait` → `queue wait`, and so on; `prefix` is the deployment's (GRADER_PREFIX).
 */
export function keyKind (prefix: string, key: string): string {
  const rest = key.startsWith(`${prefix}:`) ? key.slice(prefix.length + 1) : key
  const parts = rest.split(':')
  const [area, second, third] = parts
  if (area === 'submission') return third === undefined ? 'submission' : `submission ${parts.slice(2).join(':')}`
  if (area === 'grading' && second !== undefined) {
    // BullMQ names its own keys with words; a job's hash is named by its id (ours: a UUID).
    return /^[0-9a-f-]{20,}$/i.test(second) ? (third === undefined ? 'job' : `job ${parts.slice(2).join(':')}`) : `queue ${parts.slice(1).join(':')}`
  }
  return area ?? rest
}

/** MEMORY USAGE over the keys matching `pattern`, in bytes (allocator overhead included), in all and by {@link keyKind}. */
export async function keysMemoryBytes (redis: Redis, prefix: string): Promise<{ keys: number, bytes: number, byKind: Record<string, number> }> {
  let cursor = '0'
  let keys = 0
  let bytes = 0
  const byKind: Record<string, number> = {}
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500)
    cursor = next
    for (const key of batch) {
      // SAMPLES 0: every element of a hash or list, not an estimate from five of them.
      const used = await redis.memory('USAGE', key, 'SAMPLES', 0) as number | null
      if (used === null) continue
      keys++
      bytes += used
      const kind = keyKind(prefix, key)
      byKind[kind] = (byKind[kind] ?? 0) + used
    }
  } while (cursor !== '0')
  return { keys, bytes, byKind }
}
