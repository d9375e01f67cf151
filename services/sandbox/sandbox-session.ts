import type { Duplex } from 'node:stream'
import type { ContainerCreateOptions, ExecCreateOptions } from 'dockerode'
import type { Logger } from 'pino'
import type { Limits } from '../shared/config/limits.js'
import { GraderError } from '../shared/errors/grader-error.js'
import { followAgent, type AgentStream, type Demux, type RunProgress } from './agent-stream.js'
import { buildContainerSpec, cgroupLimits, STUDENT_USER, type ContainerSpecInput } from './container-spec.js'
import { needsExitState } from './exit-state.js'
import { buildHarnessJob, type HarnessJobInput } from './harness-job.js'
import type { RunObservation } from './verdict.js'

/**
 * The Docker calls one session makes, and nothing more: dockerode's client
 * is one, a unit test's fake daemon another.
 */
export interface SandboxDocker {
  createContainer: (options: ContainerCreateOptions) => Promise<SandboxContainer>
}

export interface SandboxContainer {
  readonly id: string
  readonly modem: { demuxStream: Demux }
  attach: (options: { stream: true, stdin: true, stdout: true, stderr: true, hijack: true }) => Promise<unknown>
  start: () => Promise<unknown>
  exec: (options: ExecCreateOptions) => Promise<SandboxExec>
  /** Changes the cgroup limits of the running container (`docker update`). */
  update: (options: { CpuPeriod: number, CpuQuota: number, PidsLimit: number }) => Promise<unknown>
  rename: (options: { name: string }) => Promise<unknown>
  kill: (options: { signal: 'SIGKILL' }) => Promise<unknown>
  wait: () => Promise<unknown>
  inspect: () => Promise<{ State: { OOMKilled?: boolean } }>
  remove: (options: { force: true, v: true }) => Promise<unknown>
}

export interface SandboxExec {
  start: (options: { Detach: true }) => Promise<unknown>
  inspect: () => Promise<{ ExitCode: number | null }>
}

/** What `open` needs: the container's image, limits and hardening, known before any submission's files. */
export interface SandboxOpenInput extends ContainerSpecInput {
  /** Aborted when the host is given up (unhealthy): the session stops at once with a retryable fault. */
  signal?: AbortSignal
  /**
   * Command that starts the student half of the harness (image label
   * `grader.runner`), exec'd as the student as soon as the container runs:
   * it connects to the agent and waits for the job, running nothing of the
   * student's until then. Absent: no student side (a collection).
   */
  runner?: string[]
}

/** What `run` needs: one job for the container `open` started. */
export interface SandboxJobInput extends Omit<HarnessJobInput, 'limits'> {
  /**
   * Called each time a test starts, from the agent's `test` event, with the
   * tests finished and collected so far (for `GET /v1/submissions/:id/events`).
   * Called synchronously inside the stream handler: it must return at once,
   * and whatever it throws is ignored, so it can never change the run.
   */
  onProgress?: (progress: RunProgress) => void
}

/** Milliseconds per stage of one run. */
export interface StageTimings { createMs: number, startMs: number, uploadMs: number, runMs: number, collectMs: number }

export interface SandboxRunResult { observation: RunObservation, timings: StageTimings }

/** From the job sent until the agent started the run (files written, student side connected) or reported. */
const READY_TIMEOUT_MS = 20_000
/** Longest the final removal may take before it is left to the reaper. */
const REMOVE_TIMEOUT_MS = 10_000
/** After the report, how long the container may take to exit before it is killed. */
const EXIT_GRACE_MS = 3_000

