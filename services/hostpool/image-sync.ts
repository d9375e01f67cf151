import type { Logger } from 'pino'
import type { DockerHost, RuntimeImage } from './docker-host.js'
import type { DaemonImage } from './host-daemon.js'
import type { HostPoolOptions } from './host-pool-options.js'
import { withTimeout } from './with-timeout.js'

export const IMAGE_LABEL = 'grader.language'

export interface ImageSyncDeps {
  log: Logger
  now: () => number
  /** The harness protocol the worker speaks: images labelled with another `grader.harness` are ignored. */
  harnessProtocol?: number
  /** A copy landed: capacity for a language changed, waiting runs look again. */
  copied: () => void
}

/**
 * What runtime images each host holds (found by their `grader.language`
 * label), and, with GRADER_IMAGE_SYNC, copying to a host the images other
 * usable hosts have and it lacks (save from one daemon, load into the other,
 * streamed through this worker). One copy at a time per host.
 */
export class ImageSync {
  /** Hosts an image is being copied to. */
  private readonly copying = new Set<DockerHost>()

  constructor (private readonly options: HostPoolOptions, private readonly deps: ImageSyncDeps) {}

  /** Whether a copy to `host` is under way. */
  isCopying (host: DockerHost): boolean { return this.copying.has(host) }

  /** Reads the host's runtime images (and, once per daemon start, its OCI runtimes). */
  async refresh (host: DockerHost): Promise<void> {
    const images = await host.daemon.listImages(IMAGE_LABEL, AbortSignal.timeout(this.options.probeTimeoutMs))
    const found = new Map<string, RuntimeImage>()
    for (const info of images) {
      const image = runtimeImage(info)
      if (image === null) continue
      // An image whose harness speaks another protocol is never used (the worker says which it speaks).
      if (this.deps.harnessProtocol !== undefined && image.harness !== this.deps.harnessProtocol) continue
      const known = found.get(image.language)
      // Newest harness protocol wins; on a tie the tagged image does: an untagged one is left over
      // from an earlier build (the tag moved on), whatever the order the daemon lists them in.
      const tagged = (i: RuntimeImage) => i.tag !== i.ref
      if (known === undefined || image.harness > known.harness || (image.harness === known.harness && tagged(image) && !tagged(known))) {
        found.set(image.language, image)
      }
    }
    host.images = found
    if (host.runtimes.size === 0) {
      const info = await host.daemon.info(AbortSignal.timeout(this.options.probeTimeoutMs))
      host.runtimes = new Set(info.runtimes)
      host.memoryBytes = info.memoryBytes
    }
  }

  /**
   * Starts copying to `host` the first runtime image another usable host has
   * and it lacks; returns the copy (resolves when it is over, never rejects),
   * or null when there is nothing to copy or a copy is already under way.
   */
  copyMissing (host: DockerHost, hosts: readonly DockerHost[]): Promise<void> | null {
    if (this.copying.has(host) || host.capacity === 0) return null
    for (const source of hosts) {
      if (source === host || source.capacity === 0) continue
      const missing = [...source.images.values()].find(image => !host.images.has(image.language))
      if (missing === undefined) continue
      this.copying.add(host)
      return this.copy(source, host, missing).finally(() => { this.copying.delete(host) })
    }
    return null
  }

  private async copy (source: DockerHost, host: DockerHost, image: RuntimeImage): Promise<void> {
    const { log } = this.deps
    const started = this.deps.now()
    log.info({ host: host.id, from: source.id, image: image.tag }, 'copying runtime image to host')
    try {
      const stream = await source.daemon.saveImage(image.ref)
      try {
        // A target that hangs mid-load must not keep the copy marked as under way for ever.
        await withTimeout(host.daemon.loadImage(stream), this.options.imageSyncTimeoutMs)
      } finally {
        (stream as unknown as { destroy?: () => void }).destroy?.()
      }
      await this.refresh(host)
      log.info({ host: host.id, image: image.tag, durationMs: this.deps.now() - started, languages: [...host.images.keys()] }, 'runtime image copied')
      this.deps.copied()
    } catch (err) {
      log.warn({ err, host: host.id, from: source.id, image: image.tag }, 'copying runtime image failed')
    }
  }
}

/** A runtime image from its listing, or null when its labels do not make one. */
export function runtimeImage (info: DaemonImage): RuntimeImage | null {
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
