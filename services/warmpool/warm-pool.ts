import type { Logger } from 'pino'
import type { RuntimeImage } from '../hostpool/docker-host.js'
import type { Limits } from '../shared/config/limits.js'
import { DEFAULT_LANE, type Lane } from '../shared/contracts/vocabulary.js'
import type { HostPoolView, HostState } from '../shared/store/host-registry.js'
import { poolTarget, poolUsable, roomForOneMore } from './pool-sizing.js'
import type { WarmPoolOptions } from './warm-pool-options.js'

const INTERACTIVE: Lane = 'interactive'

/** What the pool reads of a host (a DockerHost is one). */
export interface PoolHost {
  readonly id: string
  readonly state: HostState
  readonly draining: boolean
  readonly capacity: number
  /** Slots only the interactive lane may take, past `capacity` (DockerHost.reserve). */
  readonly reserve: number
  readonly inFlight: number
  readonly images: ReadonlyMap<string, RuntimeImage>
  readonly memoryBytes: number | null
}

/** What the pool needs of a warm container (a SandboxSession is one). */
export interface WarmSession {
  readonly containerId: string
  /** False once its agent is gone (the container died while it waited): never handed out. */
  readonly usable: boolean
  /** Sets the run's CPU and pids limits, and its CPU weight when it has one; throws if it cannot. */
  retune: (limits: Limits, cpuShares?: number) => Promise<void>
  /** Names the container after its submission, best effort. */
  nameFor: (submissionId: string) => void
  close: () => Promise<void>
  /** Resolves once the container is removed (or given up on). */
  readonly closed: Promise<void>
}

/** One warm container to create. */
export interface WarmSpec<H extends PoolHost> {
  host: H
  image: RuntimeImage
  runtime?: string
  limits: Limits
}

export interface WarmPoolDeps<H extends PoolHost, S extends WarmSession> {
  hosts: () => readonly H[]
  /** The OCI runtime a run of the image on the host gets (its lease's), so a warm container matches its run. */
  runtimeFor: (host: H, image: RuntimeImage) => string | undefined
  /** The limits warm containers of a language are created with: the language's defaults. */
  limitsFor: (language: string) => Limits
  /** Creates, starts and warms one container, or rejects leaving nothing behind. */
  open: (spec: WarmSpec<H>) => Promise<S>
  log: Logger
  /** @defaultValue Date.now */
  now?: () => number
}

/** The pool's state on one host, as `GET /v1/hosts` and `/metrics` show it (the worker publishes it as is). */
export type WarmPoolStats = HostPoolView

interface Entry<S> {
  session: S
  language: string
  ref: string
  runtime: string | undefined
  memoryMb: number
  createdAt: number
}

interface HostPoolState<S> {
  idle: Array<Entry<S>>
  filling: number
  inUse: number
  created: number
  discarded: number
  hits: number
  misses: number
  /** Epoch ms of recent takes (hits and misses), for sizing by demand. */
  takes: number[]
  /** Epoch ms of recent takes by interactive runs: while there are some, the host's reserve holds a container. */
  interactiveTakes: number[]
  /** No fill before this epoch ms (after a failed one). */
  backoffUntil: number
}

/**
 * A few containers per host and runtime image, created, started and warmed
 * ahead of demand (agent listening, pytest imported, the student side
 * started and waiting), each hardened exactly like a cold one. A submission
 * takes one, gets its limits, runs and the container is removed: a warm
 * container is used once, never given back.
 *
 * The pool refills in the background, one creation per host at a time and
 * only while the host has a free run slot, sized by recent demand and host
 * health (pool-sizing.ts). Containers are discarded when they age past
 * `maxIdleMs`, when the host's image for the language changes, and when the
 * host stops taking work (draining, unhealthy, recycling).
 *
 * A submission whose memory limit, image or runtime differs from a warm
 * container's runs cold: the tmpfs sizes follow the memory limit and cannot
 * change on a running container. CPU and pids are set through the Docker
 * API before the files arrive (SandboxSession.retune).
 */
export class WarmPool<H extends PoolHost, S extends WarmSession> {
  private readonly state = new Map<string, HostPoolState<S>>()
  private readonly now: () => number
  private timer: NodeJS.Timeout | undefined
  private paused = 0
  private stopped = false
  private readonly fills = new Set<Promise<void>>()
  private readonly removals = new Set<Promise<void>>()

