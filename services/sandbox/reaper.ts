import type Docker from 'dockerode'
import pLimit from 'p-limit'
import type { Logger } from 'pino'
import { LIMITS } from '../shared/config/limits.js'
import { DEADLINE_MARGIN_MS, LABELS } from './container-spec.js'

/**
 * Age past which a grading container without a deadline label (created before
 * runs were labelled with one) is a leftover: no run lives longer than the
 * largest timeout plus set-up and collection.
 */
export const LEFTOVER_AGE_MS = LIMITS.timeoutMs.max + DEADLINE_MARGIN_MS
/** A stopped container this long after its end was abandoned: its worker inspects and removes it within a second or two. */
export const ENDED_GRACE_MS = 30_000

/** What the reaper may take. */
export interface ReapOptions {
  /**
   * This deployment's `GRADER_PREFIX`: a container labelled with another
   * prefix ({@link LABELS.prefix}) is never touched, however old. Containers
   * with no prefix label, from before labels were scoped, belong to no
   * deployment that can be told: any reaper removes them, by their deadline
   * label or, lacking one, by age ({@link LEFTOVER_AGE_MS}), as before.
   * @defaultValue none: every grading container on the host is this reaper's
   */
  prefix?: string
}

/**
 * What the reaper makes of one container, from its listing alone:
 * - `foreign`: another deployment's, never touched;
 * - `live`: running (or created) and within its deadline, a run in flight;
 * - `expired`: past its deadline, whatever its state: removed;
 * - `stopped`: stopped within its deadline: removed once it ended more than
 *   {@link ENDED_GRACE_MS} ago (its worker would have removed it by then),
 *   which only an inspect tells.
 */
export type LeftoverClass = 'foreign' | 'live' | 'expired' | 'stopped'

/** The fields of a container listing the reaper reads. */
export type ListedContainer = Pick<Docker.ContainerInfo, 'Id' | 'Created' | 'State' | 'Labels'>

/** The deadline of a listed container in epoch ms: its label, else its creation plus {@link LEFTOVER_AGE_MS}. */
export function containerDeadlineMs (c: ListedContainer): number {
  const labelled = Number(c.Labels?.[LABELS.deadline])
  return c.Labels?.[LABELS.deadline] !== undefined && Number.isFinite(labelled) ? labelled : c.Created * 1000 + LEFTOVER_AGE_MS
}

/** Sorts one listed grading container (see {@link LeftoverClass}); pure, so the rules have unit tests. */
export function classifyContainer (c: ListedContainer, nowMs: number, options: ReapOptions = {}): LeftoverClass {
  const prefix = c.Labels?.[LABELS.prefix]
  if (options.prefix !== undefined && prefix !== undefined && prefix !== options.prefix) return 'foreign'
  if (nowMs > containerDeadlineMs(c)) return 'expired'
  return c.State === 'running' || c.State === 'created' ? 'live' : 'stopped'
}

/**
 * Removes the grading containers this deployment left behind on one host
 * (found by label): those past their deadline, and stopped ones that ended
 * more than {@link ENDED_GRACE_MS} ago. Runs at worker start-up and
 * periodically; a live run is never touched, nor another deployment's
 * container (see {@link ReapOptions.prefix}).
 */
export async function reapLeftovers (docker: Docker, log: Logger, now = Date.now(), options: ReapOptions = {}): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.managed}=true`] }) })
  // A few calls at a time: a struggling daemon should not get a burst.
  const limit = pLimit(4)
  const removed = await Promise.all(containers.map(c => limit(async () => {
    try {
      const kind = classifyContainer(c, now, options)
      if (kind === 'foreign' || kind === 'live') return 0
      if (kind === 'stopped') {
        const finishedAt = Date.parse((await docker.getContainer(c.Id).inspect()).State.FinishedAt)
        if (!(now - finishedAt > ENDED_GRACE_MS)) return 0
      }
      await docker.getContainer(c.Id).remove({ force: true, v: true })
      return 1
    } catch (err) {
      // Already gone (removed by its own worker meanwhile) is fine.
      if ((err as { statusCode?: number }).statusCode !== 404) log.warn({ err, containerId: c.Id }, 'could not remove leftover container')
      return 0
    }
  })))
  const count = removed.reduce<number>((a, b) => a + b, 0)
  if (count > 0) log.info({ count, prefix: options.prefix }, 'removed leftover grading containers')
  return count
}
