// Chaos on real Docker daemons: two extra dockerd instances, each its own
// "host". One is wedged (SIGSTOP) or killed while submissions flow; every
// submission must still get its right verdict, once, and nothing may be left
// behind. Loops are bounded and every daemon is stopped in afterAll.
import Docker from 'dockerode'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { hostId } from '../../services/hostpool/docker-endpoint.js'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { ADD_CORRECT, ADD_TESTS, ADD_WRONG_FOR_NEGATIVES } from '../fixtures/python/add.js'
import { startDockerd, type ExtraDockerd } from '../helpers/dockerd.js'
import { python, startTestGrader, type TestGrader } from '../helpers/grader.js'

const RECYCLE = fileURLToPath(new URL('../fixtures/chaos/recycle-dockerd.mjs', import.meta.url))
/** Fast probes so a wedge is seen in about a second and a half. */
const PROBES = {
  GRADER_PROBE_INTERVAL_MS: '300',
  GRADER_PROBE_TIMEOUT_MS: '700',
  GRADER_HOST_UNHEALTHY_AFTER: '2',
  GRADER_HOST_RECOVER_AFTER: '2',
  GRADER_HOST_GRACE_MS: '1000',
  GRADER_RECYCLE_BACKOFF_MS: '1000',
  GRADER_ATTEMPTS: '5',
  // Not under test here: a busy CI machine must not make a host "degraded" and skew the load split.
  GRADER_HOST_DEGRADED_MS: '5000',
}
/** interval × failures + timeout, with room for a loaded machine. */
const DETECTION_BUDGET_MS = 300 * 2 + 700 + 3000

let a: ExtraDockerd
let b: ExtraDockerd
beforeAll(async () => {
  [a, b] = await Promise.all([startDockerd('chaos-a'), startDockerd('chaos-b')])
}, 300_000)
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
})

let grader: TestGrader | undefined
afterEach(async () => {
  await grader?.close()
  grader = undefined
})

const sleepy = (seconds: number) => `import time\n\ndef add(a, b):\n    time.sleep(${seconds})\n    return a + b\n`

async function submit (g: TestGrader, body: unknown): Promise<string> {
  const res = await g.request('/v1/submissions', { method: 'POST', body: JSON.stringify(body) })
  expect(res.status).toBe(202)
  return (await res.json() as { id: string }).id
}

async function untilDone (g: TestGrader, ids: string[], timeoutMs = 120_000): Promise<Submission[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const subs = await Promise.all(ids.map(async id => await (await g.request(`/v1/submissions/${id}`)).json() as Submission))
    if (subs.every(s => s.state === 'done')) return subs
    if (Date.now() > deadline) throw new Error(`not done in time: ${subs.filter(s => s.state !== 'done').map(s => s.id).join(', ')}`)
    await new Promise(r => setTimeout(r, 200))
  }
}

