// The warm pool through the public API, on the real engine: a submission gets a container made
// before it came (and only once), with exactly the limits it asked for; one the pool cannot serve
// runs cold; ops see the pool in GET /v1/hosts and /metrics; draining a host discards its pool;
// GRADER_POOL_SIZE=0 turns it off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import type { HostPoolView } from '../../services/shared/store/host-registry.js'
import { ADD_CORRECT, ADD_TESTS } from '../fixtures/python/add.js'
import { python, startTestGrader, type TestGrader } from '../helpers/grader.js'

interface HostsBody { hosts: Array<{ id: string, pool?: HostPoolView }> }

async function poolOf (g: TestGrader): Promise<HostPoolView | undefined> {
  const body = await (await g.request('/v1/hosts')).json() as HostsBody
  return body.hosts[0]?.pool
}

/** Polls GET /v1/hosts until the pool looks as `ok` says (views are published every 2 s). */
/**
 * Runtime images on the test grader's host: the pool keeps one of each ready while idle, so
 * waiting for that many (not for the first) means python's is among them.
 */
const imagesOf = (g: TestGrader): number => g.worker.pool.hosts[0]!.images.size

async function untilPool (g: TestGrader, what: string, ok: (p: HostPoolView | undefined) => boolean, withinMs = 20_000): Promise<HostPoolView | undefined> {
  const deadline = Date.now() + withinMs
  for (;;) {
    const pool = await poolOf(g)
    if (ok(pool)) return pool
    if (Date.now() > deadline) throw new Error(`the pool did not become ${what}: ${JSON.stringify(pool)}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

/** Student code that reports its container's cgroup limits (v2 files, v1 as a fallback). */
const READS_LIMITS = `
def read(*paths):
    for p in paths:
        try:
            with open(p) as f:
                return f.read().strip()
        except OSError:
            pass
    return None

def limits():
    return {
        'pids': read('/sys/fs/cgroup/pids.max', '/sys/fs/cgroup/pids/pids.max'),
        'cpu': read('/sys/fs/cgroup/cpu.max') or '%s %s' % (read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'), read('/sys/fs/cgroup/cpu/cpu.cfs_period_us')),
        'memory': read('/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes'),
    }
`
const limitsSuite = (expected: Record<string, string>) => `from solution import limits

def test_limits():
    assert limits() == ${JSON.stringify(expected)}
`
const MiB = 1024 * 1024

describe('with the pool on (the default)', () => {
  let g: TestGrader
  beforeAll(async () => { g = await startTestGrader({ GRADER_POOL_SIZE: '2' }) })
  afterAll(async () => { await g?.close() })

  it('hands a submission a warm container: no create or start on its path, the verdict as cold', async () => {
    await untilPool(g, 'ready', p => (p?.ready ?? 0) >= imagesOf(g))
    const done = await g.grade(python(ADD_CORRECT, ADD_TESTS))
    expect(done.result).toMatchObject({ status: 'pass', container: 'warm', timings: { createMs: 0, startMs: 0 } })
    expect(done.result?.tests.map(t => t.status)).toEqual(['pass', 'pass', 'pass'])
    await untilPool(g, 'counting the hit', p => (p?.hits ?? 0) >= 1)
    expect(await g.leftovers()).toEqual([])
  })

  it('uses a container once: two submissions in a row get two containers', async () => {
    await untilPool(g, 'ready', p => (p?.ready ?? 0) >= imagesOf(g))
    const before = (await poolOf(g))!
    const ids: string[] = []
    for (let i = 0; i < 2; i++) {
      const resume = await g.worker.quiesce()
      const warm = g.worker.warm.idleContainerIds()
      resume()
      const done = await g.grade(python(ADD_CORRECT, ADD_TESTS))
      expect(done.result?.container).toBe('warm')
      ids.push(...warm)
    }
    const after = await untilPool(g, 'counting both', p => (p?.hits ?? 0) >= before.hits + 2)
    expect(after!.created).toBeGreaterThanOrEqual(before.created + 1)
    expect(new Set(ids).size).toBeGreaterThan(1)
  })

  it('gives a warm run exactly the CPU and pids limits it asked for, set before its files arrive', async () => {
    await untilPool(g, 'ready', p => (p?.ready ?? 0) >= imagesOf(g))
    const done = await g.grade(python(READS_LIMITS, limitsSuite({ pids: '20', cpu: '5000 10000', memory: String(256 * MiB) }), {
      limits: { pids: 20, cpus: 0.5 },
    }))
    expect(done.result?.container).toBe('warm')
    expect(done.result?.status, JSON.stringify(done.result?.tests)).toBe('pass')
  })

  it('runs a submission asking for another memory limit cold, with that limit', async () => {
    const done = await g.grade(python(READS_LIMITS, limitsSuite({ pids: '64', cpu: '10000 10000', memory: String(128 * MiB) }), {
      limits: { memoryMb: 128 },
    }))
    expect(done.result?.container).toBe('cold')
    expect(done.result?.timings?.createMs).toBeGreaterThan(0)
    expect(done.result?.status, JSON.stringify(done.result?.tests)).toBe('pass')
    await untilPool(g, 'counting the miss', p => (p?.misses ?? 0) >= 1)
  })

  it('keeps the warm container out of the student view', async () => {
    const done = await g.grade(python(ADD_CORRECT, ADD_TESTS))
    const student = await (await g.request(`/v1/submissions/${done.id}?view=student`)).json() as Submission
    expect(student.result).not.toHaveProperty('container')
    expect(student.result).not.toHaveProperty('host')
  })

  it('shows the pool in /metrics', async () => {
    await untilPool(g, 'ready', p => (p?.ready ?? 0) >= imagesOf(g))
    const text = await (await fetch(`${g.metricsUrl}/metrics`)).text()
    const host = g.worker.pool.hosts[0]!.id
    const value = (series: string) => Number(text.split('\n').find(l => l.startsWith(`${series} `))?.split(' ')[1])
    expect(value(`grader_pool_containers{host="${host}",state="ready"}`)).toBeGreaterThanOrEqual(1)
    expect(value(`grader_pool_events{host="${host}",event="hit"}`)).toBeGreaterThanOrEqual(1)
    expect(value(`grader_pool_events{host="${host}",event="miss"}`)).toBeGreaterThanOrEqual(1)
  })

  it('discards a drained host\'s pool, and refills it once undrained', async () => {
    const host = g.worker.pool.hosts[0]!.id
    await untilPool(g, 'ready', p => (p?.ready ?? 0) >= imagesOf(g))
    expect((await g.request(`/v1/hosts/${encodeURIComponent(host)}/drain`, { method: 'POST' })).status).toBe(202)
    await untilPool(g, 'empty once drained', p => p?.ready === 0)
    expect(g.worker.warm.idleContainerIds()).toEqual([])
    expect(await g.leftovers()).toEqual([])
    expect((await g.request(`/v1/hosts/${encodeURIComponent(host)}/undrain`, { method: 'POST' })).status).toBe(202)
    await untilPool(g, 'ready again', p => (p?.ready ?? 0) >= 1)
  })
})

describe('with GRADER_POOL_SIZE=0', () => {
  let g: TestGrader
  beforeAll(async () => { g = await startTestGrader({ GRADER_POOL_SIZE: '0' }) })
  afterAll(async () => { await g?.close() })

  it('runs every submission cold and shows no pool', async () => {
    const done = await g.grade(python(ADD_CORRECT, ADD_TESTS))
    expect(done.result).toMatchObject({ status: 'pass', container: 'cold' })
    expect(done.result?.timings?.createMs).toBeGreaterThan(0)
    expect(await poolOf(g)).toBeUndefined()
    expect(g.worker.warm.idleContainerIds()).toEqual([])
  })
})
