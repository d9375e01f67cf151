import Docker from 'dockerode'
import type { Lane } from '../shared/contracts/vocabulary.js'
import type { HostState } from '../shared/store/host-registry.js'
import { dockerOptions, hostId } from './docker-endpoint.js'
import { dockerodeDaemon, type HostDaemon } from './host-daemon.js'
import type { HostHealth } from './host-health.js'
import { HostLifecycle } from './host-lifecycle.js'
import type { HostPoolOptions } from './host-pool-options.js'

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

/** How a host reaches its daemon: the pool's calls go through `daemon`, runs through `docker`. */
export interface DockerHostDeps {
  /** Epoch ms now. @defaultValue Date.now */
  now: () => number
  /** The pool's seam to the daemon. @defaultValue dockerodeDaemon over the host's client */
  daemonFor?: (docker: Docker, endpoint: string) => HostDaemon
}

/** One Docker daemon the worker grades on: what it holds, how loaded it is, where it is in its lifecycle. */
export class DockerHost {
  readonly id: string
  /** The full client the sandbox runs containers with (not used by the pool itself: see `daemon`). */
  readonly docker: Docker
  readonly daemon: HostDaemon
  readonly lifecycle: HostLifecycle
  inFlight = 0
  /** Of {@link inFlight}, the runs of the interactive lane. */
  interactiveInFlight = 0
  images = new Map<string, RuntimeImage>()
  /** OCI runtimes the daemon offers (`runc`, maybe `runsc`…), read once it answers. */
  runtimes = new Set<string>()
  /** Memory of the daemon's machine, in bytes, read with its runtimes; null until known. */
  memoryBytes: number | null = null
  lastError: string | null = null
  /** Ops control, set through OpsControls; survives restarts because it lives in Redis. */
  draining = false
  lastRecycleAt: number | null = null
  /** Recycles back to back that the host fell over again soon after: drives the back-off. */
  flaps = 0
  /** Aborted when the host's in-flight runs must be given up and retried elsewhere. */
  runs = new AbortController()
  probes = 0
  /** Slots only the interactive lane may take, on top of the concurrency (GRADER_INTERACTIVE_SLOTS). */
  readonly interactiveSlots: number

  constructor (readonly endpoint: string, public concurrency: number, options: HostPoolOptions, deps: DockerHostDeps) {
    this.id = hostId(endpoint)
    this.interactiveSlots = options.interactiveSlots
    // Building a client opens no connection: a host that is down costs nothing here.
    this.docker = new Docker(dockerOptions(endpoint))
    this.daemon = (deps.daemonFor ?? dockerodeDaemon)(this.docker, endpoint)
    this.lifecycle = new HostLifecycle({ degradedMs: options.degradedMs, unhealthyAfter: options.unhealthyAfter, recoverAfter: options.recoverAfter }, deps.now())
  }

  /** The state ops see (see HostLifecycle.publicState). */
  get state (): HostState { return this.lifecycle.publicState }
  get health (): HostHealth { return this.lifecycle.health }

  /** Runs this host may take at once now: all when healthy, half when degraded, none otherwise or while draining. */
  get capacity (): number {
    if (this.draining) return 0
    if (this.state === 'healthy') return this.concurrency
    if (this.state === 'degraded') return Math.max(1, Math.floor(this.concurrency / 2))
    return 0
  }

  /** Slots held for the interactive lane now: its own ones while the host takes work at all, none otherwise. */
  get reserve (): number { return this.capacity > 0 ? this.interactiveSlots : 0 }

  get load (): number { return this.inFlight / Math.max(1, this.capacity) }
  get hasRoom (): boolean { return this.inFlight < this.capacity }

  /**
   * Whether a run of `lane` may start here now. The interactive lane may
   * take the reserve as well as the shared slots; the other lanes share
   * `capacity` with the interactive runs past the reserve, so interactive
   * runs up to the reserve never take a shared slot from them.
   */
  hasRoomFor (lane: Lane): boolean {
    if (lane === INTERACTIVE) return this.inFlight < this.capacity + this.reserve
    return this.inFlight - Math.min(this.interactiveInFlight, this.reserve) < this.capacity
  }
}

const INTERACTIVE: Lane = 'interactive'
