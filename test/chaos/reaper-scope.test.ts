// Two deployments (staging and production, two GRADER_PREFIXes) share one
// dockerd: each one's reaper removes its own leftovers, past their run's own
// deadline, and never a container of the other's, however long past its
// deadline. Containers are made as a dead worker would leave them (the
// hardened spec and its labels), running `sleep`, so their deadlines can be set.
import { randomUUID } from 'node:crypto'
import Docker from 'dockerode'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { buildContainerSpec, LABELS } from '../../services/sandbox/container-spec.js'
import { reapLeftovers } from '../../services/sandbox/reaper.js'
import { resolveLimits } from '../../services/shared/config/limits.js'
import { engineOf, startReadyGrader, submit, untilContainerRunning, untilDone } from '../security/helpers.js'

const IMAGE = 'grader-python:1'
const docker = new Docker()
const log = pino({ level: 'silent' })
const made: Docker.Container[] = []
afterAll(async () => {
  await Promise.all(made.map(async c => await c.remove({ force: true, v: true }).catch(() => {})))
})

/**
 * A running grading container of `prefix`'s deployment, whose run ends (deadline
 * label) `deadlineInMs` from now: created as long ago as that takes, with a 1 s timeout.
 */
async function orphan (prefix: string, deadlineInMs: number): Promise<Docker.Container> {
  const limits = resolveLimits('python', { timeoutMs: 1_000 })
  const probe = buildContainerSpec({ image: IMAGE, limits, submissionId: 'probe', workerId: 'probe', prefix, createdAtMs: 0 })
  // the label is createdAtMs + a fixed budget: pick createdAtMs so that it lands where asked
  const budgetMs = Number(probe.Labels![LABELS.deadline])
  const spec = buildContainerSpec({
    image: IMAGE, limits, submissionId: `orphan-${randomUUID()}`, workerId: `dead-worker-${prefix}`,
    prefix, createdAtMs: Date.now() + deadlineInMs - budgetMs,
  })
  const container = await docker.createContainer({ ...spec, Entrypoint: ['sleep'], Cmd: ['1000'] })
  made.push(container)
  await container.start()
  return container
}

const exists = async (c: Docker.Container): Promise<boolean> =>
  await c.inspect().then(() => true, (err: { statusCode?: number }) => err.statusCode === 404 ? false : Promise.reject(err))

describe('two graders with different prefixes on one dockerd', () => {
  it('each reaper removes only its own containers past their deadline, never the other\'s nor a live run', async () => {
    const staging = `reaper-staging-${randomUUID()}`
    const production = `reaper-production-${randomUUID()}`
    const [stagingExpired, stagingLive, productionExpired, productionLive] = await Promise.all([
      orphan(staging, -5_000), orphan(staging, 120_000), orphan(production, -5_000), orphan(production, 120_000),
    ])

    await reapLeftovers(docker, log, Date.now(), { prefix: staging })
    expect(await exists(stagingExpired)).toBe(false)
    expect(await exists(stagingLive)).toBe(true)
    // past its deadline, but production's: staging's reaper leaves it to production's
    expect(await exists(productionExpired)).toBe(true)
    expect(await exists(productionLive)).toBe(true)

    await reapLeftovers(docker, log, Date.now(), { prefix: production })
    expect(await exists(productionExpired)).toBe(false)
    expect(await exists(productionLive)).toBe(true)
    expect(await exists(stagingLive)).toBe(true)
    expect((await stagingLive.inspect()).State.Running).toBe(true)
    expect((await productionLive.inspect()).State.Running).toBe(true)
  }, 60_000)

  it('a run is a leftover once past its own deadline, long before the fixed age of old', async () => {
    const prefix = `reaper-deadline-${randomUUID()}`
    // both far younger than LEFTOVER_AGE_MS (created seconds ago as dockerd sees it); one's run has ended
    const [ended, running] = await Promise.all([orphan(prefix, -1_000), orphan(prefix, 5_000)])
    await reapLeftovers(docker, log, Date.now(), { prefix })
    expect(await exists(ended)).toBe(false)
    expect(await exists(running)).toBe(true)
    // and once the clock passes the second one's deadline, it goes too
    await reapLeftovers(docker, log, Date.now() + 6_000, { prefix })
    expect(await exists(running)).toBe(false)
  }, 60_000)
})

describe('a real grading run', () => {
  it('labels its cold container with its grader\'s prefix and its own deadline', async () => {
    const grader = await startReadyGrader({ GRADER_POOL_SIZE: '0' })
    try {
      const before = Date.now()
      const id = await submit(grader, {
        language: 'python',
        files: { 'solution.py': 'import time\n\ndef slow():\n    time.sleep(3)\n' },
        tests: { 'test_solution.py': 'from solution import slow\n\ndef test_slow():\n    slow()\n' },
        limits: { timeoutMs: 8_000 },
      })
      const containerId = await untilContainerRunning(grader, id)
      const after = Date.now()
      const labels = (await engineOf(grader).getContainer(containerId).inspect()).Config.Labels
      expect(labels[LABELS.prefix]).toBe(grader.config.prefix)
      // created (between before and after) + its own 8 s timeout + the 60 s set-up margin
      const deadline = Number(labels[LABELS.deadline])
      expect(deadline).toBeGreaterThanOrEqual(before + 68_000)
      expect(deadline).toBeLessThanOrEqual(after + 68_000)
      await untilDone(grader, id)
    } finally {
      await grader.close()
    }
  })

  it('labels a warm container as the pool\'s, with a deadline past its longest idle time and the longest run', async () => {
    const maxIdleMs = 30_000
    const grader = await startReadyGrader({ GRADER_POOL_SIZE: '1', GRADER_POOL_MAX_IDLE_MS: String(maxIdleMs) })
    try {
      // one warm container per runtime image the host has (python's among them): waiting for the
      // first one only would take another language's
      const images = grader.worker.pool.hosts[0]!.images.size
      const deadlineOf = Date.now() + 20_000
      while (grader.worker.warm.idleContainerIds().length < images && Date.now() < deadlineOf) await new Promise(resolve => setTimeout(resolve, 100))
      const id = await submit(grader, {
        language: 'python',
        files: { 'solution.py': 'import time\n\ndef slow():\n    time.sleep(3)\n' },
        tests: { 'test_solution.py': 'from solution import slow\n\ndef test_slow():\n    slow()\n' },
      })
      const containerId = await untilContainerRunning(grader, id)
      const info = await engineOf(grader).getContainer(containerId).inspect()
      const labels = info.Config.Labels
      expect(labels[LABELS.pool]).toBe('true')
      expect(labels[LABELS.submission]).toBeUndefined()
      expect(labels[LABELS.prefix]).toBe(grader.config.prefix)
      expect(info.Name).toBe(`/grader-${id}`)
      // created + the longest idle time + the longest run (60 s) + the 60 s set-up margin
      const created = Date.parse(info.Created)
      const deadline = Number(labels[LABELS.deadline])
      expect(Math.abs(deadline - (created + maxIdleMs + 120_000))).toBeLessThan(2_000)
      expect((await untilDone(grader, id)).result?.container).toBe('warm')
    } finally {
      await grader.close()
    }
  })
})
