import Docker from 'dockerode'
import type { Logger } from 'pino'
import { GraderError } from '../shared/errors/grader-error.js'
import type { HostControl, HostState, HostView } from '../shared/store/host-registry.js'
import { dockerOptions, hostId } from './docker-endpoint.js'
import { HostHealth } from './host-health.js'
import type { HostPoolOptions } from './host-pool-options.js'
import { runRecycleCommand, type RecycleOutcome } from './host-recycler.js'

/** A runtime image a host holds, discovered from its labels. */
export interface RuntimeImage {
  language: string
  /** Reference to create containers from (the image id: immune to re-tagging mid-run). */
  ref: string
  tag: string
  harness: number
  /** Command that starts the student half of the harness. */
  runner: string[]
  /** OCI runtime the image asks for (label `grader.runtime`), if any. */
  runtime?: string
}

/** One Docker daemon the worker grades on. */
export class DockerHost {
  readonly id: string
  readonly docker: Docker
  readonly health: HostHealth
  inFlight = 0
  images = new Map<string, RuntimeImage>()
  /** OCI runtimes the daemon offers (`runc`, maybe `runsc`…), read once it answers. */
  runtimes = new Set<string>()
  lastError: string | null = null
  /** Set by ops; survives restarts because it lives in Redis. */
  draining = false
  lastRecycleAt: number | null = null
  /** Recycles back to back that the host fell over again soon after: drives the backoff. */
  flaps = 0
  recycling = false
  /** A probe of this host is under way. */
  probing = false
  /** A runtime image is being copied to this host (GRADER_IMAGE_SYNC). */
  syncing = false
  /** Aborted when the host's in-flight runs must be given up and retried elsewhere. */
  runs = new AbortController()
  probes = 0

  constructor (readonly endpoint: string, public concurrency: number, options: HostPoolOptions) {
    this.id = hostId(endpoint)
    this.docker = new Docker(dockerOptions(endpoint))
    this.health = new HostHealth({ degradedMs: options.degradedMs, unhealthyAfter: options.unhealthyAfter, recoverAfter: options.recoverAfter })
  }

  get state (): HostState { return this.health.state }

  /** Runs this host may take at once now: all when healthy, half when degraded, none otherwise or while draining. */
  get capacity (): number {
    if (this.draining) return 0
    if (this.state === 'healthy') return this.concurrency
    if (this.state === 'degraded') return Math.max(1, Math.floor(this.concurrency / 2))
    return 0
  }

  get load (): number { return this.inFlight / Math.max(1, this.capacity) }
  get hasRoom (): boolean { return this.inFlight < this.capacity }
}

export interface HostPoolHooks {
  /** The harness protocol the worker speaks: images labelled with another `grader.harness` are ignored. */
  harnessProtocol?: number
  /** Told of every recycle action and its outcome (metrics). */
  recycled?: (host: DockerHost, outcome: RecycleOutcome) => void
  /** Whether this worker may recycle the host now (false: another worker sharing it does). @defaultValue always */
  claimRecycle?: (host: DockerHost) => Promise<boolean>
  /** The recycle this worker claimed is over (success or not): others may claim the next one. */
  recycleFinished?: (host: DockerHost) => Promise<void>
}

export interface Lease {
  host: DockerHost
  image: RuntimeImage
  /** Aborted when the host goes unhealthy past its grace: the run must stop and be retried elsewhere. */
  signal: AbortSignal
  release: () => void
}

/** dockerode's ping and info take an abort signal; its type definitions do not say so. */
interface PingWithAbort { ping: (opts: { abortSignal: AbortSignal }) => Promise<unknown> }
interface InfoWithAbort { info: (opts: { abortSignal: AbortSignal }) => Promise<{ Runtimes?: Record<string, unknown> }> }

const IMAGE_LABEL = 'grader.language'
/** Longest an image copy between hosts may take. */
const IMAGE_SYNC_TIMEOUT_MS = 10 * 60_000
/** How long a run waits for a host that is unhealthy or recycling to come back before it is failed (and retried). */
const ACQUIRE_WAIT_MS = 30_000
const PROBE_LABEL = 'grader.probe'

/**
 * The Docker hosts of one worker. Each is probed continuously with real API
 * calls (ping; every few probes a tiny create/remove, the call that wedges
 * under churn); its state follows the latency and errors of those calls (see
 * HostHealth). Runs go to the least-loaded host that is healthy or degraded,
 * not draining, and has the image. When a host turns unhealthy, its runs get
 * a grace period, then are aborted (the worker retries them elsewhere) and the
 * recycle action runs, with backoff for hosts that keep falling over.
 */
