import type Docker from 'dockerode'
import type { Logger } from 'pino'
import type { HostControl, HostView } from '../shared/store/host-registry.js'
import type { Lane } from '../shared/contracts/vocabulary.js'
import { DockerHost, type RuntimeImage } from './docker-host.js'
import type { HostDaemon } from './host-daemon.js'
import type { HostLifecycleState } from './host-lifecycle.js'
import type { HostPoolOptions } from './host-pool-options.js'
import { HostProber } from './host-prober.js'
import { HostRecycler, type RecycleOutcome } from './host-recycler.js'
import { HostScheduler, type Lease } from './host-scheduler.js'
import { ImageSync } from './image-sync.js'
import { OpsControls } from './ops-controls.js'

export { DockerHost, type RuntimeImage } from './docker-host.js'
export type { Lease } from './host-scheduler.js'

export interface HostPoolHooks {
  /** The harness protocol the worker speaks: images labelled with another `grader.harness` are ignored. */
  harnessProtocol?: number
  /** language → OCI runtime chosen by the operator, carried by each lease where the host has it. @defaultValue none */
  runtimes?: Readonly<Record<string, string>>
  /** Told of every recycle action and its outcome (metrics). */
  recycled?: (host: DockerHost, outcome: RecycleOutcome) => void
  /** Whether this worker may recycle the host now (false: another worker sharing it does). @defaultValue always */
  claimRecycle?: (host: DockerHost) => Promise<boolean>
  /** The recycle this worker claimed is over (success or not): others may claim the next one. */
  recycleFinished?: (host: DockerHost) => Promise<void>
  /** Epoch ms now; unit tests pass their own clock. @defaultValue Date.now */
  now?: () => number
  /** The pool's seam to each daemon; unit tests pass a fake. @defaultValue dockerode */
  daemonFor?: (docker: Docker, endpoint: string) => HostDaemon
  /** The recycle action; unit tests pass their own. @defaultValue GRADER_RECYCLE_COMMAND */
  recycleAction?: (host: DockerHost) => Promise<RecycleOutcome>
}

/**
 * The Docker hosts of one worker, put together from one part per job:
 * - HostLifecycle (per host): one state, guarded transitions;
 * - HostProber: real API calls on a timer per host, feeding the lifecycle;
 * - ImageSync: which runtime images each host has, and copies between hosts;
 * - HostScheduler: leases on the least-loaded usable host, carrying the runtime;
 * - HostRecycler: grace for runs on an unhealthy host, recycle, back-off;
 * - OpsControls: draining, concurrency and recycle requests from ops.
 * Every call to a daemon goes through HostDaemon, which unit tests fake.
 */
export class HostPool {
  readonly hosts: DockerHost[]
  private readonly timers: NodeJS.Timeout[] = []
  private stopped = false
  private readonly now: () => number
  private readonly images: ImageSync
  private readonly prober: HostProber
  private readonly scheduler: HostScheduler
  private readonly recycler: HostRecycler
  private readonly ops: OpsControls

  constructor (endpoints: readonly string[], defaultConcurrency: number, private readonly options: HostPoolOptions,
    private readonly log: Logger, hooks: HostPoolHooks = {}) {
    const now = this.now = hooks.now ?? Date.now
    this.hosts = endpoints.map(e => new DockerHost(e, defaultConcurrency, options, { now, daemonFor: hooks.daemonFor }))
    const changed = (host: DockerHost, next: HostLifecycleState) => { this.changed(host, next) }
    this.scheduler = new HostScheduler(this.hosts, options, { log, now, runtimes: hooks.runtimes })
    this.images = new ImageSync(options, { log, now, harnessProtocol: hooks.harnessProtocol, copied: () => { this.scheduler.wake() } })
    this.prober = new HostProber(options, { now, images: this.images, changed })
    this.recycler = new HostRecycler(options, {
      log, now, scheduler: this.scheduler, changed,
      action: hooks.recycleAction, recycled: hooks.recycled, claimRecycle: hooks.claimRecycle, recycleFinished: hooks.recycleFinished,
    })
    this.ops = new OpsControls(defaultConcurrency, { log, recycler: this.recycler, changed: () => { this.scheduler.wake() } })
  }

