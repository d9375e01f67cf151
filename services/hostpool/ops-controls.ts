import type { Logger } from 'pino'
import type { HostControl } from '../shared/store/host-registry.js'
import type { DockerHost } from './docker-host.js'
import type { HostRecycler } from './host-recycler.js'
import type { RecycleOutcome } from './host-recycler.js'

export interface OpsControlsDeps {
  log: Logger
  recycler: HostRecycler
  /** A control changed capacity: waiting runs look again. */
  changed: () => void
}

/**
 * What ops set on a host (in Redis, through the API or the CLI): draining,
 * its concurrency, and recycle requests. Draining and concurrency are
 * settings, not states: a drained host is still probed and keeps its
 * lifecycle state, it is only given no new runs.
 */
export class OpsControls {
  constructor (private readonly defaultConcurrency: number, private readonly deps: OpsControlsDeps) {}

  /** Applies a host's control as stored; a missing concurrency means the worker's default. */
  apply (host: DockerHost, control: HostControl): void {
    const { log } = this.deps
    if (control.draining !== undefined && control.draining !== host.draining) {
      host.draining = control.draining
      log.info({ host: host.id, draining: host.draining }, host.draining ? 'host draining' : 'host undrained')
    }
    const concurrency = control.concurrency ?? this.defaultConcurrency
    if (concurrency !== host.concurrency) {
      log.info({ host: host.id, from: host.concurrency, to: concurrency }, 'host concurrency changed')
      host.concurrency = concurrency
    }
    this.deps.changed()
  }

  /** Ops asked for a recycle: the same path as an unhealthy host's, without the grace check or back-off. */
  async recycle (host: DockerHost): Promise<RecycleOutcome | null> {
    return await this.deps.recycler.recycle(host, 'ops')
  }
}