export class HostPool {
  readonly hosts: DockerHost[]
  private readonly waiters: Array<() => void> = []
  private timers: NodeJS.Timeout[] = []
  private stopped = false

  constructor (endpoints: readonly string[], private readonly defaultConcurrency: number, private readonly options: HostPoolOptions,
    private readonly log: Logger, private readonly hooks: HostPoolHooks = {}) {
    this.hosts = endpoints.map(e => new DockerHost(e, defaultConcurrency, options))
  }

  /** Most runs the pool could take at once with every host healthy. */
  get capacity (): number { return this.hosts.reduce((n, h) => n + h.concurrency, 0) }

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
    this.wake()
  }

  /** Languages some usable host can grade. */
  languages (): string[] {
    return [...new Set(this.hosts.filter(h => h.capacity > 0).flatMap(h => [...h.images.keys()]))]
  }

  usableHosts (): number { return this.hosts.filter(h => h.capacity > 0 && h.images.size > 0).length }

  /** Applies what ops set in Redis: draining and concurrency. */
  applyControl (id: string, control: HostControl): void {
    const host = this.get(id)
    if (host === undefined) return
    if (control.draining !== undefined && control.draining !== host.draining) {
      host.draining = control.draining
      this.log.info({ host: id, draining: host.draining }, host.draining ? 'host draining' : 'host undrained')
    }
    const concurrency = control.concurrency ?? this.defaultConcurrency
    if (concurrency !== host.concurrency) {
      this.log.info({ host: id, from: host.concurrency, to: concurrency }, 'host concurrency changed')
      host.concurrency = concurrency
    }
    this.wake()
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

  /** One probe: ping (and sometimes create/remove, and the image list); its latency and outcome feed the host's health. */
  async probe (host: DockerHost): Promise<void> {
    // One probe at a time per host: a wedged daemon must not collect a pile of hung requests.
    if (this.stopped || host.recycling || host.probing) return
    host.probing = true
    const started = performance.now()
    try {
      // The abort closes the request itself, not just our wait for it.
      const docker = host.docker as unknown as PingWithAbort
      await withTimeout(docker.ping({ abortSignal: AbortSignal.timeout(this.options.probeTimeoutMs) }), this.options.probeTimeoutMs)
      const needsImages = host.images.size === 0 || host.state === 'unhealthy' || host.state === 'recycling'
      if (needsImages || host.probes % this.options.probeCreateEvery === 0) {
        await withTimeout(this.refreshImages(host), this.options.probeTimeoutMs)
        await withTimeout(this.createAndRemove(host), this.options.probeTimeoutMs)
      }
      host.probes++
      host.lastError = null
      // A recycle that started meanwhile makes this answer stale: it says nothing about the restarted daemon.
      if (host.recycling) return
      this.transition(host, host.health.probeSucceeded(performance.now() - started))
      if (this.options.imageSync) this.syncImages(host)
    } catch (err) {
      host.lastError = (err as Error).message
      if (!host.recycling) this.transition(host, host.health.probeFailed())
    } finally {
      host.probing = false
    }
    this.checkGrace(host)
  }

  private async refreshImages (host: DockerHost): Promise<void> {
    const images = await host.docker.listImages({
      filters: JSON.stringify({ label: [IMAGE_LABEL] }),
      abortSignal: AbortSignal.timeout(this.options.probeTimeoutMs),
    } as Docker.ListImagesOptions)
    const found = new Map<string, RuntimeImage>()
    for (const info of images) {
      const image = runtimeImage(info)
      if (image === null) continue
      // An image whose harness speaks another protocol is never used (the worker says which it speaks).
      if (this.hooks.harnessProtocol !== undefined && image.harness !== this.hooks.harnessProtocol) continue
      const known = found.get(image.language)
      // Newest harness protocol wins.
      if (known === undefined || image.harness > known.harness) found.set(image.language, image)
    }
    host.images = found
    if (host.runtimes.size === 0) {
      const info = await (host.docker as unknown as InfoWithAbort).info({ abortSignal: AbortSignal.timeout(this.options.probeTimeoutMs) })
      host.runtimes = new Set(Object.keys(info.Runtimes ?? {}))
    }
  }

  /**
   * Copies to `host` the runtime images other usable hosts have and it lacks
   * (save from one daemon, load into the other, streamed through this worker).
   * One copy at a time per host; the next probe picks the image up.
   */
  private syncImages (host: DockerHost): void {
    if (host.syncing || host.capacity === 0) return
    for (const source of this.hosts) {
      if (source === host || source.capacity === 0) continue
      const missing = [...source.images.values()].find(image => !host.images.has(image.language))
      if (missing === undefined) continue
      host.syncing = true
      const started = Date.now()
      this.log.info({ host: host.id, from: source.id, image: missing.tag }, 'copying runtime image to host')
      void (async () => {
        const stream = await source.docker.getImage(missing.ref).get()
        try {
          const progress = await host.docker.loadImage(stream)
          // A target that hangs mid-load must not keep `syncing` set for ever.
          await withTimeout(new Promise<void>((resolve, reject) => host.docker.modem.followProgress(progress, (err: Error | null) => err ? reject(err) : resolve())), IMAGE_SYNC_TIMEOUT_MS)
        } finally {
          (stream as unknown as { destroy: () => void }).destroy()
        }
        await this.refreshImages(host)
        this.log.info({ host: host.id, image: missing.tag, durationMs: Date.now() - started, languages: [...host.images.keys()] }, 'runtime image copied')
        this.wake()
      })().catch((err: Error) => {
        this.log.warn({ err, host: host.id, from: source.id, image: missing.tag }, 'copying runtime image failed')
      }).finally(() => { host.syncing = false })
      return
    }
  }

  /** The tiny create/remove probe: never started, so it costs the daemon only its bookkeeping. */
  private async createAndRemove (host: DockerHost): Promise<void> {
    const image = host.images.values().next().value as RuntimeImage | undefined
    if (image === undefined) return
    // Each call aborts its own request at the probe timeout: a daemon that hangs on create keeps no pile of open calls.
    const container = await host.docker.createContainer({
      Image: image.ref,
      Cmd: ['true'],
      NetworkDisabled: true,
      Labels: { 'grader.managed': 'true', [PROBE_LABEL]: 'true' },
      HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'none', Config: {} } },
      abortSignal: AbortSignal.timeout(this.options.probeTimeoutMs),
    } as Docker.ContainerCreateOptions)
    await container.remove({ force: true, abortSignal: AbortSignal.timeout(this.options.probeTimeoutMs) } as Docker.ContainerRemoveOptions)
  }

  private transition (host: DockerHost, next: HostState | null): void {
    if (next === null) return
    const log = { host: host.id, state: next, p95: host.health.p95, error: host.lastError ?? undefined }
    if (next === 'unhealthy') this.log.warn(log, 'host unhealthy')
    else this.log.info(log, `host ${next}`)
    // Capacity changed either way: waiting runs look again.
    this.wake()
  }

  /**
   * Past the grace period, an unhealthy host gives up its runs (the worker
   * retries them elsewhere) and is recycled, unless it fell over again soon
   * after its last recycle and is still in backoff.
   */
  private checkGrace (host: DockerHost): void {
    const since = host.health.unhealthySince
    if (host.state !== 'unhealthy' || since === null || Date.now() - since < this.options.graceMs) return
    if (host.inFlight > 0) this.abortRuns(host, 'host unhealthy')
    if (this.options.recycleCommand === null || host.recycling) return
    // Falling over again soon after a recycle is flapping: wait before the next one, longer each time.
    const flapping = host.lastRecycleAt !== null && Date.now() - host.lastRecycleAt < this.flapWindowMs
    const backoff = flapping ? this.options.recycleBackoffMs * 2 ** host.flaps : 0
    if (flapping && Date.now() - host.lastRecycleAt! < backoff) return
    void this.recycle(host, 'unhealthy')
  }

  private abortRuns (host: DockerHost, why: string): void {
    this.log.warn({ host: host.id, inFlight: host.inFlight, why }, 'giving up runs on host: they will be retried elsewhere')
    host.runs.abort(new GraderError('host_unreachable', `${why}: the run was moved to another host`))
    host.runs = new AbortController()
  }

  /** Recycles a host now (ops asked, or it is unhealthy): drain, give in-flight runs their grace, run the action, re-probe. */
  async recycle (host: DockerHost, why: 'unhealthy' | 'ops'): Promise<RecycleOutcome | null> {
    if (host.recycling) return null
    if (this.options.recycleCommand === null) {
      this.log.warn({ host: host.id }, 'recycle asked but GRADER_RECYCLE_COMMAND is not set')
      return null
    }
    host.recycling = true
    if (this.hooks.claimRecycle !== undefined && !await this.hooks.claimRecycle(host).catch(() => false)) {
      this.log.debug({ host: host.id }, 'another worker is recycling this host: waiting for it to come back')
      host.recycling = false
      return null
    }
    // A host that needed a recycle again shortly after the last one is flapping: back off more each time.
    host.flaps = host.lastRecycleAt !== null && Date.now() - host.lastRecycleAt < this.flapWindowMs ? host.flaps + 1 : 0
    this.transition(host, host.health.recycleStarted())
    this.log.warn({ host: host.id, why, flaps: host.flaps }, 'recycling host')
    try {
      if (host.inFlight > 0) {
        await this.waitForRuns(host, this.options.graceMs)
        if (host.inFlight > 0) this.abortRuns(host, 'host recycling')
      }
      const outcome = await runRecycleCommand(this.options.recycleCommand, host, this.options.recycleTimeoutMs)
      host.lastRecycleAt = Date.now()
      this.hooks.recycled?.(host, outcome)
      if (outcome.ok) {
        this.log.info({ host: host.id, durationMs: outcome.durationMs }, 'recycle action done: re-probing')
        host.runtimes = new Set()
      } else {
        this.log.error({ host: host.id, exitCode: outcome.exitCode, output: outcome.output }, 'recycle action failed')
        this.transition(host, host.health.recycleFailed())
      }
      return outcome
    } finally {
      host.recycling = false
      await this.hooks.recycleFinished?.(host).catch(() => {})
    }
  }

  /** A host that needs a recycle again within this long of the last one is flapping. */
  private get flapWindowMs (): number { return Math.max(60_000, this.options.recycleBackoffMs * 6) }

  private async waitForRuns (host: DockerHost, ms: number): Promise<void> {
    const deadline = Date.now() + ms
    while (host.inFlight > 0 && Date.now() < deadline) await new Promise(r => setTimeout(r, 100))
  }

  /**
   * Reserves a slot on the best host for `language`, waiting while every
   * usable host is full. `avoid` names a host to skip when another can take
   * the run (a retry goes elsewhere). Fails at once, retryably, when no host
   * could take it even if it were empty.
   */
  async acquire (language: string, avoid?: string): Promise<Lease> {
    const giveUpAt = Date.now() + ACQUIRE_WAIT_MS
    for (;;) {
      if (this.stopped) throw new GraderError('no_host_available', 'the worker is stopping')
      const candidates = this.hosts.filter(h => h.capacity > 0 && h.images.has(language))
      if (candidates.length === 0) {
        // Hosts that may come back (unhealthy, recycling) are worth a wait; none at all is not.
        const recovering = this.hosts.some(h => !h.draining && h.images.has(language))
        if (!recovering || Date.now() > giveUpAt) {
          throw new GraderError('no_host_available', `no usable Docker host has an image for ${language}`)
        }
        await new Promise<void>(resolve => {
          const timer = setTimeout(resolve, 1000)
          this.waiters.push(() => { clearTimeout(timer); resolve() })
        })
        continue
      }
      const free = candidates.filter(h => h.hasRoom)
      const preferred = free.filter(h => h.id !== avoid)
      const pick = (preferred.length > 0 ? preferred : free).sort((a, b) => a.load - b.load)[0]
      if (pick !== undefined) {
        pick.inFlight++
        let released = false
        return {
          host: pick,
          image: pick.images.get(language)!,
          signal: pick.runs.signal,
          release: () => {
            if (released) return
            released = true
            pick.inFlight--
            this.wake()
          },
        }
      }
      await new Promise<void>(resolve => this.waiters.push(resolve))
    }
  }

  /**
   * The OCI runtime for a run: the operator's choice for the language, else the
   * image's; used only where the host has it (otherwise Docker's default).
   */
  runtimeFor (host: DockerHost, image: RuntimeImage, configured: Readonly<Record<string, string>>): string | undefined {
    const wanted = configured[image.language] ?? image.runtime
    if (wanted === undefined) return undefined
    if (host.runtimes.has(wanted)) return wanted
    this.log.warn({ host: host.id, runtime: wanted, language: image.language }, 'runtime not on this host: using the default')
    return undefined
  }

  private wake (): void {
    for (const w of this.waiters.splice(0)) w()
  }
}

function runtimeImage (info: Docker.ImageInfo): RuntimeImage | null {
  const labels = info.Labels ?? {}
  const language = labels[IMAGE_LABEL]
  if (!language) return null
  let runner: unknown
  try { runner = JSON.parse(labels['grader.runner'] ?? '') } catch { return null }
  if (!Array.isArray(runner) || !runner.every(a => typeof a === 'string')) return null
  const tag = info.RepoTags?.find(t => t !== '<none>:<none>') ?? info.Id
  const runtime = labels['grader.runtime']
  return { language, ref: info.Id, tag, harness: Number(labels['grader.harness'] ?? 0), runner, ...(runtime ? { runtime } : {}) }
}

async function withTimeout<T> (p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms) })])
  } finally {
    clearTimeout(timer)
  }
}
