import type Docker from 'dockerode'

/** An image as the daemon lists it: only the fields the pool reads. */
export interface DaemonImage {
  Id: string
  RepoTags?: string[] | null
  Labels?: Record<string, string> | null
}

/** What the pool reads of `docker info`. */
export interface DaemonInfo {
  runtimes: string[]
  memoryBytes: number | null
}

/** What the pool asks of a container it creates only to prove the daemon can (never started). */
export interface ProbeContainerSpec {
  image: string
  labels: Record<string, string>
}

/**
 * The handful of Docker API calls the host pool makes, and nothing else: the
 * seam unit tests fake (as Temporal's `NativeWorkerLike`). Runs themselves go
 * through the host's full dockerode client (services/sandbox), not through
 * this. Every call that takes a signal must abort its request with it, not
 * just stop waiting: a wedged daemon must not collect a pile of open calls.
 */
export interface HostDaemon {
  ping: (signal: AbortSignal) => Promise<void>
  /** The OCI runtimes the daemon offers (`runc`, maybe `runsc`…) and the memory of its machine (null when it does not say). */
  info: (signal: AbortSignal) => Promise<DaemonInfo>
  /** Images carrying `label` (any value). */
  listImages: (label: string, signal: AbortSignal) => Promise<DaemonImage[]>
  /** Creates a container that is never started, and removes it. */
  createAndRemove: (spec: ProbeContainerSpec, signal: () => AbortSignal) => Promise<void>
  /** The image as a tar stream (`docker save`). */
  saveImage: (ref: string) => Promise<NodeJS.ReadableStream>
  /** Loads a `docker save` stream, resolving once the daemon has read all of it. */
  loadImage: (tar: NodeJS.ReadableStream) => Promise<void>
}

/** dockerode's ping and info take an abort signal; its type definitions do not say so. */
interface PingWithAbort { ping: (opts: { abortSignal: AbortSignal }) => Promise<unknown> }
interface InfoWithAbort { info: (opts: { abortSignal: AbortSignal }) => Promise<{ Runtimes?: Record<string, unknown>, MemTotal?: number }> }

/** The real daemon: each method is one dockerode call (two for create/remove, and load's progress). */
export function dockerodeDaemon (docker: Docker): HostDaemon {
  return {
    ping: async (signal) => { await (docker as unknown as PingWithAbort).ping({ abortSignal: signal }) },
    info: async (signal) => {
      const info = await (docker as unknown as InfoWithAbort).info({ abortSignal: signal })
      return { runtimes: Object.keys(info.Runtimes ?? {}), memoryBytes: typeof info.MemTotal === 'number' && info.MemTotal > 0 ? info.MemTotal : null }
    },
    listImages: async (label, signal) => await docker.listImages({
      filters: JSON.stringify({ label: [label] }),
      abortSignal: signal,
    } as Docker.ListImagesOptions),
    createAndRemove: async (spec, signal) => {
      // Each call gets its own signal: the budget is per request, as for every probe call.
      const container = await docker.createContainer({
        Image: spec.image,
        Cmd: ['true'],
        NetworkDisabled: true,
        Labels: spec.labels,
        HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'none', Config: {} } },
        abortSignal: signal(),
      } as Docker.ContainerCreateOptions)
      await container.remove({ force: true, abortSignal: signal() } as Docker.ContainerRemoveOptions)
    },
    saveImage: async (ref) => await docker.getImage(ref).get(),
    loadImage: async (tar) => {
      const progress = await docker.loadImage(tar)
      await new Promise<void>((resolve, reject) => docker.modem.followProgress(progress, (err: Error | null) => err ? reject(err) : resolve()))
    },
  }
}
