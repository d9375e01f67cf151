import { PassThrough, type Duplex } from 'node:stream'
import type Docker from 'dockerode'
import type { Logger } from 'pino'
import type { Limits } from '../shared/config/limits.js'
import { GraderError } from '../shared/errors/grader-error.js'
import { AgentEventParser } from './agent-event-parser.js'
import { HARNESS_PROTOCOL, type AgentTest, type HarnessJob, type Isolation } from './harness-protocol.js'
import { buildContainerSpec, STUDENT_USER } from './container-spec.js'
import type { RunObservation } from './verdict.js'

export interface SandboxRunInput {
  submissionId: string
  workerId: string
  image: string
  /** Command that starts the student half of the harness (image label `grader.runner`). */
  runner: string[]
  files: Record<string, string>
  tests: Record<string, string>
  limits: Limits
  runtime?: string
  seccompProfile?: string
  /** Strict comparison mode (see grader_strict.py in the image). */
  strictComparisons?: boolean
  /** Where the student's code runs: a process of its own (default) or the test process (opt-in). */
  isolation?: Isolation
  /** Collect the suite and report its ids, run nothing: no student side is started (the agent reports without `ready`). */
  collectOnly?: boolean
  /** Aborted when the host is given up (unhealthy): the run stops at once with a retryable fault. */
  signal?: AbortSignal
  /**
   * Called each time a test starts, from the agent's `test` event, with the
   * tests finished and collected so far (for `GET /v1/submissions/:id/events`).
   * Called synchronously inside the stream handler: it must return at once,
   * and whatever it throws is ignored, so it can never change the run.
   */
  onProgress?: (progress: RunProgress) => void
}

/** Where a run is, as `onProgress` sees it. */
export interface RunProgress {
  /** The test that has just started (its id as results name it). */
  test: string
  /** Tests finished so far (a result was received for each). */
  done: number
  /** Tests collected; undefined until the agent reported collection. */
  total?: number
}

/** Milliseconds per stage of one run. */
export interface StageTimings { createMs: number, startMs: number, uploadMs: number, runMs: number, collectMs: number }

export interface SandboxRunResult { observation: RunObservation, timings: StageTimings }

/** Bounds on the trusted side, so even a broken harness cannot exhaust the worker. */
const AGENT_OUTPUT_MAX_BYTES = 16 * 1024 * 1024
/** From start until the agent is ready (files written, tests found). */
const READY_TIMEOUT_MS = 20_000
/** Longest the final removal may take before it is left to the reaper. */
const REMOVE_TIMEOUT_MS = 10_000
/** After the report, how long the container may take to exit before it is killed. */
const EXIT_GRACE_MS = 3_000

/**
 * Grades one submission in one new container, used once and always removed:
 * create → attach → start → send the job over stdin (the files go in through
 * the Docker API, never a bind mount) → wait for "ready" → exec the runner as
 * the student → wait for the report or the deadline (then SIGKILL through the
 * API) → inspect (OOM flag, runner exit code) → remove.
 *
 * Verdicts are returned as an observation; only faults of ours are thrown
 * (GraderError, retryable), so the caller can retry elsewhere.
 */
export async function runInSandbox (docker: Docker, input: SandboxRunInput, log: Logger): Promise<SandboxRunResult> {
  const timings: StageTimings = { createMs: 0, startMs: 0, uploadMs: 0, runMs: 0, collectMs: 0 }
  let mark = performance.now()
  const lap = (stage: keyof StageTimings) => {
    const now = performance.now()
    timings[stage] = Math.round(now - mark)
    mark = now
  }

  const signal = input.signal ?? new AbortController().signal
  // Every Docker call races the host's abort: a wedged daemon never answers.
  const guard = <T>(p: Promise<T>): Promise<T> => abortable(p, signal)

  let container: Docker.Container
  const creating = docker.createContainer(buildContainerSpec(input))
  try {
    container = await guard(creating)
  } catch (err) {
    // Given up while the daemon was still creating: remove it if it ever appears.
    creating.then(c => c.remove({ force: true, v: true })).catch(() => {})
    if (signal.aborted) throw signal.reason
    throw new GraderError('container_failed', `creating the grading container failed: ${(err as Error).message}`, { cause: err })
  }
  lap('createMs')

  const obs: RunObservation = {
    report: null, expected: [], finished: [], current: null, studentStarted: false, unreadable: null,
    timedOut: false, oomKilled: false, runnerExitCode: null, limits: input.limits,
  }
  let stream: Duplex | undefined
  let deadline: NodeJS.Timeout | undefined
  try {
    const attaching = container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }) as unknown as Promise<Duplex>
    // If the attach is given up and completes later, its socket must still be closed.
    attaching.catch(() => {})
    stream = await guard(attaching).catch((err: unknown) => {
      attaching.then(s => s.destroy(), () => {})
      throw err
    })
    const events = agentEvents(container, stream, obs, input.onProgress)
    try {
      await guard(container.start())
    } catch (err) {
      if (signal.aborted) throw signal.reason
      throw new GraderError('container_failed', `starting the grading container failed: ${(err as Error).message}`, { cause: err })
    }
    lap('startMs')

    const job: HarnessJob = {
      protocol: HARNESS_PROTOCOL,
      files: input.files,
      tests: input.tests,
      outputBytes: input.limits.outputKb * 1024,
      testTimeoutMs: Math.min(input.limits.testTimeoutMs, input.limits.timeoutMs),
      memoryMb: input.limits.memoryMb,
      strict: input.strictComparisons === true,
      isolation: input.isolation ?? 'split',
      ...(input.collectOnly === true ? { collectOnly: true } : {}),
    }
    stream.write(JSON.stringify(job) + '\n')
    const first = await guard(withTimeout(events.ready, READY_TIMEOUT_MS, 'the harness did not get ready'))
    lap('uploadMs')

    if (first === 'ready') {
      const exec = await guard(container.exec({
        Cmd: input.runner,
        User: STUDENT_USER,
        WorkingDir: '/workspace',
        AttachStdin: false,
        AttachStdout: false,
        AttachStderr: false,
      }))
      await guard(exec.start({ Detach: true }))
      // From here on the student's code may run: what the container says is the student's outcome.
      obs.studentStarted = true
      // The student's time starts now: the deadline is enforced here, by killing the
      // container through the API, not by a client-side timeout that would leave it running.
      const killed = new Promise<void>((resolve) => {
        deadline = setTimeout(() => {
          obs.timedOut = true
          container.kill({ signal: 'SIGKILL' }).catch(() => {}).finally(resolve)
        }, input.limits.timeoutMs)
      })
      await guard(Promise.race([events.done, killed]))
      clearTimeout(deadline)
      lap('runMs')
      obs.runnerExitCode = await guard(exec.inspect()).then(i => i.ExitCode ?? null, () => null)
    }

    // The agent exits after its report and the container with it; a stuck one is killed.
    await guard(withTimeout(container.wait(), EXIT_GRACE_MS, 'exit').catch(async () => {
      await container.kill({ signal: 'SIGKILL' }).catch(() => {})
      await withTimeout(container.wait(), EXIT_GRACE_MS, 'the container to exit after SIGKILL')
    }))
    const state = await guard(container.inspect())
    obs.oomKilled = state.State.OOMKilled === true
    lap('collectMs')
    return { observation: obs, timings }
  } catch (err) {
    if (signal.aborted) throw signal.reason
    if (err instanceof GraderError) throw err
    throw new GraderError('host_unreachable', `Docker call failed during the run: ${(err as Error).message}`, { cause: err })
  } finally {
    clearTimeout(deadline)
    stream?.destroy()
    // Single use: the container goes whatever happened. A failure (or a daemon
    // that no longer answers) is left to the reaper and the host's recycle.
    await withTimeout(container.remove({ force: true, v: true }), REMOVE_TIMEOUT_MS, 'removal').catch((err: Error) => {
      log.warn({ err, containerId: container.id }, 'container removal failed; the reaper will retry')
    })
  }
}

