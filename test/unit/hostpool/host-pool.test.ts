// The host pool against fake daemons (test/unit/hostpool/fake-docker.ts) and a hand-moved clock:
// scheduling, probing into states, the grace of runs on an unhealthy host, recycle and back-off,
// and the runtime images each host holds. No daemon, no real waiting past a few ms.
import { describe, expect, it } from 'vitest'
import type { DockerHost } from '../../../services/hostpool/host-pool.js'
import type { RecycleOutcome } from '../../../services/hostpool/host-recycler.js'
import { fakePool, imageListing, settle, type FakePool } from './fake-docker.js'

/** A pool whose hosts have all been probed once: healthy, with their images. */
async function started (n: number, opts: Parameters<typeof fakePool>[1] = {}): Promise<FakePool> {
  const f = fakePool(n, opts)
  for (const h of f.pool.hosts) await f.pool.probe(h)
  return f
}

async function probeTimes (f: FakePool, host: DockerHost, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await f.pool.probe(host)
}

const OK: RecycleOutcome = { ok: true, exitCode: 0, output: '', durationMs: 1 }

describe('host pool scheduling', () => {
  it('gives a healthy host its concurrency, a degraded one half, and none to unhealthy or draining hosts', async () => {
    const f = await started(4, { concurrency: 4, env: { GRADER_HOST_DEGRADED_MS: '100' } })
    const [healthy, degraded, unhealthy, draining] = f.pool.hosts as [DockerHost, DockerHost, DockerHost, DockerHost]
    f.daemons[1]!.pingMs = 500
    await probeTimes(f, degraded, 5)
    f.daemons[2]!.down = 'connect ECONNREFUSED'
    await probeTimes(f, unhealthy, 2)
    f.pool.applyControl(draining.id, { draining: true })
    expect([healthy.state, degraded.state, unhealthy.state, draining.state]).toEqual(['healthy', 'degraded', 'unhealthy', 'healthy'])
    expect([healthy.capacity, degraded.capacity, unhealthy.capacity, draining.capacity]).toEqual([4, 2, 0, 0])
    expect(unhealthy.lastError).toBe('connect ECONNREFUSED')
  })

  it('leases the least-loaded host, and prefers another host than the one a retry avoids', async () => {
    const { pool } = await started(2)
    const first = await pool.acquire('python')
    const second = await pool.acquire('python')
    expect(second.host.id).not.toBe(first.host.id)
    first.release(); second.release()
    const retry = await pool.acquire('python', pool.hosts[0]!.id)
    expect(retry.host.id).toBe(pool.hosts[1]!.id)
  })

  it('goes back to the avoided host when it is the only one with room', async () => {
    const { pool } = await started(2, { concurrency: 1 })
    const busy = await pool.acquire('python', pool.hosts[0]!.id)
    expect(busy.host.id).toBe(pool.hosts[1]!.id)
    const retry = await pool.acquire('python', pool.hosts[0]!.id)
    expect(retry.host.id).toBe(pool.hosts[0]!.id)
  })

  it('skips a drained host, and uses it again once undrained', async () => {
    const { pool } = await started(2)
    pool.applyControl(pool.hosts[0]!.id, { draining: true })
    const leases = [await pool.acquire('python'), await pool.acquire('python')]
    expect(leases.map(l => l.host.id)).toEqual([pool.hosts[1]!.id, pool.hosts[1]!.id])
    pool.applyControl(pool.hosts[0]!.id, { draining: false })
    expect((await pool.acquire('python')).host.id).toBe(pool.hosts[0]!.id)
  })

  it('waits for a free slot and takes it when a run is released', async () => {
    const { pool } = await started(1, { concurrency: 1 })
    const busy = await pool.acquire('python')
    let got = false
    const waiting = pool.acquire('python').then(l => { got = true; return l })
    await settle()
    expect(got).toBe(false)
    busy.release()
    busy.release() // a second release of the same lease frees nothing more
    const lease = await waiting
    expect(lease.host.inFlight).toBe(1)
  })

  it('lets only the interactive lane take a host\'s reserve past its concurrency, and none on a drained host', async () => {
    const { pool } = await started(1, { concurrency: 1, env: { GRADER_INTERACTIVE_SLOTS: '1' } })
    const host = pool.hosts[0]!
    expect(pool.reserve).toBe(1)
    const practice = await pool.acquire('python')
    let queued = false
    const next = pool.acquire('python', undefined, 'exam').then(l => { queued = true; return l })
    const interactive = await pool.acquire('python', undefined, 'interactive')
    expect(host.inFlight).toBe(2)
    await settle()
    // an exam run never takes the reserve, however long it waits
    expect(queued).toBe(false)
    // a second interactive run waits too: the reserve is one slot
    let second = false
    const again = pool.acquire('python', undefined, 'interactive').then(l => { second = true; return l })
    await settle()
    expect(second).toBe(false)
    interactive.release()
    await again
    // an interactive run within the reserve takes no shared slot: the exam run starts beside it
    practice.release()
    await next
    expect(host.inFlight).toBe(2)
    pool.applyControl(host.id, { draining: true })
    expect(host.reserve).toBe(0)
    expect(host.hasRoomFor('interactive')).toBe(false)
  })

  it('has no reserve with GRADER_INTERACTIVE_SLOTS=0', async () => {
    const { pool } = await started(1, { concurrency: 1, env: { GRADER_INTERACTIVE_SLOTS: '0' } })
    await pool.acquire('python')
    expect(pool.hosts[0]!.hasRoomFor('interactive')).toBe(false)
  })

  it('fails at once, retryably, when no host has the language at all', async () => {
    const { pool } = await started(1)
    await expect(pool.acquire('cobol')).rejects.toMatchObject({ code: 'no_host_available', retryable: true })
  })

  it('fails, retryably, when the only host with the language stays out past the acquire budget', async () => {
    const f = await started(1, { options: { acquireWaitMs: 1000, acquireRecheckMs: 1 } })
    f.daemons[0]!.down = 'down'
    await probeTimes(f, f.pool.hosts[0]!, 2)
    const waiting = f.pool.acquire('python')
    f.clock.advance(1001)
    await expect(waiting).rejects.toMatchObject({ code: 'no_host_available' })
  })

  it('applies a concurrency change from ops and wakes waiting runs; no concurrency means the default again', async () => {
    const { pool } = await started(1, { concurrency: 1 })
    const busy = await pool.acquire('python')
    const waiting = pool.acquire('python')
    pool.applyControl(pool.hosts[0]!.id, { concurrency: 2 })
    const lease = await waiting
    expect(lease.host.inFlight).toBe(2)
    busy.release(); lease.release()
    pool.applyControl(pool.hosts[0]!.id, {})
    expect(pool.hosts[0]!.concurrency).toBe(1)
  })

  it('fails waiting runs when the pool stops', async () => {
    const { pool } = await started(1, { concurrency: 1 })
    await pool.acquire('python')
    const waiting = pool.acquire('python')
    pool.stop()
    await expect(waiting).rejects.toMatchObject({ code: 'no_host_available' })
  })
})