async function until (what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now()
  for (;;) {
    if (await check()) return Date.now() - started
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not happen within ${timeoutMs} ms`)
    await new Promise(r => setTimeout(r, 50))
  }
}

/** Grading containers on an engine (probe containers are removed as they are made, but may be caught mid-flight). */
async function gradingContainers (engine: ExtraDockerd): Promise<Docker.ContainerInfo[]> {
  const docker = new Docker({ socketPath: engine.socket })
  const all = await docker.listContainers({ all: true, filters: JSON.stringify({ label: ['grader.managed=true'] }) })
  return all.filter(c => c.Labels['grader.probe'] !== 'true')
}

/**
 * Grading containers a run left on an engine: once the worker's removals have settled, without
 * the warm pool's ready containers (the grader's own, made ahead of demand).
 */
async function leftBehind (engine: ExtraDockerd): Promise<Docker.ContainerInfo[]> {
  const resume = await grader!.worker.quiesce()
  try {
    const warm = new Set(grader!.worker.warm.idleContainerIds())
    return (await gradingContainers(engine)).filter(c => !warm.has(c.Id))
  } finally {
    resume()
  }
}

describe('many Docker hosts', () => {
  it('spreads load over hosts in proportion to their concurrency', async () => {
    grader = await startTestGrader({ ...PROBES, DOCKER_HOSTS: `${a.endpoint},${b.endpoint}`, GRADER_HOST_CONCURRENCY: '1' })
    // Freshly started engines answer their first probes slowly (the first create of a newly
    // loaded image): the split is measured once both are healthy, which is not what this tests.
    await until('both hosts are healthy', () => grader!.worker.pool.hosts.every(h => h.state === 'healthy' && h.images.size > 0), 30_000)
    // b gets three slots, a keeps one: live, through the API.
    const patch = await grader.request(`/v1/hosts/${encodeURIComponent(hostId(b.endpoint))}`, { method: 'PATCH', body: JSON.stringify({ concurrency: 3 }) })
    expect(patch.status).toBe(202)
    await until('the worker applies the new concurrency', () => grader!.worker.pool.get(hostId(b.endpoint))?.concurrency === 3, 5000)

    const ids = await Promise.all(Array.from({ length: 12 }, () => submit(grader!, python(sleepy(0.6), ADD_TESTS))))
    const subs = await untilDone(grader, ids)
    expect(subs.every(s => s.result?.status === 'pass')).toBe(true)
    const onA = subs.filter(s => s.result?.host === hostId(a.endpoint)).length
    const onB = subs.filter(s => s.result?.host === hostId(b.endpoint)).length
    expect(onA + onB).toBe(12)
    // 1:3 slots for runs of equal length: about 3 and 9.
    expect(onB).toBeGreaterThanOrEqual(2 * onA)
    expect(onA).toBeGreaterThanOrEqual(1)
  })

  it('draining a host through the API stops new work on it, and undraining brings it back', async () => {
    grader = await startTestGrader({ ...PROBES, DOCKER_HOSTS: `${a.endpoint},${b.endpoint}` })
    const idA = hostId(a.endpoint)
    const drain = await grader.request(`/v1/hosts/${encodeURIComponent(idA)}/drain`, { method: 'POST' })
    expect(drain.status).toBe(202)
    await until('the worker drains the host', () => grader!.worker.pool.get(idA)?.draining === true, 5000)

    const ids = await Promise.all(Array.from({ length: 6 }, () => submit(grader!, python(ADD_CORRECT, ADD_TESTS))))
    const subs = await untilDone(grader, ids)
    expect(subs.map(s => s.result?.host)).toEqual(Array(6).fill(hostId(b.endpoint)))

    const hosts = await (await grader.request('/v1/hosts')).json() as { hosts: Array<{ id: string, draining: boolean }> }
    expect(hosts.hosts.find(h => h.id === idA)?.draining).toBe(true)

    await grader.request(`/v1/hosts/${encodeURIComponent(idA)}/undrain`, { method: 'POST' })
    await until('the worker undrains the host', () => grader!.worker.pool.get(idA)?.draining === false, 5000)
  })

  it('a wedged daemon (SIGSTOP) goes unhealthy within the detection time, is recycled and comes back; every verdict is right', async () => {
    grader = await startTestGrader({ ...PROBES, DOCKER_HOSTS: `${a.endpoint},${b.endpoint}`, GRADER_RECYCLE_COMMAND: `node ${RECYCLE}` })
    const idA = hostId(a.endpoint)
    const hostA = grader.worker.pool.get(idA)!
    const bodies = Array.from({ length: 10 }, (_, i) => python(i % 2 === 0 ? sleepy(0.5) : ADD_WRONG_FOR_NEGATIVES, ADD_TESTS))
    const ids = await Promise.all(bodies.map(body => submit(grader!, body)))
    await until('a run is in flight on the host about to wedge', () => hostA.inFlight > 0, 20_000)

    a.pause()
    const detectedMs = await until('the wedged host turns unhealthy', () => hostA.state === 'unhealthy' || hostA.state === 'recycling', 20_000)
    expect(detectedMs).toBeLessThan(DETECTION_BUDGET_MS)

    const subs = await untilDone(grader, ids)
    subs.forEach((s, i) => expect(s.result?.status, JSON.stringify(s.result)).toBe(i % 2 === 0 ? 'pass' : 'fail'))

    await until('the host is recycled and healthy again', () => hostA.lastRecycleAt !== null && hostA.state === 'healthy', 120_000)
    // what ops see is published with the worker's next heartbeat
    let view: { id: string, state: string, lastRecycleAt: string | null } | undefined
    await until('ops see it healthy and recycled', async () => {
      const hosts = (await (await grader!.request('/v1/hosts')).json() as { hosts: Array<{ id: string, state: string, lastRecycleAt: string | null }> }).hosts
      view = hosts.find(h => h.id === idA)
      return view?.state === 'healthy' && view.lastRecycleAt !== null
    }, 10_000)
    expect(view?.lastRecycleAt).not.toBeNull()

    // Nothing left behind on either host.
    await until('no grading container is left', async () => (await leftBehind(a)).length === 0 && (await leftBehind(b)).length === 0, 15_000)
  })

  it('a daemon killed outright mid-run: its submissions are retried on the other host and graded once', async () => {
    grader = await startTestGrader({ ...PROBES, DOCKER_HOSTS: `${a.endpoint},${b.endpoint}` })
    const idA = hostId(a.endpoint)
    const hostA = grader.worker.pool.get(idA)!
    // Count completions as the API announces them: exactly one per submission.
    const completions = new Map<string, number>()
    const { Redis } = await import('ioredis')
    const sub = new Redis(grader.config.redisUrl)
    sub.on('message', (_c: string, id: string) => completions.set(id, (completions.get(id) ?? 0) + 1))
    await sub.subscribe(`${grader.config.prefix}:submission-done`)
    try {
      const ids = await Promise.all(Array.from({ length: 6 }, () => submit(grader!, python(sleepy(1.5), ADD_TESTS))))
      await until('runs are in flight on the host about to die', () => hostA.inFlight > 0, 20_000)
      await a.kill()

      const subs = await untilDone(grader, ids)
      for (const s of subs) {
        expect(s.result?.status, JSON.stringify(s.result)).toBe('pass')
        expect(s.result?.host).toBe(hostId(b.endpoint))
      }
      expect(subs.some(s => (s.result?.attempts ?? 1) > 1)).toBe(true)
      await new Promise(r => setTimeout(r, 500))
      expect(ids.map(id => completions.get(id))).toEqual(ids.map(() => 1))
      expect(await leftBehind(b)).toEqual([])
    } finally {
      await sub.quit()
      await a.restart()
    }
  })
})