/**
 * One grading container, used once and always removed, in the steps a warm
 * pool needs:
 * - `open`: create → attach → start, then the runner is exec'd as the student
 *   without waiting (it connects to the agent and waits for the job). The
 *   agent's stdout is followed from the attach on, so nothing it prints is missed.
 * - `warm` (a pool's container only): wait until the agent listens (`ready`)
 *   and the student side was started, so the container is known good before
 *   a submission is given it; `retune` then sets the run's CPU and pids limits.
 * - `run`: send the job over stdin (the files go in through the Docker API,
 *   never a bind mount) → wait for `started` (files written, student side
 *   connected) → wait for the report or the deadline (then SIGKILL through
 *   the API) → read the end state (OOM flag, runner exit code) only when the
 *   verdict needs it.
 * - `close`: remove by force, whatever happened; a failure is logged and left
 *   to the reaper.
 *
 * Verdicts are returned as an observation; only faults of ours are thrown
 * (GraderError, retryable), so the caller can retry elsewhere. Every Docker
 * call races the host's abort signal: a wedged daemon never answers.
 */
export class SandboxSession {
  private readonly obs: RunObservation
  private readonly events: AgentStream
  private onProgress: ((progress: RunProgress) => void) | undefined
  /** The runner's exec, created and started right after the container; undefined without a runner. */
  private studentSide: Promise<SandboxExec> | undefined
  private ran = false
  private closing: Promise<void> | undefined
  private readonly closedWaiters: Array<() => void> = []
  /** The agent's stream ended (it reported, died, or the container went): no job can be given it. */
  private agentGone = false
  private deadline: NodeJS.Timeout | undefined

  private constructor (
    readonly container: SandboxContainer,
    private readonly stream: Duplex,
    private limits: Limits,
    private readonly signal: AbortSignal,
    private readonly log: Logger,
    private readonly opened: Pick<StageTimings, 'createMs' | 'startMs'>,
  ) {
    this.obs = {
      report: null, expected: [], finished: [], current: null, studentStarted: false, unreadable: null,
      timedOut: false, oomKilled: false, runnerExitCode: null, limits,
    }
    this.events = followAgent(stream, container.modem.demuxStream.bind(container.modem), this.obs, () => this.onProgress)
    void this.events.done.then(() => { this.agentGone = true })
  }