describe('the runtime a lease carries', () => {
  it("carries the operator's runtime for the language when the host has it", async () => {
    const f = fakePool(1, { hooks: { runtimes: { python: 'runsc' } } })
    f.daemons[0]!.runtimeNames = ['runc', 'runsc']
    await f.pool.probe(f.pool.hosts[0]!)
    expect((await f.pool.acquire('python')).runtime).toBe('runsc')
  })

  it("falls back to Docker's default when the host lacks it", async () => {
    const f = await started(1, { hooks: { runtimes: { python: 'runsc' } } })
    const lease = await f.pool.acquire('python')
    expect(lease.runtime).toBeUndefined()
    expect('runtime' in lease).toBe(false)
  })

  it("carries the image's grader.runtime label when the operator names none", async () => {
    const f = fakePool(1, { images: () => [imageListing('python', 1, { 'grader.runtime': 'runsc' })] })
    f.daemons[0]!.runtimeNames = ['runc', 'runsc']
    await f.pool.probe(f.pool.hosts[0]!)
    expect((await f.pool.acquire('python')).runtime).toBe('runsc')
  })
})

describe('probes', () => {
  it('admit a new host on its first good probe, with its images and runtimes', async () => {
    const f = fakePool(1)
    const host = f.pool.hosts[0]!
    expect(host.state).toBe('unhealthy')
    await f.pool.probe(host)
    expect(host.state).toBe('healthy')
    expect([...host.images.keys()]).toEqual(['python'])
    expect([...host.runtimes]).toEqual(['runc'])
    expect(host.health.p50).toBe(5)
  })

  it('create and remove a never-started, labelled container every Nth probe only', async () => {
    const f = await started(1, { env: { GRADER_PROBE_CREATE_EVERY: '3' } })
    await probeTimes(f, f.pool.hosts[0]!, 6)
    // probes 0 (admission), 3 and 6
    expect(f.daemons[0]!.created).toHaveLength(3)
    expect(f.daemons[0]!.created[0]).toEqual({ image: 'sha256:python-1', labels: { 'grader.managed': 'true', 'grader.probe': 'true' } })
  })

  it('run one at a time per host', async () => {
    const f = await started(1)
    const d = f.daemons[0]!
    const pings = d.calls.filter(c => c === 'ping').length
    await Promise.all([f.pool.probe(f.pool.hosts[0]!), f.pool.probe(f.pool.hosts[0]!)])
    expect(d.calls.filter(c => c === 'ping').length).toBe(pings + 1)
  })

  it('turn a host unhealthy only after the configured consecutive failures', async () => {
    const f = await started(1, { env: { GRADER_HOST_UNHEALTHY_AFTER: '3' } })
    f.daemons[0]!.down = 'down'
    await probeTimes(f, f.pool.hosts[0]!, 2)
    expect(f.pool.hosts[0]!.state).toBe('healthy')
    await f.pool.probe(f.pool.hosts[0]!)
    expect(f.pool.hosts[0]!.state).toBe('unhealthy')
  })
})

