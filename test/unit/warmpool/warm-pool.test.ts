// The warm pool's logic (sizing, take, discard, refill, limits) against fake hosts and fake
// sessions behind its typed seams (PoolHost, WarmSession, `open`), on a clock the test moves.
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import type { RuntimeImage } from '../../../services/hostpool/docker-host.js'
import { resolveLimits, type Limits } from '../../../services/shared/config/limits.js'
import type { HostState } from '../../../services/shared/store/host-registry.js'
import { poolTarget, roomForOneMore } from '../../../services/warmpool/pool-sizing.js'
import { WarmPool, type PoolHost, type WarmSession, type WarmSpec } from '../../../services/warmpool/warm-pool.js'
import { loadWarmPoolOptions } from '../../../services/warmpool/warm-pool-options.js'
import { ConfigError } from '../../../services/shared/config/config.js'

const GiB = 1024 ** 3
const DEFAULTS = resolveLimits('python')
const IMAGE: RuntimeImage = { language: 'python', ref: 'sha256:one', tag: 'grader-python:4', harness: 4, runner: ['python3'] }

class FakeHost implements PoolHost {
  state: HostState = 'healthy'
  draining = false
  concurrency = 2
  reserve = 0
  inFlight = 0
  images = new Map<string, RuntimeImage>([['python', IMAGE]])
  memoryBytes: number | null = 8 * GiB
  constructor (readonly id: string) {}
  get capacity (): number { return this.draining || (this.state !== 'healthy' && this.state !== 'degraded') ? 0 : this.concurrency }
}

let nextId = 0
class FakeSession implements WarmSession {
  readonly containerId = `c${nextId++}`
  retuned: Limits[] = []
  shares: Array<number | undefined> = []
  named: string[] = []
  retuneFails = false
  removed = false
  usable = true
  private resolveClosed!: () => void
  readonly closed = new Promise<void>(resolve => { this.resolveClosed = resolve })
  constructor (readonly spec: WarmSpec<FakeHost>) {}
  async retune (limits: Limits, cpuShares?: number): Promise<void> {
    if (this.retuneFails) throw new Error('update refused')
    this.retuned.push(limits)
    this.shares.push(cpuShares)
  }

  nameFor (id: string): void { this.named.push(id) }
  async close (): Promise<void> { this.removed = true; this.resolveClosed() }
}

function fixture (env: NodeJS.ProcessEnv = {}, hostCount = 1) {
  let now = 1_700_000_000_000
  const hosts = Array.from({ length: hostCount }, (_, i) => new FakeHost(`h${i}`))
  const opened: FakeSession[] = []
  let failOpen = false
  const pool = new WarmPool<FakeHost, FakeSession>(loadWarmPoolOptions(env), {
    hosts: () => hosts,
    runtimeFor: () => undefined,
    limitsFor: language => resolveLimits(language),
    open: async spec => {
      if (failOpen) throw new Error('create failed')
      const s = new FakeSession(spec)
      opened.push(s)
      return s
    },
    log: pino({ level: 'silent' }),
    now: () => now,
  })
  /** Refills until the pool holds still (each fill resolves on a microtask). */
  const settle = async () => { for (let i = 0; i < 20; i++) { pool.refill(); await pool.pause(); pool.resume() } }
  return {
    pool, hosts, host: hosts[0]!, opened, settle,
    advance: (ms: number) => { now += ms },
    failOpens: (v: boolean) => { failOpen = v },
    lease: (host = hosts[0]!) => ({ host, image: host.images.get('python')! }),
  }
}

describe('pool sizing', () => {
  const healthy = { state: 'healthy' as const, draining: false, capacity: 2 }
  it('keeps one container with no recent demand, the full size with some, half on a degraded host, none on a host that takes no work', () => {
    expect(poolTarget(4, healthy, 0)).toBe(1)
    expect(poolTarget(4, healthy, 3)).toBe(4)
    expect(poolTarget(4, { ...healthy, state: 'degraded' }, 3)).toBe(2)
    expect(poolTarget(4, { ...healthy, draining: true }, 3)).toBe(0)
    expect(poolTarget(4, { ...healthy, state: 'unhealthy' }, 3)).toBe(0)
    expect(poolTarget(4, { ...healthy, state: 'recycling' }, 3)).toBe(0)
    expect(poolTarget(0, healthy, 3)).toBe(0)
  })

  it('never fills while every slot runs a submission, one at a time, and within the memory share', () => {
    const load = { ...healthy, inFlight: 0, idle: 0, filling: 0, memoryBytes: 8 * GiB }
    expect(roomForOneMore(load, 256, 0.5)).toBe(true)
    expect(roomForOneMore({ ...load, inFlight: 2 }, 256, 0.5)).toBe(false)
    expect(roomForOneMore({ ...load, filling: 1 }, 256, 0.5)).toBe(false)
    // 1 GiB machine, half of it: 512 MiB = two 256 MiB containers, runs included
    expect(roomForOneMore({ ...load, memoryBytes: GiB, idle: 1 }, 256, 0.5)).toBe(true)
    expect(roomForOneMore({ ...load, memoryBytes: GiB, idle: 1, inFlight: 1 }, 256, 0.5)).toBe(false)
    expect(roomForOneMore({ ...load, memoryBytes: null, idle: 50 }, 256, 0.5)).toBe(true)
  })
})