interface AgentStream {
  /** 'ready' once files are in place and tests found, 'report' when the agent finished early (syntax, no tests…). */
  ready: Promise<'ready' | 'report'>
  /** Resolves when the report arrived or the stream ended. */
  done: Promise<void>
}

/** Follows the agent's stdout, recording events into `obs` (and telling `onProgress` when a test starts). */
function agentEvents (container: Docker.Container, stream: Duplex, obs: RunObservation, onProgress?: (progress: RunProgress) => void): AgentStream {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  container.modem.demuxStream(stream, stdout, stderr)
  // The agent's stderr only carries Python tracebacks of the agent itself: keep a little for diagnosis.
  let stderrTail = ''
  stderr.on('data', (d: Buffer) => { stderrTail = (stderrTail + d.toString('utf8')).slice(-2000) })

  const parser = new AgentEventParser(AGENT_OUTPUT_MAX_BYTES)
  let onReady!: (v: 'ready' | 'report') => void
  let failReady!: (e: Error) => void
  let onDone!: () => void
  const ready = new Promise<'ready' | 'report'>((resolve, reject) => { onReady = resolve; failReady = reject })
  const done = new Promise<void>((resolve) => { onDone = resolve })
  ready.catch(() => {})

  let collected = false
  const progress = (test: string) => {
    if (onProgress === undefined) return
    // progress is a courtesy to the client: its failure must never become the run's
    try {
      onProgress({ test, done: obs.finished.length, ...(collected ? { total: obs.expected.length } : {}) })
    } catch {}
  }

  const fail = (message: string) => {
    // Before the student's code started, a broken harness is ours (retried); after, it is
    // the student's run that ended this way (see verdict.ts).
    if (obs.unreadable === null) obs.unreadable = message
    failReady(new GraderError('harness_protocol', message))
    onDone()
  }
  // Everything here reads untrusted output: nothing may throw out of a stream handler.
  stdout.on('data', (chunk: Buffer) => {
    try {
      for (const ev of parser.push(chunk)) {
        switch (ev.event) {
          case 'ready': onReady('ready'); break
          case 'collected': obs.expected = ev.tests; collected = true; break
          case 'test': obs.current = ev.id; progress(ev.id); break
          case 'result': recordFinished(obs, ev.test); break
          case 'report':
            obs.report = ev
            onReady('report')
            onDone()
            break
        }
      }
    } catch (err) {
      stream.destroy()
      fail(`the harness spoke out of protocol: ${(err as Error).message}`)
    }
  })
  const ended = () => {
    if (obs.report === null) fail(`the harness ended without a report${stderrTail ? `: ${stderrTail.trim().split('\n').pop()?.slice(0, 300) ?? ''}` : ''}`)
    onDone()
  }
  stream.on('end', ended)
  stream.on('close', ended)
  stream.on('error', ended)
  return { ready, done }
}

function recordFinished (obs: RunObservation, test: AgentTest): void {
  const i = obs.finished.findIndex(t => t.name === test.name)
  if (i >= 0) obs.finished[i] = test
  else obs.finished.push(test)
  if (obs.current?.startsWith(test.name)) obs.current = null
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
