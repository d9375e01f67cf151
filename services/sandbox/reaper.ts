import type Docker from 'dockerode'
import pLimit from 'p-limit'
import type { Logger } from 'pino'
import { LIMITS } from '../shared/config/limits.js'
import { LABELS } from './container-spec.js'

/**
 * No run lives longer than the largest timeout plus set-up and collection; a
 * grading container older than this belongs to a worker that died mid-run.
 */
export const LEFTOVER_AGE_MS = LIMITS.timeoutMs.max + 60_000
/** A stopped container this long after its end was abandoned: its worker inspects and removes it within a second or two. */
export const ENDED_GRACE_MS = 30_000

/**
 * Removes grading containers left behind on one host (found by label): those
 * older than {@link LEFTOVER_AGE_MS}, and stopped ones that ended more than
 * {@link ENDED_GRACE_MS} ago. Runs at worker start-up and periodically; a live
 * run is never touched.
 */
export async function reapLeftovers (docker: Docker, log: Logger, now = Date.now()): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.managed}=true`] }) })
  // A few calls at a time: a struggling daemon should not get a burst.
  const limit = pLimit(4)
  const removed = await Promise.all(containers.map(c => limit(async () => {
    try {
      if (now - c.Created * 1000 < LEFTOVER_AGE_MS) {
        // Young: a live run's, unless it ended a while ago (its worker would have removed it by now).
        if (c.State === 'running' || c.State === 'created') return 0
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
  if (count > 0) log.info({ count }, 'removed leftover grading containers')
  return count
}