describe('grace and recycle', () => {
  /** One host with a run in flight, then down: unhealthy at the clock's time. */
  async function fallenOver (hooks: Parameters<typeof fakePool>[1] = {}) {
    const actions: DockerHost[] = []
    const f = await started(1, {
      env: { GRADER_HOST_GRACE_MS: '3000', GRADER_RECYCLE_BACKOFF_MS: '10000' },
      ...hooks,
      hooks: { recycleAction: async (h) => { actions.push(h); return OK }, ...hooks.hooks },
    })
    const host = f.pool.hosts[0]!
    const lease = await f.pool.acquire('python')
    f.daemons[0]!.down = 'down'
    await probeTimes(f, host, 2)
    return { ...f, host, lease, actions }
  }

  it('leaves runs on an unhealthy host alone until the grace is over, then aborts them retryably and recycles', async () => {
    const f = await fallenOver()
    expect(f.host.state).toBe('unhealthy')
    f.clock.advance(2999)
    await f.pool.probe(f.host)
    expect(f.lease.signal.aborted).toBe(false)
    expect(f.actions).toHaveLength(0)
    f.clock.advance(1)
    await f.pool.probe(f.host)
    expect(f.lease.signal.aborted).toBe(true)
    expect(f.lease.signal.reason).toMatchObject({ code: 'host_unreachable', retryable: true })
    // The aborted run ends and gives its slot back, as the worker's does.
    f.lease.release()
    await settle()
    expect(f.actions).toEqual([f.host])
    expect(f.host.state).toBe('recycling')
  })

  it('re-admits a recycled host only after enough good probes, and reads its runtimes again', async () => {
    const f = await fallenOver()
    f.lease.release()
    f.clock.advance(3000)
    await f.pool.probe(f.host)
    await settle()
    expect(f.host.lifecycle.state).toBe('rejoining')
    expect(f.host.runtimes.size).toBe(0)
    f.daemons[0]!.down = null
    await f.pool.probe(f.host)
    expect(f.host.state).toBe('recycling')
    await f.pool.probe(f.host)
    expect(f.host.state).toBe('healthy')
    expect(f.host.runtimes.size).toBe(1)
    expect(f.host.lastRecycleAt).toBe(f.clock.ms - 10)
  })

  it('a failed recycle leaves the host unhealthy, and the next recycle comes after its back-off', async () => {
    const outcomes = [{ ...OK, ok: false, exitCode: 1 }, OK]
    const f = await fallenOver({ hooks: { recycleAction: async () => outcomes.shift()! } })
    f.lease.release()
    f.clock.advance(3000)
    await f.pool.probe(f.host)
    await settle()
    expect(f.host.state).toBe('unhealthy')
    expect(outcomes).toHaveLength(1)
    f.clock.advance(3000)
    await f.pool.probe(f.host)
    expect(outcomes).toHaveLength(1) // flapping: 10 s after the last recycle at the earliest
    f.clock.advance(7000)
    await f.pool.probe(f.host)
    await settle()
    expect(outcomes).toHaveLength(0)
  })

  it('backs off longer each time a host falls over again soon after its recycle, and forgets once it stays up', async () => {
    const f = await fallenOver()
    f.lease.release()
    const recycleAfterGrace = async () => {
      f.daemons[0]!.down = 'down'
      await probeTimes(f, f.host, 2)
      expect(f.host.state).toBe('unhealthy')
      f.clock.advance(3000)
      await f.pool.probe(f.host)
      await settle()
    }
    const rejoin = async () => {
      f.daemons[0]!.down = null
      await probeTimes(f, f.host, 2)
      expect(f.host.state).toBe('healthy')
    }
    f.clock.advance(3000)
    await f.pool.probe(f.host)
    await settle()
    expect([f.actions.length, f.host.flaps]).toEqual([1, 0])
    await rejoin()
    await recycleAfterGrace()
    // fell over within the flap window: first back-off, 10 s after the last recycle
    expect(f.actions).toHaveLength(1)
    expect(f.pool.hosts[0]!.lastRecycleAt).not.toBeNull()
    f.clock.advance(10_000)
    await f.pool.probe(f.host)
    await settle()
    expect([f.actions.length, f.host.flaps]).toEqual([2, 1])
    await rejoin()
    await recycleAfterGrace()
    f.clock.advance(10_000)
    await f.pool.probe(f.host)
    expect(f.actions).toHaveLength(2) // now 20 s
    f.clock.advance(10_000)
    await f.pool.probe(f.host)
    await settle()
    expect([f.actions.length, f.host.flaps]).toEqual([3, 2])
    await rejoin()
    f.clock.advance(f.options.flapWindowMs)
    await recycleAfterGrace()
    expect([f.actions.length, f.host.flaps]).toEqual([4, 0])
  })

  it('does not recycle when another worker holds the recycle, and probes on', async () => {
    const f = await fallenOver({ hooks: { claimRecycle: async () => false } })
    f.lease.release()
    f.clock.advance(3000)
    await f.pool.probe(f.host)
    await settle()
    expect(f.actions).toHaveLength(0)
    expect(f.host.lifecycle.state).toBe('unhealthy')
    f.daemons[0]!.down = null
    for (let i = 0; i < 2; i++) { await f.pool.probe(f.host); await settle() }
    expect(f.host.state).toBe('healthy')
  })

  it('tells the worker when its claimed recycle is over, and what it gave', async () => {
    const events: string[] = []
    const f = await started(1, {
      hooks: {
        recycleAction: async () => { events.push('action'); return OK },
        claimRecycle: async () => { events.push('claim'); return true },
        recycled: (_h, o) => { events.push(`recycled ${o.ok}`) },
        recycleFinished: async () => { events.push('finished') },
      },
    })
    expect(await f.pool.recycle(f.pool.hosts[0]!, 'ops')).toEqual(OK)
    expect(events).toEqual(['claim', 'action', 'recycled true', 'finished'])
  })

  it('refuses an ops recycle while one runs, and when no recycle action is set', async () => {
    let finish: (o: RecycleOutcome) => void = () => {}
    const f = await started(1, { hooks: { recycleAction: async () => await new Promise<RecycleOutcome>(resolve => { finish = resolve }) } })
    const host = f.pool.hosts[0]!
    const first = f.pool.recycle(host, 'ops')
    await settle()
    expect(await f.pool.recycle(host, 'ops')).toBeNull()
    finish(OK)
    expect(await first).toEqual(OK)
    const plain = await started(1)
    expect(await plain.pool.recycle(plain.pool.hosts[0]!, 'ops')).toBeNull()
    expect(plain.pool.hosts[0]!.state).toBe('healthy')
  })

  it('on an ops recycle, gives runs in flight their grace: a run that ends in time is not aborted', async () => {
    const f = await started(1, { env: { GRADER_HOST_GRACE_MS: '1000' }, hooks: { recycleAction: async () => OK } })
    const lease = await f.pool.acquire('python')
    const recycling = f.pool.recycle(f.pool.hosts[0]!, 'ops')
    await settle()
    expect(f.pool.hosts[0]!.state).toBe('recycling')
    expect(f.pool.hosts[0]!.capacity).toBe(0)
    lease.release()
    expect(await recycling).toEqual(OK)
    expect(lease.signal.aborted).toBe(false)
  })

  it('on an ops recycle, aborts the runs still in flight once their grace is over', async () => {
    const f = await started(1, { env: { GRADER_HOST_GRACE_MS: '0' }, hooks: { recycleAction: async () => OK } })
    const lease = await f.pool.acquire('python')
    expect(await f.pool.recycle(f.pool.hosts[0]!, 'ops')).toEqual(OK)
    expect(lease.signal.aborted).toBe(true)
  })

  it('a recycle action that throws is a failed recycle, not a host stuck recycling', async () => {
    const f = await started(1, { hooks: { recycleAction: async () => { throw new Error('ssh: no route') } } })
    expect(await f.pool.recycle(f.pool.hosts[0]!, 'ops')).toMatchObject({ ok: false, output: 'ssh: no route' })
    expect(f.pool.hosts[0]!.lifecycle.state).toBe('unhealthy')
  })
})