  constructor (private readonly options: WarmPoolOptions, private readonly deps: WarmPoolDeps<H, S>) {
    this.now = deps.now ?? Date.now
  }

  get enabled (): boolean { return this.options.size > 0 }

  /** Starts refilling every host on a timer; nothing happens with the pool off. */
  start (): void {
    if (!this.enabled || this.timer !== undefined) return
    this.timer = setInterval(() => { this.refill() }, this.options.refillIntervalMs)
    this.timer.unref()
    this.refill()
  }

  /**
   * A warm container for this run, with the run's limits set, or undefined
   * (the run goes cold). `lease` is the slot the scheduler gave the run:
   * the container must be on its host, of its image and runtime.
   */
  async take (lease: { host: H, image: RuntimeImage, runtime?: string }, limits: Limits, submissionId: string,
    run: { lane?: Lane, cpuShares?: number } = {}): Promise<S | undefined> {
    const lane = run.lane ?? DEFAULT_LANE
    if (!this.enabled) return undefined
    const st = this.hostState(lease.host.id)
    st.takes.push(this.now())
    if (lane === INTERACTIVE) st.interactiveTakes.push(this.now())
    const fits = (e: Entry<S>) => e.language === lease.image.language && e.ref === lease.image.ref &&
      e.runtime === lease.runtime && e.memoryMb === limits.memoryMb && !this.aged(e) && e.session.usable
    const i = st.idle.findIndex(fits)
    // The last fitting container of a host whose shared slots are all taken (this run's
    // included) is kept for the interactive lane while it has come lately: its runs start in the
    // reserve, and a cold start there is what the reserve is for avoiding. Other runs then go
    // cold, as they would have once the pool ran dry under that load.
    const keptForInteractive = lane !== INTERACTIVE && i >= 0 && this.reserveOf(lease.host, st) > 0 &&
      lease.host.inFlight >= lease.host.capacity && st.idle.filter(fits).length <= 1
    if (i < 0 || keptForInteractive) {
      st.misses++
      this.refill()
      return undefined
    }
    const [entry] = st.idle.splice(i, 1) as [Entry<S>]
    st.inUse++
    void entry.session.closed.then(() => { st.inUse-- })
    try {
      await entry.session.retune(limits, run.cpuShares)
    } catch (err) {
      this.deps.log.warn({ err, host: lease.host.id, containerId: entry.session.containerId }, 'warm container could not take the run\'s limits: running cold')
      st.misses++
      st.discarded++
      this.track(this.removals, entry.session.close())
      this.refill()
      return undefined
    }
    st.hits++
    entry.session.nameFor(submissionId)
    this.refill()
    return entry.session
  }

  /** The pool's state on one host (zeros for a host it never saw). */
  stats (hostId: string): WarmPoolStats {
    const st = this.state.get(hostId)
    const host = this.deps.hosts().find(h => h.id === hostId)
    const target = host === undefined || st === undefined ? 0 : this.targetOf(host, st)
    if (st === undefined) return { target, ready: 0, inUse: 0, created: 0, discarded: 0, hits: 0, misses: 0 }
    return { target, ready: st.idle.length, inUse: st.inUse, created: st.created, discarded: st.discarded, hits: st.hits, misses: st.misses }
  }

  /** Ids of the containers ready now, on every host: the pool's own, not leftovers of a run. */
  idleContainerIds (): string[] {
    return [...this.state.values()].flatMap(st => st.idle.map(e => e.session.containerId))
  }

  /**
   * Stops new fills and waits for those under way and every removal the pool
   * started, until `resume`: while paused, the set of the pool's containers
   * holds still (the tests' leftover checks read it).
   */
  async pause (): Promise<void> {
    this.paused++
    await Promise.all([...this.fills, ...this.removals])
  }

  resume (): void {
    this.paused = Math.max(0, this.paused - 1)
    if (this.paused === 0) this.refill()
  }

