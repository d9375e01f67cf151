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

/** Sum of MEMORY USAGE over the keys matching `pattern`, in bytes: what those keys hold, allocator overhead included. */
export async function keysMemoryBytes (redis: Redis, pattern: string): Promise<{ keys: number, bytes: number }> {
  let cursor = '0'
  let keys = 0
  let bytes = 0
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
    cursor = next
    for (const key of batch) {
      // SAMPLES 0: every element of a hash or list, not an estimate from five of them.
      const used = await redis.memory('USAGE', key, 'SAMPLES', 0) as number | null
      if (used !== null) { keys++; bytes += used }
    }
  } while (cursor !== '0')
  return { keys, bytes }
}