describe('WarmPool', () => {
  it('reads GRADER_POOL_SIZE (on by default) and GRADER_POOL_MAX_IDLE_MS, and refuses bad values', () => {
    expect(loadWarmPoolOptions({}).size).toBeGreaterThan(0)
    expect(loadWarmPoolOptions({ GRADER_POOL_SIZE: '0', GRADER_POOL_MAX_IDLE_MS: '60000' })).toMatchObject({ size: 0, maxIdleMs: 60_000 })
    expect(() => loadWarmPoolOptions({ GRADER_POOL_SIZE: '-1' })).toThrow(ConfigError)
    expect(() => loadWarmPoolOptions({ GRADER_POOL_MAX_IDLE_MS: 'soon' })).toThrow(ConfigError)
  })

  it('creates nothing and serves nothing when off', async () => {
    const f = fixture({ GRADER_POOL_SIZE: '0' })
    f.pool.start()
    await f.settle()
    expect(f.opened).toEqual([])
    expect(await f.pool.take(f.lease(), DEFAULTS, 's1')).toBeUndefined()
    expect(f.pool.stats('h0')).toMatchObject({ hits: 0, misses: 0 })
  })

  it('keeps one ready while idle, grows to the size once submissions come, and never hands a container out twice', async () => {
    const f = fixture({ GRADER_POOL_SIZE: '3' })
    await f.settle()
    expect(f.pool.stats('h0')).toMatchObject({ ready: 1, created: 1 })
    const first = await f.pool.take(f.lease(), DEFAULTS, 'sub-1')
    expect(first).toBe(f.opened[0])
    expect(first?.named).toEqual(['sub-1'])
    await f.settle()
    expect(f.pool.stats('h0')).toMatchObject({ target: 3, ready: 3, inUse: 1, hits: 1, misses: 0 })
    const second = await f.pool.take(f.lease(), DEFAULTS, 'sub-2')
    expect(second).not.toBe(first)
    expect(f.pool.idleContainerIds()).not.toContain(first?.containerId)
    await first?.close()
    await Promise.resolve()
    expect(f.pool.stats('h0').inUse).toBe(1)
  })

  it('sets a run\'s CPU and pids on the warm container before handing it out', async () => {
    const f = fixture()
    await f.settle()
    const asked = { ...DEFAULTS, cpus: 0.5, pids: 20 }
    const s = await f.pool.take(f.lease(), asked, 'sub-1')
    expect(s?.retuned).toEqual([asked])
  })

  it('sends a run asking for another memory limit cold, counted as a miss, and keeps the warm one', async () => {
    const f = fixture()
    await f.settle()
    expect(await f.pool.take(f.lease(), { ...DEFAULTS, memoryMb: DEFAULTS.memoryMb * 2 }, 'sub-1')).toBeUndefined()
    expect(f.pool.stats('h0')).toMatchObject({ misses: 1, hits: 0 })
    expect(f.pool.idleContainerIds()).toContain(f.opened[0]!.containerId)
  })

  it('discards a container that cannot take the run\'s limits, and the run goes cold', async () => {
    const f = fixture()
    await f.settle()
    f.opened[0]!.retuneFails = true
    expect(await f.pool.take(f.lease(), { ...DEFAULTS, pids: 20 }, 'sub-1')).toBeUndefined()
    expect(f.opened[0]!.removed).toBe(true)
    expect(f.pool.stats('h0')).toMatchObject({ misses: 1, discarded: 1 })
  })

  it('ages containers out past GRADER_POOL_MAX_IDLE_MS and replaces them', async () => {
    const f = fixture({ GRADER_POOL_MAX_IDLE_MS: '60000' })
    await f.settle()
    const old = f.opened[0]!
    f.advance(60_001)
    await f.settle()
    expect(old.removed).toBe(true)
    expect(f.pool.stats('h0')).toMatchObject({ ready: 1, created: 2, discarded: 1 })
  })

  it('replaces containers of an image the host no longer uses', async () => {
    const f = fixture()
    await f.settle()
    f.host.images.set('python', { ...IMAGE, ref: 'sha256:two' })
    await f.settle()
    expect(f.opened[0]!.removed).toBe(true)
    expect(f.opened.at(-1)!.spec.image.ref).toBe('sha256:two')
    // and a lease of the old image gets nothing warm
    expect(await f.pool.take({ host: f.host, image: IMAGE }, DEFAULTS, 's')).toBeUndefined()
  })

  it('discards a host\'s pool when it is drained, turns unhealthy or recycles, and refills once it takes work again', async () => {
    for (const change of [(h: FakeHost) => { h.draining = true }, (h: FakeHost) => { h.state = 'unhealthy' }, (h: FakeHost) => { h.state = 'recycling' }]) {
      const f = fixture()
      await f.settle()
      change(f.host)
      await f.settle()
      expect(f.pool.stats('h0')).toMatchObject({ ready: 0, discarded: 1 })
      expect(f.opened.every(s => s.removed)).toBe(true)
      f.host.draining = false
      f.host.state = 'healthy'
      await f.settle()
      expect(f.pool.stats('h0').ready).toBe(1)
    }
  })

  it('never hands out a container whose agent died while it waited, and replaces it', async () => {
    const f = fixture()
    await f.settle()
    const dead = f.opened[0]!
    dead.usable = false
    expect(await f.pool.take(f.lease(), DEFAULTS, 's1')).not.toBe(dead)
    await f.settle()
    expect(dead.removed).toBe(true)
    expect(f.pool.stats('h0').discarded).toBe(1)
  })

  it('serves a lease only from its own host', async () => {
    const f = fixture({}, 2)
    await f.settle()
    const s = await f.pool.take(f.lease(f.hosts[1]), DEFAULTS, 'sub-1')
    expect(s?.spec.host.id).toBe('h1')
  })

  it('fills nothing while every slot of the host runs a submission', async () => {
    const f = fixture()
    f.host.inFlight = 2
    await f.settle()
    expect(f.opened).toEqual([])
  })

  it('keeps a saturated host\'s last warm container for the interactive lane once interactive runs came, and fills it past the shared slots', async () => {
    const f = fixture()
    f.host.reserve = 1
    // a saturated host with no interactive demand behaves as always: no fill, nothing kept
    f.host.inFlight = 2
    await f.settle()
    expect(f.opened).toEqual([])
    f.host.inFlight = 0
    await f.settle()
    f.host.inFlight = 1
    const first = await f.pool.take(f.lease(), DEFAULTS, 'i-1', { lane: 'interactive', cpuShares: 4096 })
    expect(first?.shares).toEqual([4096])
    // two practice runs hold both shared slots: the pool still fills, into the reserve
    f.host.inFlight = 2
    await f.settle()
    expect(f.pool.stats('h0')).toMatchObject({ target: 2, ready: 2 })
    // held still, so what the takes leave is not refilled in between
    await f.pool.pause()
    expect(await f.pool.take(f.lease(), DEFAULTS, 'p-1')).toBeDefined()
    // the last one is the interactive lane's: a practice run goes cold
    expect(await f.pool.take(f.lease(), DEFAULTS, 'p-2')).toBeUndefined()
    expect(f.pool.stats('h0').ready).toBe(1)
    expect(await f.pool.take(f.lease(), DEFAULTS, 'i-2', { lane: 'interactive' })).toBeDefined()
    f.pool.resume()
  })

  it('backs off after a container fails to warm up, then tries again', async () => {
    const f = fixture()
    f.failOpens(true)
    await f.settle()
    expect(f.pool.stats('h0').ready).toBe(0)
    f.failOpens(false)
    await f.settle()
    expect(f.opened).toEqual([])
    f.advance(5_001)
    await f.settle()
    expect(f.pool.stats('h0').ready).toBe(1)
  })

  it('removes every ready container when stopped, and creates none after', async () => {
    const f = fixture({ GRADER_POOL_SIZE: '2' })
    await f.settle()
    await f.pool.take(f.lease(), DEFAULTS, 's')
    await f.settle()
    await f.pool.stop()
    const count = f.opened.length
    expect(f.opened.filter(s => s.named.length === 0).every(s => s.removed)).toBe(true)
    f.pool.refill()
    expect(f.opened.length).toBe(count)
  })
})