  /** Stops refilling and removes every ready container (bounded: each removal gives up after its own timeout). */
  async stop (): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    await Promise.all([...this.fills])
    for (const st of this.state.values()) {
      for (const entry of st.idle.splice(0)) {
        st.discarded++
        this.track(this.removals, entry.session.close())
      }
    }
    await Promise.all([...this.removals])
  }

  /** One pass over every host: discard what must go, start at most one fill per host. */
  refill (): void {
    if (this.stopped || !this.enabled) return
    const now = this.now()
    for (const host of this.deps.hosts()) {
      const st = this.hostState(host.id)
      this.discardStale(host, st)
      if (this.paused > 0 || now < st.backoffUntil) continue
      const target = this.targetOf(host, st)
      for (const image of host.images.values()) {
        const have = st.idle.filter(e => e.language === image.language).length
        if (have >= target) continue
        const limits = this.deps.limitsFor(image.language)
        // Read field by field: a host's capacity is a getter, which spreading an instance would drop.
        const load = {
          state: host.state, draining: host.draining, capacity: host.capacity, reserve: this.reserveOf(host, st), inFlight: host.inFlight,
          memoryBytes: host.memoryBytes, idle: st.idle.length, filling: st.filling,
        }
        if (!roomForOneMore(load, limits.memoryMb, this.options.memoryShare)) break
        this.fill(host, st, image, limits)
        break
      }
    }
  }

  private fill (host: H, st: HostPoolState<S>, image: RuntimeImage, limits: Limits): void {
    st.filling++
    const runtime = this.deps.runtimeFor(host, image)
    const createdAt = this.now()
    const done = this.deps.open({ host, image, limits, ...(runtime === undefined ? {} : { runtime }) }).then(session => {
      st.created++
      const entry: Entry<S> = { session, language: image.language, ref: image.ref, runtime, memoryMb: limits.memoryMb, createdAt }
      st.idle.push(entry)
      // The host may have changed while this one warmed up.
      this.discardStale(host, st)
    }, (err: Error) => {
      st.backoffUntil = this.now() + this.options.fillBackoffMs
      this.deps.log.warn({ err, host: host.id, language: image.language }, 'warm container failed to start; the pool waits before the next')
    }).finally(() => {
      st.filling--
      if (!this.stopped) this.refill()
    })
    this.track(this.fills, done)
  }

  private discardStale (host: H, st: HostPoolState<S>): void {
    const usable = poolUsable(host)
    const keep: Array<Entry<S>> = []
    for (const entry of st.idle) {
      const why = this.stopped
        ? 'stopping'
        : !usable ? 'host takes no work' : host.images.get(entry.language)?.ref !== entry.ref ? 'image changed'
          : this.aged(entry) ? 'idle too long' : !entry.session.usable ? 'container died' : null
      if (why === null) {
        keep.push(entry)
        continue
      }
      st.discarded++
      this.deps.log.info({ host: host.id, containerId: entry.session.containerId, why }, 'warm container discarded')
      this.track(this.removals, entry.session.close())
    }
    st.idle = keep
  }

  private targetOf (host: H, st: HostPoolState<S>): number {
    const since = this.now() - this.options.demandWindowMs
    st.takes = st.takes.filter(t => t >= since)
    return poolTarget(this.options.size, host, st.takes.length)
  }

  /** The host's interactive reserve while interactive runs came within the demand window, else 0. */
  private reserveOf (host: H, st: HostPoolState<S>): number {
    const since = this.now() - this.options.demandWindowMs
    st.interactiveTakes = st.interactiveTakes.filter(t => t >= since)
    return st.interactiveTakes.length > 0 ? host.reserve : 0
  }

  private aged (entry: Entry<S>): boolean {
    return this.now() - entry.createdAt > this.options.maxIdleMs
  }

  private hostState (id: string): HostPoolState<S> {
    let st = this.state.get(id)
    if (st === undefined) {
      st = { idle: [], filling: 0, inUse: 0, created: 0, discarded: 0, hits: 0, misses: 0, takes: [], interactiveTakes: [], backoffUntil: 0 }
      this.state.set(id, st)
    }
    return st
  }

  private track (set: Set<Promise<void>>, p: Promise<void>): void {
    const tracked = p.catch(() => {}).finally(() => { set.delete(tracked) })
    set.add(tracked)
  }
}
