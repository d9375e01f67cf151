import { spawn } from 'node:child_process'
import type { Logger } from 'pino'
import { GraderError } from '../shared/errors/grader-error.js'
import type { DockerHost } from './docker-host.js'
import type { HostLifecycleState } from './host-lifecycle.js'
import type { HostPoolOptions } from './host-pool-options.js'
import type { HostScheduler } from './host-scheduler.js'

export interface RecycleOutcome {
  ok: boolean
  exitCode: number | null
  /** Last lines the command printed, for the log. */
  output: string
  durationMs: number
}

/**
 * Runs the operator's recycle action for one host: a shell command with
 * `GRADER_HOST_ID` and `GRADER_HOST_ENDPOINT` in its environment, e.g.
 * `ssh "$GRADER_HOST_ID" systemctl restart docker`. Exit 0 means the daemon is
 * back; anything else, or running past `timeoutMs`, is a failed recycle.
 */
export function runRecycleCommand (command: string, host: { id: string, endpoint: string }, timeoutMs: number): Promise<RecycleOutcome> {
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], {
      env: { ...process.env, GRADER_HOST_ID: host.id, GRADER_HOST_ENDPOINT: host.endpoint },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    let output = ''
    const keep = (d: Buffer) => { output = (output + d.toString('utf8')).slice(-2000) }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    const timer = setTimeout(() => {
      output += `\n(recycle command killed after ${timeoutMs} ms)`
      // The whole process group: a stuck ssh or sleep must not outlive us.
      try { process.kill(-child.pid!, 'SIGKILL') } catch { child.kill('SIGKILL') }
    }, timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      resolve({ ok: false, exitCode: null, output: err.message, durationMs: Date.now() - started })
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ ok: code === 0, exitCode: code, output: output.trim(), durationMs: Date.now() - started })
    })
  })
}

/** What the recycler needs from the rest of the pool and the worker. */
export interface HostRecyclerDeps {
  log: Logger
  now: () => number
  scheduler: HostScheduler
  /** The host's lifecycle moved: log it, and let waiting runs look again. */
  changed: (host: DockerHost, next: HostLifecycleState) => void
  /** The recycle action. @defaultValue runRecycleCommand with GRADER_RECYCLE_COMMAND */
  action?: (host: DockerHost) => Promise<RecycleOutcome>
  /** Told of every recycle action and its outcome (metrics). */
  recycled?: (host: DockerHost, outcome: RecycleOutcome) => void
  /** Whether this worker may recycle the host now (false: another worker sharing it does). @defaultValue always */
  claimRecycle?: (host: DockerHost) => Promise<boolean>
  /** The recycle this worker claimed is over (success or not): others may claim the next one. */
  recycleFinished?: (host: DockerHost) => Promise<void>
}

/**
 * Gives up the runs of a host unhealthy past its grace (the worker retries
 * them elsewhere) and recycles it: claim, grace for the runs in flight, the
 * action, then probes re-admit it. A host that falls over again soon after
 * its last recycle is flapping and waits longer before each next one.
 */
export class HostRecycler {
  constructor (private readonly options: HostPoolOptions, private readonly deps: HostRecyclerDeps) {}

  /** After each probe: past the grace, an unhealthy host gives up its runs and is recycled, unless it is in back-off. */
  checkGrace (host: DockerHost): void {
    const now = this.deps.now()
    const since = host.health.unhealthySince
    if (host.state !== 'unhealthy' || since === null || now - since < this.options.graceMs) return
    if (host.inFlight > 0) this.abortRuns(host, 'host unhealthy')
    if (this.options.recycleCommand === null && this.deps.action === undefined) return
    if (this.backoffLeftMs(host, now) > 0) return
    void this.recycle(host, 'unhealthy')
  }

  /**
   * How long a recycle of `host` must still wait, in ms: 0 unless it is
   * flapping (needed again within flapWindowMs of the last), then
   * recycleBackoffMs × 2^flaps after the last one.
   */
  backoffLeftMs (host: DockerHost, now = this.deps.now()): number {
    if (!this.flapping(host, now)) return 0
    return Math.max(0, host.lastRecycleAt! + this.options.recycleBackoffMs * 2 ** host.flaps - now)
  }

  /** Recycles a host now (ops asked, or it is unhealthy): claim, give in-flight runs their grace, run the action, re-probe. Null when refused. */
  async recycle (host: DockerHost, why: 'unhealthy' | 'ops'): Promise<RecycleOutcome | null> {
    const { log } = this.deps
    const st = host.lifecycle.state
    if (st === 'claiming' || st === 'recycling') return null
    if (this.options.recycleCommand === null && this.deps.action === undefined) {
      log.warn({ host: host.id }, 'recycle asked but GRADER_RECYCLE_COMMAND is not set')
      return null
    }
    if (!host.lifecycle.claimRecycle()) return null
    if (this.deps.claimRecycle !== undefined && !await this.deps.claimRecycle(host).catch(() => false)) {
      log.debug({ host: host.id }, 'another worker is recycling this host: waiting for it to come back')
      host.lifecycle.claimLost()
      return null
    }
    try {
      // A host that needed a recycle again shortly after the last one is flapping: back off more each time.
      host.flaps = this.flapping(host, this.deps.now()) ? host.flaps + 1 : 0
      const before = host.state
      host.lifecycle.recycleStarted(this.deps.now())
      if (before !== 'recycling') this.deps.changed(host, 'recycling')
      log.warn({ host: host.id, why, flaps: host.flaps }, 'recycling host')
      if (host.inFlight > 0) {
        await this.deps.scheduler.idle(host, this.options.graceMs)
        if (host.inFlight > 0) this.abortRuns(host, 'host recycling')
      }
      const outcome = await this.runAction(host)
      host.lastRecycleAt = this.deps.now()
      this.deps.recycled?.(host, outcome)
      if (outcome.ok) {
        log.info({ host: host.id, durationMs: outcome.durationMs }, 'recycle action done: re-probing')
        // A restarted daemon may offer other runtimes: read them again with the images.
        host.runtimes = new Set()
        host.lifecycle.recycleFinished(true, this.deps.now())
      } else {
        log.error({ host: host.id, exitCode: outcome.exitCode, output: outcome.output }, 'recycle action failed')
        this.deps.changed(host, host.lifecycle.recycleFinished(false, this.deps.now()))
      }
      return outcome
    } finally {
      await this.deps.recycleFinished?.(host).catch(() => {})
    }
  }

  /** Aborts every run on the host: each fails with a retryable fault and the worker retries it elsewhere. */
  abortRuns (host: DockerHost, why: string): void {
    this.deps.log.warn({ host: host.id, inFlight: host.inFlight, why }, 'giving up runs on host: they will be retried elsewhere')
    host.runs.abort(new GraderError('host_unreachable', `${why}: the run was moved to another host`))
    host.runs = new AbortController()
  }

  private flapping (host: DockerHost, now: number): boolean {
    return host.lastRecycleAt !== null && now - host.lastRecycleAt < this.options.flapWindowMs
  }

  /** The action never throws out of here: a thrown action is a failed recycle, and the lifecycle must leave `recycling`. */
  private async runAction (host: DockerHost): Promise<RecycleOutcome> {
    const started = this.deps.now()
    try {
      if (this.deps.action !== undefined) return await this.deps.action(host)
      return await runRecycleCommand(this.options.recycleCommand!, host, this.options.recycleTimeoutMs)
    } catch (err) {
      return { ok: false, exitCode: null, output: (err as Error).message, durationMs: this.deps.now() - started }
    }
  }
}
