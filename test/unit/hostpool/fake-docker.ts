// A fake Docker daemon behind the pool's HostDaemon seam, and a clock the test moves by hand:
// the pool's logic (lifecycle, grace, recycle, back-off, scheduling, image sync) runs against
// them in milliseconds, with no daemon and no real waiting.
import { Readable } from 'node:stream'
import { pino } from 'pino'
import type { DaemonImage, DaemonInfo, HostDaemon, ProbeContainerSpec } from '../../../services/hostpool/host-daemon.js'
import { HostPool, type HostPoolHooks } from '../../../services/hostpool/host-pool.js'
import { loadHostPoolOptions, type HostPoolOptions } from '../../../services/hostpool/host-pool-options.js'

/** A clock that moves only when the test says so. */
export class FakeClock {
  constructor (public ms = 1_700_000_000_000) {}
  readonly now = (): number => this.ms
  advance (ms: number): void { this.ms += ms }
}

/** A runtime image listing as a daemon gives it. */
export function imageListing (language: string, harness = 1, extra: Record<string, string> = {}): DaemonImage {
  return {
    Id: `sha256:${language}-${harness}`,
    RepoTags: [`grader-${language}:${harness}`],
    Labels: { 'grader.language': language, 'grader.harness': String(harness), 'grader.runner': '["python3"]', ...extra },
  }
}

/** One fake daemon: answers, fails or takes time as the test sets it, and records what it was asked. */
export class FakeDaemon implements HostDaemon {
  /** When set, every call fails with this message (the daemon is down). */
  down: string | null = null
  /** Each ping takes this long on the fake clock, in ms. */
  pingMs = 5
  /** When set, loading an image fails with this message. */
  loadFails: string | null = null
  images: DaemonImage[]
  runtimeNames = ['runc']
  readonly calls: string[] = []
  readonly created: ProbeContainerSpec[] = []

  constructor (private readonly clock: FakeClock, images: DaemonImage[] = [imageListing('python')]) {
    this.images = images
  }

  private answer (call: string): void {
    this.calls.push(call)
    if (this.down !== null) throw new Error(this.down)
  }

  async ping (): Promise<void> {
    this.answer('ping')
    this.clock.advance(this.pingMs)
  }

  memoryBytes: number | null = 8 * 1024 ** 3
  async info (): Promise<DaemonInfo> { this.answer('info'); return { runtimes: [...this.runtimeNames], memoryBytes: this.memoryBytes } }
  async listImages (): Promise<DaemonImage[]> { this.answer('listImages'); return this.images.map(i => ({ ...i })) }
  async createAndRemove (spec: ProbeContainerSpec): Promise<void> { this.answer('createAndRemove'); this.created.push(spec) }

  async saveImage (ref: string): Promise<NodeJS.ReadableStream> {
    this.answer('saveImage')
    const image = this.images.find(i => i.Id === ref)
    if (image === undefined) throw new Error(`no such image ${ref}`)
    return Readable.from([JSON.stringify(image)])
  }

  async loadImage (tar: NodeJS.ReadableStream): Promise<void> {
    this.answer('loadImage')
    let text = ''
    for await (const chunk of tar) text += String(chunk)
    if (this.loadFails !== null) throw new Error(this.loadFails)
    this.images.push(JSON.parse(text) as DaemonImage)
  }
}

export interface FakePool {
  pool: HostPool
  daemons: FakeDaemon[]
  clock: FakeClock
  options: HostPoolOptions
}

/** A pool of `n` hosts, each on its own fake daemon (all holding a python image unless `images` says otherwise). */
export function fakePool (n: number, opts: { concurrency?: number, env?: NodeJS.ProcessEnv, options?: Partial<HostPoolOptions>, hooks?: HostPoolHooks, images?: (i: number) => DaemonImage[] } = {}): FakePool {
  const clock = new FakeClock()
  const daemons = Array.from({ length: n }, (_, i) => new FakeDaemon(clock, opts.images?.(i)))
  const endpoints = daemons.map((_, i) => `tcp://dock-${i}:2376`)
  const options = { ...loadHostPoolOptions(opts.env ?? {}), ...opts.options }
  const pool = new HostPool(endpoints, opts.concurrency ?? 2, options, pino({ level: 'silent' }), {
    now: clock.now,
    daemonFor: (_docker, endpoint) => daemons[endpoints.indexOf(endpoint)]!,
    ...opts.hooks,
  })
  return { pool, daemons, clock, options }
}

/** Lets promises the pool started without awaiting (a recycle, an image copy) run to their next real wait. */
export async function settle (): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise(resolve => setImmediate(resolve))
}
