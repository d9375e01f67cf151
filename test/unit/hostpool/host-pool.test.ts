// Scheduling rules of the host pool, with hosts put into states by hand (no daemon is called).
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { HostPool, type DockerHost } from '../../../services/hostpool/host-pool.js'
import { loadHostPoolOptions } from '../../../services/hostpool/host-pool-options.js'

const IMAGE = { language: 'python', ref: 'sha256:x', tag: 'grader-python:1', harness: 1, runner: ['python3'] }

function pool (n: number, concurrency = 2): HostPool {
  const p = new HostPool(Array.from({ length: n }, (_, i) => `tcp://dock-${i}:2376`), concurrency, loadHostPoolOptions({}), pino({ level: 'silent' }))
  for (const h of p.hosts) {
    h.health.probeSucceeded(5)
    h.images.set('python', IMAGE)
  }
  return p
}

function degrade (h: DockerHost): void {
  for (let i = 0; i < 20; i++) h.health.probeSucceeded(5000)
}

describe('host pool scheduling', () => {
  it('gives a healthy host its concurrency, a degraded one half, and none to unhealthy or draining hosts', () => {
    const p = pool(4, 4)
    const [healthy, degraded, unhealthy, draining] = p.hosts as [DockerHost, DockerHost, DockerHost, DockerHost]
    degrade(degraded)
    unhealthy.health.probeFailed(); unhealthy.health.probeFailed()
    p.applyControl(draining.id, { draining: true })
    expect([healthy.state, degraded.state, unhealthy.state]).toEqual(['healthy', 'degraded', 'unhealthy'])
    expect([healthy.capacity, degraded.capacity, unhealthy.capacity, draining.capacity]).toEqual([4, 2, 0, 0])
  })

  it('leases the least-loaded host, and prefers another host than the one a retry avoids', async () => {
    const p = pool(2)
    const first = await p.acquire('python')
    const second = await p.acquire('python')
    expect(second.host.id).not.toBe(first.host.id)
    first.release(); second.release()
    const retry = await p.acquire('python', p.hosts[0]!.id)
    expect(retry.host.id).toBe(p.hosts[1]!.id)
  })

  it('waits for a free slot and takes it when a run is released', async () => {
    const p = pool(1, 1)
    const busy = await p.acquire('python')
    let got = false
    const waiting = p.acquire('python').then(l => { got = true; return l })
    await new Promise(r => setTimeout(r, 20))
    expect(got).toBe(false)
    busy.release()
    const lease = await waiting
    expect(lease.host.inFlight).toBe(1)
  })

  it('fails at once, retryably, when no host has the language at all', async () => {
    const p = pool(1)
    await expect(p.acquire('cobol')).rejects.toMatchObject({ code: 'no_host_available', retryable: true })
  })

  it('applies a concurrency change from ops and wakes waiting runs', async () => {
    const p = pool(1, 1)
    const busy = await p.acquire('python')
    const waiting = p.acquire('python')
    p.applyControl(p.hosts[0]!.id, { concurrency: 2 })
    const lease = await waiting
    expect(lease.host.inFlight).toBe(2)
    busy.release(); lease.release()
  })

  it('gives the lease a signal that aborts when the host gives up its runs', async () => {
    const p = pool(1)
    const lease = await p.acquire('python')
    expect(lease.signal.aborted).toBe(false)
    lease.host.runs.abort(new Error('host unhealthy'))
    expect(lease.signal.aborted).toBe(true)
  })
})

describe('runtime images a worker uses', () => {
  /** Image listings as a Docker daemon gives them: one python image per harness protocol. */
  const listing = (harnesses: number[]) => harnesses.map(h => ({
    Id: `sha256:h${h}`, RepoTags: [`grader-python:${h}`],
    Labels: { 'grader.language': 'python', 'grader.harness': String(h), 'grader.runner': '["python3"]' },
  }))

  async function imagesSeen (harnessProtocol: number | undefined, harnesses: number[]) {
    const p = new HostPool(['tcp://dock-0:2376'], 1, loadHostPoolOptions({}), pino({ level: 'silent' }),
      harnessProtocol === undefined ? {} : { harnessProtocol })
    const host = p.hosts[0]!
    // The seam: the host's Docker client, faked for the two calls an image refresh makes.
    Object.assign(host, { docker: { listImages: async () => listing(harnesses), info: async () => ({ Runtimes: {} }) } })
    await (p as unknown as { refreshImages: (h: DockerHost) => Promise<void> }).refreshImages(host)
    return host.images.get('python')?.ref
  }

  it('ignores an image whose harness speaks another protocol than the worker', async () => {
    expect(await imagesSeen(2, [1])).toBeUndefined()
    expect(await imagesSeen(2, [1, 2, 3])).toBe('sha256:h2')
  })

  it('takes the newest protocol when the worker names none', async () => {
    expect(await imagesSeen(undefined, [1, 3, 2])).toBe('sha256:h3')
  })
})
