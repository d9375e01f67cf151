import type { Logger } from 'pino'
import { DEFAULT_LANE, type Lane } from '../shared/contracts/vocabulary.js'
import { GraderError } from '../shared/errors/grader-error.js'
import type { DockerHost, RuntimeImage } from './docker-host.js'
import type { HostPoolOptions } from './host-pool-options.js'

/** A slot on one host for one run, with everything the run needs of the host. */
export interface Lease {
  host: DockerHost
  image: RuntimeImage
  /** The OCI runtime to run with (the operator's choice for the language, else the image's), when the host has it; undefined: Docker's default. */
  runtime?: string
  /** Aborted when the host goes unhealthy past its grace: the run must stop and be retried elsewhere. */
  signal: AbortSignal
  release: () => void
}

export interface HostSchedulerDeps {
  log: Logger
  now: () => number
  /** language → OCI runtime chosen by the operator. @defaultValue none */
  runtimes?: Readonly<Record<string, string>>
}

/**
 * Hands out run slots: the least-loaded host that can take the language now
 * (DockerHost.capacity: healthy, degraded at half, never unhealthy,
 * recycling or draining), waiting while all are full, preferring another host for a retry.
 */
export class HostScheduler {
  private readonly waiters: Array<() => void> = []
  private stopped = false

  constructor (private readonly hosts: readonly DockerHost[], private readonly options: HostPoolOptions, private readonly deps: HostSchedulerDeps) {}

  /** Fails every waiting and future acquire (the worker is stopping). */
  stop (): void {
    this.stopped = true
    this.wake()
  }

  /** Capacity changed somewhere (a state, a control, a release, an image): waiting runs look again. */
  wake (): void {
    for (const w of this.waiters.splice(0)) w()
  }

  /**
   * Reserves a slot on the best host for `language`, waiting while every
   * usable host is full. `avoid` names a host to skip when another can take
   * the run (a retry goes elsewhere). Fails at once, retryably, when no host
   * could take it even if it were empty and none may come back. A run of
   * the `interactive` lane may also take a host's reserve
   * (DockerHost.hasRoomFor); no other lane ever does.
   */
  async acquire (language: string, avoid?: string, lane: Lane = DEFAULT_LANE): Promise<Lease> {
    const giveUpAt = this.deps.now() + this.options.acquireWaitMs
    for (;;) {
      if (this.stopped) throw new GraderError('no_host_available', 'the worker is stopping')
      const candidates = this.hosts.filter(h => h.capacity > 0 && h.images.has(language))
      if (candidates.length === 0) {
        // Hosts that may come back (unhealthy, recycling) are worth a wait; none at all is not.
        const recovering = this.hosts.some(h => !h.draining && h.images.has(language))
        if (!recovering || this.deps.now() > giveUpAt) {
          throw new GraderError('no_host_available', `no usable Docker host has an image for ${language}`)
        }
        await this.changed(this.options.acquireRecheckMs)
        continue
      }
      const free = candidates.filter(h => h.hasRoomFor(lane))
      const preferred = free.filter(h => h.id !== avoid)
      const pick = (preferred.length > 0 ? preferred : free).sort((a, b) => a.load - b.load)[0]
      if (pick !== undefined) return this.lease(pick, pick.images.get(language)!, lane)
      await this.changed()
    }
  }

  /** Resolves once nothing runs on `host`, or after `ms`, whichever comes first. */
  async idle (host: DockerHost, ms: number): Promise<void> {
    if (host.inFlight === 0) return
    await new Promise<void>(resolve => {
      let settled = false
      const timer = setTimeout(done, ms)
      // Re-armed on every wake until the host is idle; dropped once the wait is over.
      const check = () => { if (settled) return; if (host.inFlight === 0) done(); else this.waiters.push(check) }
      function done () { settled = true; clearTimeout(timer); resolve() }
      this.waiters.push(check)
    })
  }

  private lease (host: DockerHost, image: RuntimeImage, lane: Lane): Lease {
    const interactive = lane === 'interactive'
    host.inFlight++
    if (interactive) host.interactiveInFlight++
    let released = false
    const runtime = this.runtimeFor(host, image)
    return {
      host,
      image,
      ...(runtime === undefined ? {} : { runtime }),
      signal: host.runs.signal,
      release: () => {
        if (released) return
        released = true
        host.inFlight--
        if (interactive) host.interactiveInFlight--
        this.wake()
      },
    }
  }

  /** The operator's runtime for the language, else the image's; only where the host has it (otherwise Docker's default). */
  runtimeFor (host: DockerHost, image: RuntimeImage): string | undefined {
    const wanted = this.deps.runtimes?.[image.language] ?? image.runtime
    if (wanted === undefined) return undefined
    if (host.runtimes.has(wanted)) return wanted
    this.deps.log.warn({ host: host.id, runtime: wanted, language: image.language }, 'runtime not on this host: using the default')
    return undefined
  }

  /** Until the next wake, or `ms` at most. */
  private async changed (ms?: number): Promise<void> {
    await new Promise<void>(resolve => {
      const timer = ms === undefined ? undefined : setTimeout(resolve, ms)
      this.waiters.push(() => { clearTimeout(timer); resolve() })
    })
  }
}
