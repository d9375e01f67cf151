import type { RunObservation } from './verdict.js'

/**
 * Whether the run's end state must be read from Docker after the agent is
 * done: the runner's exit code (`exec inspect`) and the OOM flag (`wait`,
 * then `inspect`). Three round trips, and the wait lasts until the agent's
 * interpreter has exited: on the trivial suite they were the whole collect
 * stage (about 100 ms on a loaded 2-core host).
 *
 * They are needed only when the verdict reads them. `decideVerdict` reads the
 * OOM flag and the runner's exit code only when the report is not complete
 * (a complete report already names every test's outcome, an OOM kill of one
 * test's student process included), and `decideCollection` reads the OOM
 * flag always. A complete report skips them: the container is removed by
 * force anyway, which kills whatever still runs in it.
 */
export function needsExitState (obs: RunObservation, collectOnly: boolean): boolean {
  return collectOnly || obs.report?.complete !== true
}
