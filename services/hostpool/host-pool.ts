import Docker from 'dockerode'
import type { Logger } from 'pino'
import { GraderError } from '../shared/errors/grader-error.js'
import { dockerOptions, hostId } from './docker-endpoint.js'

/** A runtime image a host holds, discovered from its labels. */
export interface RuntimeImage {
  language: string
  /** Reference to create containers from (the image id: immune to re-tagging mid-run). */
  ref: string
  tag: string
  harness: number
  /** Command that starts the student half of the harness. */
  runner: string[]
  /** OCI runtime the image asks for (label `grader.runtime`), if any. */
  runtime?: string
}

/** One Docker daemon the worker grades on. */
export class DockerHost {
  readonly id: string
  readonly docker: Docker
  inFlight = 0
  /** Whether the last probe got an answer. */
  reachable = false
  images = new Map<string, RuntimeImage>()
  /** OCI runtimes the daemon offers (`runc`, maybe `runsc`…), read once it answers. */
  runtimes = new Set<string>()
  lastError: string | null = null

  constructor (readonly endpoint: string, public concurrency: number) {
    this.id = hostId(endpoint)
    this.docker = new Docker(dockerOptions(endpoint))
  }

  get load (): number { return this.inFlight / this.concurrency }
  get hasRoom (): boolean { return this.inFlight < this.concurrency }
}

export interface Lease {
  host: DockerHost
  image: RuntimeImage
  release: () => void
}

const PROBE_INTERVAL_MS = 10_000
const PROBE_TIMEOUT_MS = 5_000
const IMAGE_LABEL = 'grader.language'

/**
 * The Docker hosts of one worker: which are reachable, what each can grade,
 * and how many runs each has in flight. A run goes to the least-loaded
 * reachable host that has the submission's image, never over a host's
 * concurrency; when every such host is full the caller waits for a slot.
 */
export class HostPool {
  readonly hosts: DockerHost[]
  private readonly waiters: Array<() => void> = []
  private timer: NodeJS.Timeout | undefined

  constructor (endpoints: readonly string[], concurrency: number, private readonly log: Logger) {
    this.hosts = endpoints.map(e => new DockerHost(e, concurrency))
  }

  /** Total runs the pool can take at once. */
  get capacity (): number { return this.hosts.reduce((n, h) => n + h.concurrency, 0) }

  async start (): Promise<void> {
    await this.probeAll()
    this.timer = setInterval(() => { void this.probeAll() }, PROBE_INTERVAL_MS)
    this.timer.unref()
  }

  stop (): void { clearInterval(this.timer) }

  /** Languages some reachable host can grade. */
  languages (): string[] {
    return [...new Set(this.hosts.filter(h => h.reachable).flatMap(h => [...h.images.keys()]))]
  }

  usableHosts (): number { return this.hosts.filter(h => h.reachable && h.images.size > 0).length }

  async probeAll (): Promise<void> {
    await Promise.all(this.hosts.map(h => this.probe(h)))
    this.wake()
  }

  /** Asks a host whether it answers and which runtime images it has (by label, not by a hard-coded list). */
  async probe (host: DockerHost): Promise<void> {
    try {
      const images = await withTimeout(host.docker.listImages({ filters: JSON.stringify({ label: [IMAGE_LABEL] }) }), PROBE_TIMEOUT_MS)
      const found = new Map<string, RuntimeImage>()
      for (const info of images) {
        const image = runtimeImage(info)
        if (image === null) continue
        const known = found.get(image.language)
        // Newest harness protocol wins, then newest image.
        if (known === undefined || image.harness > known.harness) found.set(image.language, image)
      }
      if (host.runtimes.size === 0) {
        const info = await withTimeout(host.docker.info() as Promise<{ Runtimes?: Record<string, unknown> }>, PROBE_TIMEOUT_MS)
        host.runtimes = new Set(Object.keys(info.Runtimes ?? {}))
      }
      if (!host.reachable) this.log.info({ host: host.id, languages: [...found.keys()], runtimes: [...host.runtimes] }, 'host reachable')
      host.images = found
      host.reachable = true
      host.lastError = null
    } catch (err) {
      if (host.reachable) this.log.warn({ host: host.id, err }, 'host unreachable')
      host.reachable = false
      host.lastError = (err as Error).message
    }
  }

  /**
   * Reserves a slot on the best host for `language`, waiting while every
   * suitable host is full. `avoid` names a host to skip when another can take
   * the run (a retry goes elsewhere).
   */
  async acquire (language: string, avoid?: string): Promise<Lease> {
    for (;;) {
      const candidates = this.hosts.filter(h => h.reachable && h.images.has(language))
      if (candidates.length === 0) {
        throw new GraderError('no_host_available', `no reachable Docker host has an image for ${language}`)
      }
      const free = candidates.filter(h => h.hasRoom)
      const preferred = free.filter(h => h.id !== avoid)
      const pick = (preferred.length > 0 ? preferred : free).sort((a, b) => a.load - b.load)[0]
      if (pick !== undefined) {
        pick.inFlight++
        let released = false
        return {
          host: pick,
          image: pick.images.get(language)!,
          release: () => {
            if (released) return
            released = true
            pick.inFlight--
            this.wake()
          },
        }
      }
      await new Promise<void>(resolve => this.waiters.push(resolve))
    }
  }

  /**
   * The OCI runtime for a run: the operator's choice for the language, else the
   * image's; used only where the host has it (otherwise Docker's default).
   */
  runtimeFor (host: DockerHost, image: RuntimeImage, configured: Readonly<Record<string, string>>): string | undefined {
    const wanted = configured[image.language] ?? image.runtime
    if (wanted === undefined) return undefined
    if (host.runtimes.has(wanted)) return wanted
    this.log.warn({ host: host.id, runtime: wanted, language: image.language }, 'runtime not on this host: using the default')
    return undefined
  }

  private wake (): void {
    for (const w of this.waiters.splice(0)) w()
  }
}

function runtimeImage (info: Docker.ImageInfo): RuntimeImage | null {
  const labels = info.Labels ?? {}
  const language = labels[IMAGE_LABEL]
  if (!language) return null
  let runner: unknown
  try { runner = JSON.parse(labels['grader.runner'] ?? '') } catch { return null }
  if (!Array.isArray(runner) || !runner.every(a => typeof a === 'string')) return null
  const tag = info.RepoTags?.find(t => t !== '<none>:<none>') ?? info.Id
  const runtime = labels['grader.runtime']
  return { language, ref: info.Id, tag, harness: Number(labels['grader.harness'] ?? 0), runner, ...(runtime ? { runtime } : {}) }
}

async function withTimeout<T> (p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms) })])
  } finally {
    clearTimeout(timer)
  }
}