  /** Most runs the pool could take at once with every host healthy. */
  get capacity (): number { return this.hosts.reduce((n, h) => n + h.concurrency, 0) }

  /** Slots the interactive lane may take on top of {@link capacity}, with every host healthy. */
  get reserve (): number { return this.hosts.reduce((n, h) => n + h.interactiveSlots, 0) }

  get (id: string): DockerHost | undefined { return this.hosts.find(h => h.id === id) }

  /** Probes every host once (so start-up knows what it has), then keeps probing each on its own timer. */
  async start (): Promise<void> {
    await Promise.all(this.hosts.map(h => this.probe(h)))
    for (const host of this.hosts) {
      const timer = setInterval(() => { void this.probe(host) }, this.options.probeIntervalMs)
      timer.unref()
      this.timers.push(timer)
    }
  }

  stop (): void {
    this.stopped = true
    for (const t of this.timers) clearInterval(t)
    this.scheduler.stop()
  }

  /** Languages some usable host can grade. */
  languages (): string[] {
    return [...new Set(this.hosts.filter(h => h.capacity > 0).flatMap(h => [...h.images.keys()]))]
  }

  usableHosts (): number { return this.hosts.filter(h => h.capacity > 0 && h.images.size > 0).length }

  /** Applies what ops set in Redis: draining and concurrency. */
  applyControl (id: string, control: HostControl): void {
    const host = this.get(id)
    if (host !== undefined) this.ops.apply(host, control)
  }

  views (workerId: string): HostView[] {
    return this.hosts.map(h => ({
      id: h.id,
      endpoint: h.endpoint,
      state: h.state,
      draining: h.draining,
      concurrency: h.concurrency,
      inFlight: h.inFlight,
      latencyMs: { p50: h.health.p50, p95: h.health.p95 },
      images: [...h.images.keys()],
      worker: workerId,
      lastRecycleAt: h.lastRecycleAt === null ? null : new Date(h.lastRecycleAt).toISOString(),
      errors: h.health.errorCount,
      lastError: h.lastError,
    }))
  }

  /** One probe, then what follows from it: image copies onto the host, the grace of its runs and its recycle. */
  async probe (host: DockerHost): Promise<void> {
    if (this.stopped) return
    const outcome = await this.prober.probe(host)
    if (outcome === 'skipped' || outcome === 'stale') return
    if (outcome === 'ok' && this.options.imageSync) void this.images.copyMissing(host, this.hosts)
    this.recycler.checkGrace(host)
  }

  /** Recycles a host now (ops asked, or it is unhealthy); null when refused (one is under way, no action is set, another worker holds it). */
  async recycle (host: DockerHost, why: 'unhealthy' | 'ops'): Promise<RecycleOutcome | null> {
    return why === 'ops' ? await this.ops.recycle(host) : await this.recycler.recycle(host, why)
  }

  /** The OCI runtime a run of `image` on `host` gets (the one its lease would carry). */
  runtimeFor (host: DockerHost, image: RuntimeImage): string | undefined {
    return this.scheduler.runtimeFor(host, image)
  }

  /** See HostScheduler.acquire: the lease carries the host, the image and the OCI runtime. */
  async acquire (language: string, avoid?: string, lane?: Lane): Promise<Lease> {
    return await this.scheduler.acquire(language, avoid, lane)
  }

  private changed (host: DockerHost, next: HostLifecycleState): void {
    const log = { host: host.id, state: host.state, p95: host.health.p95, error: host.lastError ?? undefined }
    if (next === 'unhealthy') this.log.warn(log, 'host unhealthy')
    else this.log.info(log, `host ${host.state}`)
    // Capacity changed either way: waiting runs look again.
    this.scheduler.wake()
  }
}
