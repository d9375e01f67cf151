import type { Redis } from 'ioredis'
import { readJsonKeys } from './redis-keys.js'

/** What a worker announces about itself: the languages and hosts it can grade on right now. */
export interface WorkerHeartbeat {
  workerId: string
  /** Languages with an image on at least one usable host of this worker. */
  languages: string[]
  /** Hosts of this worker able to take work. */
  usableHosts: number
  /** Epoch ms of this heartbeat. */
  at: number
}

/**
 * Workers publish heartbeats with an expiry; the API reads them to know which
 * languages can be graded and whether the grader is ready. A worker that dies
 * simply stops being counted when its key expires.
 */
export class WorkerRegistry {
  constructor (private readonly redis: Redis, private readonly prefix: string, private readonly ttlMs = 15_000) {}

  private key (workerId: string): string { return `${this.prefix}:worker:${workerId}` }

  async publish (beat: Omit<WorkerHeartbeat, 'at'>): Promise<void> {
    await this.redis.set(this.key(beat.workerId), JSON.stringify({ ...beat, at: Date.now() }), 'PX', this.ttlMs)
  }

  async remove (workerId: string): Promise<void> {
    await this.redis.del(this.key(workerId))
  }

  async list (): Promise<WorkerHeartbeat[]> {
    return await readJsonKeys<WorkerHeartbeat>(this.redis, `${this.prefix}:worker:*`)
  }

  /** Languages at least one live worker can grade. */
  async languages (): Promise<Set<string>> {
    return new Set((await this.list()).filter(w => w.usableHosts > 0).flatMap(w => w.languages))
  }
}
