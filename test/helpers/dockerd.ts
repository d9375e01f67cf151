import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import Docker from 'dockerode'
import {
  createEngine, destroyEngine, dockerdPid, engineProcesses, killDockerd, pauseDockerd, ping, recycleEngine, startEngine,
  type EngineLayout,
} from '../fixtures/chaos/dockerd-engine.mjs'

/**
 * The grader's `GRADER_RECYCLE_COMMAND` for engines of this helper: an executable script
 * (`#!/usr/bin/env node`) that recycles the engine named by `GRADER_HOST_ENDPOINT`.
 * Exit 0 when the engine answers again, 1 when the recycle failed, 2 for a bad endpoint.
 */
export const RECYCLE_COMMAND = fileURLToPath(new URL('../fixtures/chaos/recycle-dockerd.mjs', import.meta.url))

/** The engine `npm test` provisions, where the extra engines copy their images from. */
export const MAIN_ENGINE_SOCKET = '/var/run/docker.sock'

/** An extra Docker engine on this machine, with its own data root, exec root, socket and containerd. */
export interface ExtraDockerd {
  /** The name given to `startDockerd`; part of the folder name. */
  readonly name: string
  /** The folder holding everything of this engine; gone after `stop()`. */
  readonly root: string
  /** `<root>/docker.sock` */
  readonly socket: string
  /** `unix://<root>/docker.sock`, for `DOCKER_HOSTS` and `GRADER_HOST_ENDPOINT`. */
  readonly endpoint: string
  /** `<root>/data`: images survive `restart()`, containers and volumes do not. */
  readonly dataRoot: string
  /** A dockerode client for this engine (one connection per request, so it survives restarts). */
  readonly docker: Docker
  /** How long `startDockerd` took: dockerd answering, then copying the images. */
  readonly timings: { readonly startMs: number, readonly loadMs: number }
  /** dockerd's pid. Throws when it is not running. */
  pid (): number
  /** Every live process of the engine: dockerd, its containerd, shims and container processes. */
  processes (): number[]
  /** Whether `GET /_ping` answers 200 within `timeoutMs` (default 1000). */
  ping (timeoutMs?: number): Promise<boolean>
  /**
   * SIGSTOPs dockerd, returning once all its threads are stopped: the socket still accepts
   * connections, but nothing answers (a wedged daemon). Its containerd and containers run on.
   */
  pause (): void
  /** SIGCONTs dockerd after `pause()`. */
  resume (): void
  /** SIGKILLs dockerd and its containerd, as a crash would; containers keep running under their shims. */
  kill (): Promise<void>
  /**
   * What a recycle does (the same code as `RECYCLE_COMMAND`): kill dockerd even if paused,
   * kill its containers, clear `containers/` and `volumes/` with deploy/systemd's clean-up,
   * start it again on the same data root, resolve once it answers.
   */
  restart (): Promise<void>
  /** Kills every process of the engine, unmounts what it mounted and deletes `root`. Safe to call twice. */
  stop (): Promise<void>
}

export interface StartDockerdOptions {
  /** Images copied from `source` by tag, through `docker save` and `docker load`. @defaultValue `['grader-python:1']` */
  images?: string[]
  /** The engine the images come from. @defaultValue the main engine, `unix:///var/run/docker.sock` */
  source?: Docker
  /**
   * Start dockerd from this daemon.json (copied into the engine's folder) instead of the
   * main engine's flags, e.g. `deploy/docker/daemon.json`. @defaultValue none
   */
  configFile?: string
  /** How long dockerd may take to answer `/_ping`, per start. @defaultValue 30 000 */
  startTimeoutMs?: number
}

/**
 * Starts an extra dockerd under `<tmpdir>/grader-dockerd-<name>-XXXXXX`, with the main
 * engine's flags, and copies the wanted images into it. Nothing is cached between runs. On
 * failure, whatever was started is killed and removed before the error is thrown.
 *
 * @param name lower-case letters, digits and dashes, at most 24 (it ends up in socket paths)
 */
export async function startDockerd (name: string, opts: StartDockerdOptions = {}): Promise<ExtraDockerd> {
  if (!/^[a-z0-9][a-z0-9-]{0,23}$/.test(name)) throw new Error(`engine name '${name}': use [a-z0-9-], at most 24 characters`)
  const { images = ['grader-python:1'], startTimeoutMs = 30_000 } = opts
  const source = opts.source ?? new Docker({ socketPath: MAIN_ENGINE_SOCKET })

  const root = mkdtempSync(join(shortTmpdir(), `grader-dockerd-${name}-`))
  let layout: EngineLayout
  try {
    layout = createEngine(root, { configFile: opts.configFile })
  } catch (err) {
    rmSync(root, { recursive: true, force: true })
    throw err
  }
  const docker = new Docker({ socketPath: layout.socket })
  try {
    const startedAt = performance.now()
    await startEngine(layout, { timeoutMs: startTimeoutMs })
    const answeredAt = performance.now()
    for (const tag of images) await copyImage(source, docker, tag)
    const timings = { startMs: Math.round(answeredAt - startedAt), loadMs: Math.round(performance.now() - answeredAt) }
    return engineHandle(name, layout, docker, timings, startTimeoutMs)
  } catch (err) {
    destroyEngine(layout)
    throw err
  }
}

function engineHandle (name: string, layout: EngineLayout, docker: Docker,
  timings: ExtraDockerd['timings'], startTimeoutMs: number): ExtraDockerd {
  const pid = () => {
    const found = dockerdPid(layout)
    if (found === null) throw new Error(`dockerd of engine ${name} is not running`)
    return found
  }
  return {
    name,
    root: layout.root,
    socket: layout.socket,
    endpoint: layout.endpoint,
    dataRoot: layout.dataRoot,
    docker,
    timings,
    pid,
    processes: () => engineProcesses(layout),
    ping: async (timeoutMs = 1000) => await ping(layout, timeoutMs) === 200,
    pause: () => { pauseDockerd(layout) },
    resume: () => { process.kill(pid(), 'SIGCONT') },
    kill: async () => { killDockerd(layout) },
    restart: async () => { await recycleEngine(layout, { timeoutMs: startTimeoutMs }) },
    stop: async () => { destroyEngine(layout) },
  }
}

/**
 * Streams `docker save` of `tag` from `source` into `docker load` on `target`, then checks
 * the target holds the same image id. About 220 MB for grader-python:1, never on disk.
 */
async function copyImage (source: Docker, target: Docker, tag: string): Promise<void> {
  const { Id: id } = await source.getImage(tag).inspect()
  const tar = await source.getImage(tag).get()
  const body = await new Promise<string>((resolve, reject) => {
    // An error on the save side would otherwise leave the load waiting for more input.
    tar.on('error', (err: Error) => reject(new Error(`docker save ${tag} failed: ${err.message}`, { cause: err })))
    target.loadImage(tar, { quiet: true }).then((res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => { text += chunk.toString() })
      res.on('end', () => resolve(text))
      res.on('error', reject)
    }, reject)
  })
  // The load answers 200 and reports failures as JSON lines carrying `error`.
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue
    const event = JSON.parse(line) as { error?: string }
    if (event.error) throw new Error(`docker load ${tag} failed: ${event.error}`)
  }
  const loaded = await target.getImage(tag).inspect()
  if (loaded.Id !== id) throw new Error(`docker load ${tag} gave ${loaded.Id}, expected ${id}`)
}

/** `os.tmpdir()` unless TMPDIR is so long that containerd's sockets would not fit. */
function shortTmpdir (): string {
  const dir = tmpdir()
  return dir.length <= 20 ? dir : '/tmp'
}
