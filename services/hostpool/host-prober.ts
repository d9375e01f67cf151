import type { DockerHost } from './docker-host.js'
import type { HostLifecycleState } from './host-lifecycle.js'
import type { HostPoolOptions } from './host-pool-options.js'
import type { ImageSync } from './image-sync.js'
import { withTimeout } from './with-timeout.js'

const PROBE_LABEL = 'grader.probe'

/**
 * How one probe went:
 * - `ok`, `failed`: the answer was fed to the host's lifecycle (which refuses a failure once a recycle is claimed);
 * - `stale`: it answered, but a recycle was claimed meanwhile, so the answer says nothing about the restarted daemon;
 * - `skipped`: no probe ran (one is already under way, or a recycle is claimed or running).
 */
export type ProbeOutcome = 'ok' | 'failed' | 'stale' | 'skipped'

export interface HostProberDeps {
  now: () => number
  images: ImageSync
  /** The host's lifecycle moved: log it, and let waiting runs look again. */
  changed: (host: DockerHost, next: HostLifecycleState) => void
}

/**
 * Probes hosts with real API calls: a ping every time; the image list and a
 * tiny create/remove (the call that wedges under churn) every few probes, and
 * on every probe while the host is out. Latency and outcome feed the host's
 * lifecycle (HostHealth judges them).
 */
export class HostProber {
  /** Hosts with a probe under way: one at a time per host, so a wedged daemon collects no pile of hung requests. */
  private readonly inFlight = new Set<DockerHost>()

  constructor (private readonly options: HostPoolOptions, private readonly deps: HostProberDeps) {}

  async probe (host: DockerHost): Promise<ProbeOutcome> {
    if (!host.lifecycle.probing || this.inFlight.has(host)) return 'skipped'
    this.inFlight.add(host)
    const { probeTimeoutMs } = this.options
    const started = this.deps.now()
    try {
      // The signal closes the request itself; the timeout also covers a client that ignores it.
      await withTimeout(host.daemon.ping(AbortSignal.timeout(probeTimeoutMs)), probeTimeoutMs)
      const state = host.lifecycle.state
      const needsImages = host.images.size === 0 || state === 'unhealthy' || state === 'rejoining'
      if (needsImages || host.probes % this.options.probeCreateEvery === 0) {
        await withTimeout(this.deps.images.refresh(host), probeTimeoutMs)
        await withTimeout(this.createAndRemove(host), probeTimeoutMs)
      }
      host.probes++
      host.lastError = null
      if (!host.lifecycle.probing) return 'stale'
      this.follow(host, host.lifecycle.probeSucceeded(this.deps.now() - started, this.deps.now()))
      return 'ok'
    } catch (err) {
      host.lastError = (err as Error).message
      // Refused by the lifecycle if a recycle was claimed meanwhile.
      this.follow(host, host.lifecycle.probeFailed(this.deps.now()))
      return 'failed'
    } finally {
      this.inFlight.delete(host)
    }
  }

  /** The tiny create/remove probe: never started, so it costs the daemon only its bookkeeping. */
  private async createAndRemove (host: DockerHost): Promise<void> {
    const image = host.images.values().next().value
    if (image === undefined) return
    await host.daemon.createAndRemove({ image: image.ref, labels: { 'grader.managed': 'true', [PROBE_LABEL]: 'true' } },
      () => AbortSignal.timeout(this.options.probeTimeoutMs))
  }

  private follow (host: DockerHost, next: HostLifecycleState | null): void {
    if (next !== null) this.deps.changed(host, next)
  }
}
