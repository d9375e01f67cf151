import type { HostState } from '../shared/store/host-registry.js'

/** What sizing reads of one host at one moment. */
export interface HostLoad {
  state: HostState
  draining: boolean
  /** Runs the host may take at once now (0 while unhealthy, recycling or draining). */
  capacity: number
  /** Runs on it now, warm or cold. */
  inFlight: number
  /**
   * Slots the interactive lane holds on it past `capacity`, counted while
   * interactive runs came lately (see WarmPool.take). @defaultValue 0
   */
  reserve?: number
  /** Warm containers ready on it, of every image. */
  idle: number
  /** Warm containers being created on it now. */
  filling: number
  /** Memory of the daemon's machine in bytes; null when unknown (then memory does not limit the pool). */
  memoryBytes: number | null
}

/** Whether a host may hold warm containers at all: only while it takes work. */
export function poolUsable (host: Pick<HostLoad, 'state' | 'draining' | 'capacity'>): boolean {
  return !host.draining && host.capacity > 0 && (host.state === 'healthy' || host.state === 'degraded')
}

/**
 * How many warm containers of one image a host should hold: the configured
 * size while there was demand within the window, one otherwise (the next
 * submission after a quiet spell is still fast), half on a degraded host,
 * none on a host that takes no work.
 */
export function poolTarget (size: number, host: Pick<HostLoad, 'state' | 'draining' | 'capacity'>, recentRuns: number): number {
  if (size === 0 || !poolUsable(host)) return 0
  const wanted = recentRuns > 0 ? size : 1
  return host.state === 'degraded' ? Math.ceil(wanted / 2) : wanted
}

/**
 * Whether one more warm container may be created on the host now:
 * - never while every slot runs a submission: a fill would take the CPU a
 *   cold run under load needs, so under full load the pool waits; slots the
 *   interactive lane holds count as free while they are, so the container
 *   an interactive run takes is there again before the next one;
 * - one creation at a time per host;
 * - warm containers and runs together stay within the host's memory share,
 *   each counted at its memory limit.
 */
export function roomForOneMore (host: HostLoad, memoryMb: number, memoryShare: number): boolean {
  if (host.filling > 0) return false
  if (host.inFlight >= host.capacity + (host.reserve ?? 0)) return false
  if (host.memoryBytes === null) return true
  const heldBytes = (host.inFlight + host.idle + 1) * memoryMb * 1024 * 1024
  return heldBytes <= host.memoryBytes * memoryShare
}