describe('runtime images a worker uses', () => {
  const listing = (harnesses: number[]) => harnesses.map(h => imageListing('python', h))

  async function imagesSeen (harnessProtocol: number | undefined, harnesses: number[]) {
    const f = fakePool(1, { images: () => listing(harnesses), hooks: harnessProtocol === undefined ? {} : { harnessProtocol } })
    await f.pool.probe(f.pool.hosts[0]!)
    return f.pool.hosts[0]!.images.get('python')?.ref
  }

  it('ignores an image whose harness speaks another protocol than the worker', async () => {
    expect(await imagesSeen(2, [1])).toBeUndefined()
    expect(await imagesSeen(2, [1, 2, 3])).toBe('sha256:python-2')
  })

  it('takes the newest protocol when the worker names none', async () => {
    expect(await imagesSeen(undefined, [1, 3, 2])).toBe('sha256:python-3')
  })

  it('takes the tagged image over an untagged one of the same protocol, listed first or not', async () => {
    const leftover = { ...imageListing('python', 1), Id: 'sha256:python-leftover', RepoTags: ['<none>:<none>'] }
    for (const images of [[leftover, imageListing('python', 1)], [imageListing('python', 1), leftover]]) {
      const f = fakePool(1, { images: () => images })
      await f.pool.probe(f.pool.hosts[0]!)
      expect(f.pool.hosts[0]!.images.get('python')?.ref).toBe('sha256:python-1')
    }
  })

  it('ignores images whose runner label is not a list of strings', async () => {
    const f = fakePool(1, { images: () => [imageListing('python', 1, { 'grader.runner': '"python3"' })] })
    await f.pool.probe(f.pool.hosts[0]!)
    expect(f.pool.hosts[0]!.images.size).toBe(0)
  })
})

