import type { HostState } from '../shared/store/host-registry.js'
import { HostHealth, type HealthCriteria } from './host-health.js'

/**
 * Where a host is in its life, as one value (Temporal's worker `State`).
 *
 * ```
 *                 probes (HostHealth)
 *   unhealthy ◀─────▶ healthy ◀─────▶ degraded        a new host starts unhealthy
 *       └──────────────┬┴───────────────┘
 *                      │ claim (from any of these, and from rejoining)
 *                      ▼
 *                  claiming ── claim lost ──▶ back to the state it came from
 *                      │ claim won
 *                      ▼
 *                  recycling ── action failed ──▶ unhealthy
 *                      │ action done
 *                      ▼
 *                  rejoining ── good probes ──▶ healthy | degraded
 *                            ── failed probes ─▶ unhealthy
 * ```
 * - `healthy`, `degraded`, `unhealthy`: probes judge the host (HostHealth). A new host starts `unhealthy`.
 * - `claiming`: a recycle was asked (unhealthy past its grace, or ops); this worker is asking
 *   the others sharing the host whether it may run it. Probes pause.
 * - `recycling`: this worker runs the recycle action. Probes pause; runs get their grace, then are aborted.
 * - `rejoining`: the action is over; probes decide when the restarted daemon is back.
 *
 * Probes, the recycler and ops go through the methods below; each either moves the host
 * along an edge of this graph or refuses (returns null/false) when the event does not
 * apply in the current state. A move off the graph is a bug and throws.
 */
export const HostLifecycleState = {
  healthy: 'healthy',
  degraded: 'degraded',
  unhealthy: 'unhealthy',
  claiming: 'claiming',
  recycling: 'recycling',
  rejoining: 'rejoining',
} as const
export type HostLifecycleState = typeof HostLifecycleState[keyof typeof HostLifecycleState]

/** The edges of the graph above. */
const ALLOWED: Readonly<Record<HostLifecycleState, readonly HostLifecycleState[]>> = {
  healthy: ['degraded', 'unhealthy', 'claiming'],
  degraded: ['healthy', 'unhealthy', 'claiming'],
  unhealthy: ['healthy', 'degraded', 'claiming'],
  claiming: ['recycling', 'healthy', 'degraded', 'unhealthy', 'rejoining'],
  recycling: ['rejoining', 'unhealthy'],
  rejoining: ['healthy', 'degraded', 'unhealthy', 'claiming'],
}

/** A transition off the lifecycle graph: a bug in the pool, never a state of the host. */
export class IllegalHostTransitionError extends Error {
  constructor (readonly from: HostLifecycleState, readonly to: HostLifecycleState) {
    super(`host cannot go from ${from} to ${to}`)
    this.name = 'IllegalHostTransitionError'
  }
}

/**
 * The lifecycle of one host. Its probe counters and latencies live in
 * HostHealth (the pure judge of probe outcomes); this class holds the one
 * state everything else reads, and refuses events that do not apply.
 */
export class HostLifecycle {
  readonly health: HostHealth
  private current: HostLifecycleState = 'unhealthy'
  /** The state a claim started from, to go back to when another worker holds the recycle. */
  private beforeClaim: HostLifecycleState = 'unhealthy'

  constructor (criteria: HealthCriteria, now: number) {
    this.health = new HostHealth(criteria, now)
  }

  get state (): HostLifecycleState { return this.current }

  /** The state ops and the API see (`GET /v1/hosts`): a claim is not a state of the host, recycling and rejoining are both `recycling`. */
  get publicState (): HostState {
    if (this.current === 'claiming') return this.health.state
    if (this.current === 'rejoining') return 'recycling'
    return this.current
  }

  /** Probes run in every state but while a recycle is claimed or running: their answers would say nothing about the restarted daemon. */
  get probing (): boolean { return this.current !== 'claiming' && this.current !== 'recycling' }

  /** Since when the host has been unhealthy (epoch ms), for the grace of its runs; null when it is not. */
  get unhealthySince (): number | null { return this.current === 'unhealthy' ? this.health.unhealthySince : null }

  /** A probe answered in `latencyMs`. Refused (null) while a recycle is claimed or running. Returns the new state if it changed. */
  probeSucceeded (latencyMs: number, now: number): HostLifecycleState | null {
    if (!this.probing) return null
    return this.follow(this.health.probeSucceeded(latencyMs, now))
  }

  /** A probe failed. Refused (null) while a recycle is claimed or running. Returns the new state if it changed. */
  probeFailed (now: number): HostLifecycleState | null {
    if (!this.probing) return null
    return this.follow(this.health.probeFailed(now))
  }

  /** A recycle is asked. False (refused) when one is already claimed or running. */
  claimRecycle (): boolean {
    if (this.current === 'claiming' || this.current === 'recycling') return false
    this.beforeClaim = this.current
    this.to('claiming')
    return true
  }

  /** Another worker holds the recycle (or this one may not run it): back to where the host was, probes resume. */
  claimLost (): void {
    this.expect('claiming', this.beforeClaim)
    this.to(this.beforeClaim)
  }

  /** This worker runs the recycle action now. */
  recycleStarted (now: number): void {
    this.to('recycling')
    this.health.recycleStarted(now)
  }

  /** The action ended: on success probes re-admit the host; a failure leaves it unhealthy (to be recycled again). */
  recycleFinished (ok: boolean, now: number): HostLifecycleState {
    this.expect('recycling', ok ? 'rejoining' : 'unhealthy')
    if (ok) {
      this.to('rejoining')
    } else {
      this.health.recycleFailed(now)
      this.to('unhealthy')
    }
    return this.current
  }

  /** Applies HostHealth's verdict on a probe. */
  private follow (judged: HostState | null): HostLifecycleState | null {
    // After a recycle HostHealth says `recycling` until probes re-admit the host; that is `rejoining` here.
    if (judged === null) return null
    const next: HostLifecycleState = judged === 'recycling' ? 'rejoining' : judged
    if (next === this.current) return null
    this.to(next)
    return next
  }

  /** Events that only apply in one state (the edge alone would allow others into `next`). */
  private expect (from: HostLifecycleState, next: HostLifecycleState): void {
    if (this.current !== from) throw new IllegalHostTransitionError(this.current, next)
  }

  private to (next: HostLifecycleState): void {
    if (!ALLOWED[this.current].includes(next)) throw new IllegalHostTransitionError(this.current, next)
    this.current = next
  }
}