  /** Creates, attaches and starts one grading container. Whatever fails, nothing is left behind. */
  static async open (docker: SandboxDocker, input: SandboxOpenInput, log: Logger): Promise<SandboxSession> {
    const signal = input.signal ?? new AbortController().signal
    const guard = <T>(p: Promise<T>): Promise<T> => abortable(p, signal)
    let mark = performance.now()
    const lap = () => { const now = performance.now(); const ms = Math.round(now - mark); mark = now; return ms }

    let container: SandboxContainer
    const creating = docker.createContainer(buildContainerSpec(input))
    try {
      container = await guard(creating)
    } catch (err) {
      // Given up while the daemon was still creating: remove it if it ever appears.
      creating.then(c => c.remove({ force: true, v: true })).catch(() => {})
      if (signal.aborted) throw signal.reason
      throw new GraderError('container_failed', `creating the grading container failed: ${(err as Error).message}`, { cause: err })
    }
    const createMs = lap()

    let stream: Duplex | undefined
    try {
      const attaching = container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }) as Promise<Duplex>
      // If the attach is given up and completes later, its socket must still be closed.
      attaching.catch(() => {})
      stream = await guard(attaching).catch((err: unknown) => {
        attaching.then(s => s.destroy(), () => {})
        throw err
      })
      // Followed before start: the agent may print (or die) at once.
      const session = new SandboxSession(container, stream, input.limits, signal, log, { createMs, startMs: 0 })
      try {
        await guard(container.start())
      } catch (err) {
        if (signal.aborted) throw signal.reason
        throw new GraderError('container_failed', `starting the grading container failed: ${(err as Error).message}`, { cause: err })
      }
      session.opened.startMs = lap()
      if (input.runner !== undefined) session.studentSide = session.startStudentSide(input.runner)
      return session
    } catch (err) {
      stream?.destroy()
      await removeContainer(container, log)
      throw fault(err, signal)
    }
  }

  private startStudentSide (runner: string[]): Promise<SandboxExec> {
    const guard = <T>(p: Promise<T>): Promise<T> => abortable(p, this.signal)
    const started = (async () => {
      const exec = await guard(this.container.exec({
        Cmd: runner, User: STUDENT_USER, WorkingDir: '/workspace', AttachStdin: false, AttachStdout: false, AttachStderr: false,
      }))
      await guard(exec.start({ Detach: true }))
      return exec
    })()
    // Awaited by `warm` and `run`; a container whose agent ended early never needs it.
    started.catch(() => {})
    return started
  }

  /**
   * Resolves once the agent listens for its job and the student side was
   * started: a warm container that can be handed a submission. Throws
   * (retryable) if either fails within `timeoutMs`.
   */
  async warm (timeoutMs: number): Promise<void> {
    const guard = <T>(p: Promise<T>): Promise<T> => abortable(p, this.signal)
    try {
      const ready = await guard(withTimeout(this.events.ready, timeoutMs, 'the warm container did not get ready'))
      if (ready !== 'ready') throw new GraderError('harness_protocol', 'the warm container ended before any job')
      if (this.studentSide === undefined) throw new GraderError('container_failed', 'a warm container needs its student side')
      await guard(withTimeout(this.studentSide, timeoutMs, 'the student side to start'))
    } catch (err) {
      throw fault(err, this.signal)
    }
  }

  /**
   * Gives a warm container the CPU and pids limits (and CPU weight, when the
   * run has one) of the run it is handed to, through the Docker API on the
   * running container, before any of the
   * run's files arrive. Memory cannot be changed this way (the tmpfs sizes
   * follow it), so a run asking for another memory limit never gets here: it
   * runs cold (see WarmPool).
   */
  async retune (limits: Limits, cpuShares?: number): Promise<void> {
    if (this.ran) throw new GraderError('container_failed', 'limits are set before the run, never during it')
    if (limits.memoryMb !== this.limits.memoryMb) throw new GraderError('container_failed', 'a warm container cannot change its memory limit')
    if (limits.cpus !== this.limits.cpus || limits.pids !== this.limits.pids || cpuShares !== undefined) {
      try {
        await abortable(this.container.update(cgroupLimits(limits, cpuShares)), this.signal)
      } catch (err) {
        throw fault(err, this.signal)
      }
    }
    this.limits = limits
    this.obs.limits = limits
  }

  /**
   * Names a warm container after the submission it was given
   * (`grader-<submissionId>`), so `docker ps` on the host shows which run is
   * which: a pool container was created before its submission existed, and
   * labels cannot change. Best effort, off the critical path: a name already
   * taken (a retry's earlier container, not yet removed) is left as it is.
   */
  nameFor (submissionId: string): void {
    const name = `grader-${submissionId.replace(/[^a-zA-Z0-9_.-]/g, '_').slice(0, 120)}`
    abortable(this.container.rename({ name }), this.signal).catch((err: Error) => {
      this.log.debug({ err, containerId: this.container.id, name }, 'warm container not renamed')
    })
  }

  /** Runs one job in the opened container and returns what was seen. A session runs one job, never two. */
  async run (job: SandboxJobInput): Promise<SandboxRunResult> {
    if (this.ran || this.closing !== undefined) throw new GraderError('container_failed', 'a grading container runs one job, once')
    this.ran = true
    this.onProgress = job.onProgress
    const { container, obs, events, signal } = this
    const guard = <T>(p: Promise<T>): Promise<T> => abortable(p, signal)
    const timings: StageTimings = { ...this.opened, uploadMs: 0, runMs: 0, collectMs: 0 }
    let mark = performance.now()
    const lap = (stage: 'uploadMs' | 'runMs' | 'collectMs') => {
      const now = performance.now()
      timings[stage] = Math.round(now - mark)
      mark = now
    }
    try {
      this.stream.write(JSON.stringify(buildHarnessJob({ ...job, limits: this.limits })) + '\n')
      const studentSide = this.studentSide
      if (studentSide === undefined && job.collectOnly !== true) throw new GraderError('container_failed', 'a grading run needs its student side')
      // A runner that could not be started fails the run at once, unless the agent ended first
      // (a syntax error): then the container may have stopped under the exec, and the report is the answer.
      const studentFailed = studentSide?.then(() => new Promise<never>(() => {}), async (err: unknown) => {
        const settled = await withTimeout(events.started, EXIT_GRACE_MS, 'the report').catch(() => undefined)
        if (settled === 'report') return settled
        throw err
      })
      const first = await guard(withTimeout(studentFailed === undefined ? events.started : Promise.race([events.started, studentFailed]),
        READY_TIMEOUT_MS, 'the harness did not start the run'))
      lap('uploadMs')

      if (first === 'started' && studentSide !== undefined) {
        // From here on the student's code may run: what the container says is the student's outcome.
        // The agent only says `started` once the student side connected, so its exec has started.
        const exec = await guard(studentSide)
        // The student's time starts now: the deadline is enforced here, by killing the
        // container through the API, not by a client-side timeout that would leave it running.
        const killed = new Promise<void>((resolve) => {
          this.deadline = setTimeout(() => {
            obs.timedOut = true
            container.kill({ signal: 'SIGKILL' }).catch(() => {}).finally(resolve)
          }, this.limits.timeoutMs)
        })
        await guard(Promise.race([events.done, killed]))
        clearTimeout(this.deadline)
        lap('runMs')
        if (needsExitState(obs, false)) obs.runnerExitCode = await guard(exec.inspect()).then(i => i.ExitCode ?? null, () => null)
      }

      if (needsExitState(obs, job.collectOnly === true)) {
        // The agent exits after its report and the container with it; a stuck one is killed.
        await guard(withTimeout(container.wait(), EXIT_GRACE_MS, 'exit').catch(async () => {
          await container.kill({ signal: 'SIGKILL' }).catch(() => {})
          await withTimeout(container.wait(), EXIT_GRACE_MS, 'the container to exit after SIGKILL')
        }))
        const state = await guard(container.inspect())
        obs.oomKilled = state.State.OOMKilled === true
      }
      lap('collectMs')
      return { observation: obs, timings }
    } catch (err) {
      throw fault(err, signal)
    } finally {
      clearTimeout(this.deadline)
      this.stream.destroy()
    }
  }

  /**
   * Removes the container (force, with its anonymous volumes), whatever
   * happened; idempotent, and never throws: a failure, or a daemon that no
   * longer answers, is logged and left to the reaper and the host's recycle.
   */
  get containerId (): string { return this.container.id }

  /** Whether a job can still be given to this container: not run, not closing, its agent still there. */
  get usable (): boolean { return !this.ran && this.closing === undefined && !this.agentGone }

  /** A warm container's creation and start are not part of the run it is given: its stages start at the job. */
  handedOver (): void {
    this.opened.createMs = 0
    this.opened.startMs = 0
  }

  /** Resolves once `close` has removed the container (or given up on it). */
  get closed (): Promise<void> {
    return this.closing ?? new Promise<void>(resolve => { this.closedWaiters.push(resolve) })
  }

  async close (): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.deadline)
      this.stream.destroy()
      await removeContainer(this.container, this.log)
      for (const resolve of this.closedWaiters.splice(0)) resolve()
    })()
    await this.closing
  }
}

async function removeContainer (container: SandboxContainer, log: Logger): Promise<void> {
  await withTimeout(container.remove({ force: true, v: true }), REMOVE_TIMEOUT_MS, 'removal').catch((err: Error) => {
    log.warn({ err, containerId: container.id }, 'container removal failed; the reaper will retry')
  })
}

/** A failure of a Docker call as the caller sees it: the host's abort, one of our faults, or the host unreachable. */
function fault (err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason
  if (err instanceof GraderError) return err
  return new GraderError('host_unreachable', `Docker call failed during the run: ${(err as Error).message}`, { cause: err })
}

function abortable<T> (p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v) },
      (e) => { signal.removeEventListener('abort', onAbort); reject(e) },
    )
  })
}

async function withTimeout<T> (p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new GraderError('harness_protocol', `${what} within ${ms} ms`)), ms) }),
    ])
  } finally {
    clearTimeout(timer)
  }
}
