import type { HostState } from '../shared/store/host-registry.js'

export interface HealthCriteria {
  /** p95 of probe latency above which the host is `degraded`, in ms. */
  degradedMs: number
  /** Consecutive failed probes that make it `unhealthy`. */
  unhealthyAfter: number
  /** Consecutive good probes that re-admit it after `unhealthy` or `recycling`. */
  recoverAfter: number
}

/** Probe latencies kept for the rolling percentiles. */
const WINDOW = 20

/**
 * The health of one Docker host, judged by what its API answers, not by
 * whether a process runs. Pure: probes report in, the state comes out.
 *
 * ```
 *            slow p95                 failures ≥ unhealthyAfter
 * healthy ◀──────────▶ degraded ─────────────────────────────▶ unhealthy
 *    ▲  good probes ≥ recoverAfter                              │ recycle
 *    └──────────────────────────── recycling ◀──────────────────┘
 * ```
 * A host starts `unhealthy` and is admitted by its first good probe. Every
 * transition is returned to the caller, to be logged and counted.
 */
export class HostHealth {
  state: HostState = 'unhealthy'
  private samples: number[] = []
  private failures = 0
  private successes = 0
  /** When the host last became unhealthy (epoch ms), for the in-flight grace. */
  unhealthySince: number | null

  /** @param now when the host was added (epoch ms): its grace counts from then. */
  constructor (private readonly criteria: HealthCriteria, now = Date.now()) {
    this.unhealthySince = now
    // A new host has no bad history: its first good probe admits it.
    this.successes = criteria.recoverAfter - 1
  }

  get p50 (): number | null { return percentile(this.samples, 0.5) }
  get p95 (): number | null { return percentile(this.samples, 0.95) }
  get errorCount (): number { return this.failures }

  /** A probe answered in `latencyMs`. Returns the new state if it changed. */
  probeSucceeded (latencyMs: number, now = Date.now()): HostState | null {
    this.samples.push(latencyMs)
    if (this.samples.length > WINDOW) this.samples.shift()
    this.failures = 0
    this.successes++
    if ((this.state === 'unhealthy' || this.state === 'recycling') && this.successes < this.criteria.recoverAfter) return null
    return this.moveTo(this.judgeLatency(), now)
  }

  /** A probe failed or timed out. Returns the new state if it changed. */
  probeFailed (now = Date.now()): HostState | null {
    this.successes = 0
    this.failures++
    // Also from `recycling`: probes pause while the recycle action runs, so a
    // failure now means the daemon did not come back, and it must be recycled again.
    if (this.failures >= this.criteria.unhealthyAfter) return this.moveTo('unhealthy', now)
    return null
  }

  /** The recycle action starts: no work, probes only re-admit it once it answers again. */
  recycleStarted (now = Date.now()): HostState | null {
    this.samples = []
    this.successes = 0
    this.failures = 0
    return this.moveTo('recycling', now)
  }

  /** The recycle action failed: the host is unhealthy until probes say otherwise. */
  recycleFailed (now = Date.now()): HostState | null {
    return this.moveTo('unhealthy', now)
  }

  private judgeLatency (): HostState {
    const p95 = this.p95
    return p95 !== null && p95 > this.criteria.degradedMs ? 'degraded' : 'healthy'
  }

  private moveTo (next: HostState, now: number): HostState | null {
    if (next === this.state) return null
    this.state = next
    if (next === 'unhealthy') {
      this.unhealthySince = now
      // Old latencies say nothing about a daemon that stopped answering.
      this.samples = []
    } else if (next !== 'recycling') {
      this.unhealthySince = null
    }
    return next
  }
}

function percentile (values: number[], q: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!)
}