describe('image sync', () => {
  const twoHosts = (env: NodeJS.ProcessEnv = { GRADER_IMAGE_SYNC: 'true' }) => fakePool(2, { env, images: i => i === 0 ? [imageListing('python')] : [] })

  it('copies to a host the runtime image another usable host has, and the host then takes runs for it', async () => {
    const f = twoHosts()
    await f.pool.probe(f.pool.hosts[0]!)
    await f.pool.probe(f.pool.hosts[1]!)
    await settle()
    expect(f.daemons[0]!.calls).toContain('saveImage')
    expect(f.daemons[1]!.calls).toContain('loadImage')
    expect([...f.pool.hosts[1]!.images.keys()]).toEqual(['python'])
    f.pool.hosts[0]!.draining = true
    expect((await f.pool.acquire('python')).host.id).toBe(f.pool.hosts[1]!.id)
  })

  it('copies nothing unless GRADER_IMAGE_SYNC is on', async () => {
    const f = twoHosts({})
    await f.pool.probe(f.pool.hosts[0]!)
    await f.pool.probe(f.pool.hosts[1]!)
    await settle()
    expect(f.daemons[1]!.calls).not.toContain('loadImage')
  })

  it('copies from no host that is out (unhealthy or drained)', async () => {
    const f = twoHosts()
    await f.pool.probe(f.pool.hosts[0]!)
    f.pool.applyControl(f.pool.hosts[0]!.id, { draining: true })
    await f.pool.probe(f.pool.hosts[1]!)
    await settle()
    expect(f.daemons[0]!.calls).not.toContain('saveImage')
  })

  it('a failed copy is retried on a later probe', async () => {
    const f = twoHosts()
    f.daemons[1]!.loadFails = 'no space left on device'
    await f.pool.probe(f.pool.hosts[0]!)
    await f.pool.probe(f.pool.hosts[1]!)
    await settle()
    expect(f.pool.hosts[1]!.images.size).toBe(0)
    f.daemons[1]!.loadFails = null
    await f.pool.probe(f.pool.hosts[1]!)
    await settle()
    expect(f.daemons[1]!.calls.filter(c => c === 'loadImage')).toHaveLength(2)
    expect([...f.pool.hosts[1]!.images.keys()]).toEqual(['python'])
  })
})
