import type { Redis } from 'ioredis'
import { readJsonKeys } from './redis-keys.js'

/**
 * Health of a Docker host, as the API reports it. `draining` is a separate
 * flag set by ops, not a state.
 * - `healthy`: answers within its latency criteria; takes its full concurrency.
 * - `degraded`: slower than its criteria; takes less work (half its concurrency).
 * - `unhealthy`: probes time out or fail; takes none, its runs are moved elsewhere.
 * - `recycling`: the recycle action runs; re-admitted only once probes are healthy again.
 */
export const HostState = { healthy: 'healthy', degraded: 'degraded', unhealthy: 'unhealthy', recycling: 'recycling' } as const
export type HostState = (typeof HostState)[keyof typeof HostState]

/** One host as a worker sees it; `GET /v1/hosts` answers a list of these. */
export interface HostView {
  id: string
  endpoint: string
  state: HostState
  draining: boolean
  concurrency: number
  inFlight: number
  latencyMs: { p50: number | null, p95: number | null }
  /** Languages with a runtime image on the host. */
  images: string[]
  /** Worker that grades on it. */
  worker: string
  /** ISO time of the last recycle, or null. */
  lastRecycleAt: string | null
  /** Probe failures in the current window. */
  errors: number
  lastError: string | null
  /** The warm pool on the host (see WarmPoolStats); absent with the pool off. */
  pool?: HostPoolView
}

/** The warm pool on one host as its worker publishes it: containers now, and counts since the worker started. */
export interface HostPoolView {
  /** Containers it aims to keep ready now (per image). */
  target: number
  /** Ready for a submission. */
  ready: number
  /** Handed to a submission and not yet removed. */
  inUse: number
  created: number
  /** Removed unused: aged out, image changed, host drained or unhealthy, or unable to take a run's limits. */
  discarded: number
  /** Submissions that got a warm container. */
  hits: number
  /** Submissions that ran cold (pool empty, or limits, image or runtime it cannot serve). */
  misses: number
}

/** What ops asked of a host; kept in Redis so every worker (and a restarted one) applies it. */
export interface HostControl {
  draining?: boolean
  concurrency?: number
}

/** A one-off order for the worker that owns a host. */
export interface HostCommand {
  hostId: string
  action: 'recycle'
}

/**
 * The shared ops view of Docker hosts, in Redis: each worker publishes its
 * hosts (a key per worker, with expiry, so a dead worker's hosts vanish), and
 * reads the controls ops set. Control changes and commands are announced on
 * one pub/sub channel so workers apply them at once, without restarts.
 */
export class HostRegistry {
  constructor (private readonly redis: Redis, private readonly prefix: string, private readonly ttlMs = 15_000) {}

  private viewKey (workerId: string): string { return `${this.prefix}:hosts:${workerId}` }
  private get controlKey (): string { return `${this.prefix}:host-control` }
  /** Channel of control changes and commands (message: JSON `{hostId, action?}`). */
  get channel (): string { return `${this.prefix}:host-events` }

  async publishViews (workerId: string, views: HostView[]): Promise<void> {
    await this.redis.set(this.viewKey(workerId), JSON.stringify(views), 'PX', this.ttlMs)
  }

  async removeViews (workerId: string): Promise<void> {
    await this.redis.del(this.viewKey(workerId))
  }

  /** Every host of every live worker. */
  async views (): Promise<HostView[]> {
    const lists = await readJsonKeys<HostView[]>(this.redis, `${this.prefix}:hosts:*`)
    return lists.flat().sort((a, b) => a.id.localeCompare(b.id))
  }

  async controls (): Promise<Record<string, HostControl>> {
    const raw = await this.redis.hgetall(this.controlKey)
    const out: Record<string, HostControl> = {}
    // One field per host and setting (`<hostId>|draining`), so two changes at once never overwrite each other.
    for (const [field, value] of Object.entries(raw)) {
      const cut = field.lastIndexOf('|')
      const id = field.slice(0, cut)
      const setting = field.slice(cut + 1)
      const control = (out[id] ??= {})
      if (setting === 'draining') control.draining = value === 'true'
      else if (setting === 'concurrency') control.concurrency = Number(value)
    }
    return out
  }

  /** Merges `change` into the host's control and tells every worker. */
  async setControl (hostId: string, change: HostControl): Promise<HostControl> {
    const fields = Object.entries(change).filter(([, v]) => v !== undefined).flatMap(([k, v]) => [`${hostId}|${k}`, String(v)])
    if (fields.length > 0) await this.redis.hset(this.controlKey, ...fields)
    await this.redis.publish(this.channel, JSON.stringify({ hostId }))
    return (await this.controls())[hostId] ?? {}
  }

  /**
   * Claims the right to recycle a host for `ttlMs`: when several workers share
   * a host, only one of them runs the recycle action; the others wait for its
   * probes to come back good.
   */
  async claimRecycle (hostId: string, workerId: string, ttlMs: number): Promise<boolean> {
    return await this.redis.set(`${this.prefix}:recycle-lock:${hostId}`, workerId, 'PX', ttlMs, 'NX') === 'OK'
  }

  /** Gives up a recycle claim, if this worker still holds it. */
  async releaseRecycle (hostId: string, workerId: string): Promise<void> {
    // Compare and delete in one step: never delete a claim another worker has just taken.
    await this.redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
      1, `${this.prefix}:recycle-lock:${hostId}`, workerId)
  }

  async command (command: HostCommand): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(command))
  }
}
