import { PassThrough, type Duplex, type Writable } from 'node:stream'
import { GraderError } from '../shared/errors/grader-error.js'
import { AgentEventParser } from './agent-event-parser.js'
import type { AgentTest } from './harness-protocol.js'
import type { RunObservation } from './verdict.js'

/** Where a run is, as `onProgress` sees it. */
export interface RunProgress {
  /** The test that has just started (its id as results name it). */
  test: string
  /** Tests finished so far (a result was received for each). */
  done: number
  /** Tests collected; undefined until the agent reported collection. */
  total?: number
}

export interface AgentStream {
  /** 'ready' once the agent listens and waits for its job (before any job), 'report' if it ended first. */
  ready: Promise<'ready' | 'report'>
  /**
   * 'started' once the job is in and the student side connected (the student's code may run from
   * here on), 'report' when the agent finished before that (syntax error, no tests, a collection).
   */
  started: Promise<'started' | 'report'>
  /** Resolves when the report arrived or the stream ended. */
  done: Promise<void>
}

/** Splits Docker's multiplexed attach stream into stdout and stderr (dockerode's `modem.demuxStream`). */
export type Demux = (stream: Duplex, stdout: Writable, stderr: Writable) => void

/** Bounds on the trusted side, so even a broken harness cannot exhaust the worker. */
export const AGENT_OUTPUT_MAX_BYTES = 16 * 1024 * 1024

/**
 * Follows the agent's stdout from the moment the container is attached,
 * recording events into `obs`. `progress` is read at each test start, not
 * once: the stream is followed before the job (and its progress callback)
 * is known.
 */
export function followAgent (stream: Duplex, demux: Demux, obs: RunObservation, progress: () => ((p: RunProgress) => void) | undefined): AgentStream {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  demux(stream, stdout, stderr)
  // The agent's stderr only carries Python tracebacks of the agent itself: keep a little for diagnosis.
  let stderrTail = ''
  stderr.on('data', (d: Buffer) => { stderrTail = (stderrTail + d.toString('utf8')).slice(-2000) })

  const parser = new AgentEventParser(AGENT_OUTPUT_MAX_BYTES)
  let onReady!: (v: 'ready' | 'report') => void
  let failReady!: (e: Error) => void
  let onStarted!: (v: 'started' | 'report') => void
  let failStarted!: (e: Error) => void
  let onDone!: () => void
  const ready = new Promise<'ready' | 'report'>((resolve, reject) => { onReady = resolve; failReady = reject })
  const started = new Promise<'started' | 'report'>((resolve, reject) => { onStarted = resolve; failStarted = reject })
  const done = new Promise<void>((resolve) => { onDone = resolve })
  ready.catch(() => {})
  started.catch(() => {})

  let collected = false
  const testStarted = (test: string) => {
    const onProgress = progress()
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
    const err = new GraderError('harness_protocol', message)
    failReady(err)
    failStarted(err)
    onDone()
  }
  // Everything here reads untrusted output: nothing may throw out of a stream handler.
  stdout.on('data', (chunk: Buffer) => {
    try {
      for (const ev of parser.push(chunk)) {
        switch (ev.event) {
          case 'ready': onReady('ready'); break
          case 'collected': obs.expected = ev.tests; collected = true; break
          case 'started': obs.studentStarted = true; onStarted('started'); break
          case 'test': obs.current = ev.id; testStarted(ev.id); break
          case 'result': recordFinished(obs, ev.test); break
          case 'report':
            obs.report = ev
            onReady('report')
            onStarted('report')
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
  return { ready, started, done }
}

function recordFinished (obs: RunObservation, test: AgentTest): void {
  const i = obs.finished.findIndex(t => t.name === test.name)
  if (i >= 0) obs.finished[i] = test
  else obs.finished.push(test)
  if (obs.current?.startsWith(test.name)) obs.current = null
}
