import { Duplex, type Writable } from 'node:stream'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { HARNESS_PROTOCOL, type AgentEvent, type HarnessJob } from '../../../services/sandbox/harness-protocol.js'
import { SandboxSession, type SandboxContainer, type SandboxDocker } from '../../../services/sandbox/sandbox-session.js'
import { resolveLimits } from '../../../services/shared/config/limits.js'
import { isGraderError } from '../../../services/shared/errors/grader-error.js'

const LIMITS = resolveLimits('python', { timeoutMs: 5000 })
const TEST = 'test_solution.py::test_add'
const OPEN = { image: 'grader-python:1', limits: LIMITS, submissionId: 'sub-1', workerId: 'worker-1' }
const JOB = { runner: ['python3', '/harness/student_process.py'], files: { 'solution.py': 'x = 1\n' }, tests: { 'test_solution.py': 'def test_add(): pass\n' } }

type Agent = 'passes' | 'student exits early' | 'syntax error' | 'collects'

/** What the agent of each scenario prints once the student side is exec'd. */
const AFTER_EXEC: Record<Exclude<Agent, 'syntax error' | 'collects'>, AgentEvent[]> = {
  passes: [
    { event: 'collected', tests: [TEST] },
    { event: 'test', id: TEST },
    { event: 'result', test: { name: TEST, status: 'pass' } },
    { event: 'report', protocol: HARNESS_PROTOCOL, complete: true, collected: [TEST], current: null, tests: [{ name: TEST, status: 'pass' }] },
  ],
  'student exits early': [
    { event: 'collected', tests: [TEST] },
    { event: 'test', id: TEST },
    { event: 'report', protocol: HARNESS_PROTOCOL, complete: false, collected: [TEST], current: TEST, tests: [] },
  ],
}

/**
 * A fake daemon holding one container whose agent speaks the harness
 * protocol as `agent` says, recording every Docker call in order.
 */
function fakeDocker (agent: Agent, faults: { start?: Error, remove?: Error } = {}) {
  const calls: string[] = []
  let job: HarnessJob | undefined
  const stream = new Duplex({
    read () {},
    write (chunk: Buffer, _encoding, done) {
      job = JSON.parse(chunk.toString('utf8')) as HarnessJob
      if (agent === 'syntax error') say({ event: 'report', protocol: HARNESS_PROTOCOL, verdict: 'syntax', message: 'Your file has a syntax error' })
      else if (agent === 'collects') say({ event: 'report', protocol: HARNESS_PROTOCOL, complete: true, collected: [TEST], tests: [] })
      else say({ event: 'ready', protocol: HARNESS_PROTOCOL })
      done()
    },
  })
  const say = (ev: AgentEvent) => { setImmediate(() => stream.push(JSON.stringify(ev) + '\n')) }
  const container: SandboxContainer = {
    id: 'c0ffee',
    // The fake stream carries stdout only, unframed.
    modem: { demuxStream: (s: Duplex, stdout: Writable) => { s.pipe(stdout) } },
    attach: async () => { calls.push('attach'); return stream },
    start: async () => { calls.push('start'); if (faults.start) throw faults.start },
    exec: async () => {
      calls.push('exec')
      return {
        start: async () => { calls.push('exec start'); for (const ev of AFTER_EXEC[agent as keyof typeof AFTER_EXEC]) say(ev) },
        inspect: async () => { calls.push('exec inspect'); return { ExitCode: 3 } },
      }
    },
    kill: async () => { calls.push('kill') },
    wait: async () => { calls.push('wait') },
    inspect: async () => { calls.push('inspect'); return { State: { OOMKilled: false } } },
    remove: async () => { calls.push('remove'); if (faults.remove) throw faults.remove },
  }
  const docker: SandboxDocker = { createContainer: async () => { calls.push('create'); return container } }
  return { docker, calls, job: () => job }
}

function capturedLog () {
  const lines: Array<{ msg: string, containerId?: string }> = []
  const log = pino({ level: 'warn' }, { write: (line: string) => { lines.push(JSON.parse(line)) } })
  return { log, lines }
}

describe('SandboxSession', () => {
  it('opens with create, attach and start, and a passing run makes two calls more: no inspect, no wait, no removal before close', async () => {
    const { docker, calls, job } = fakeDocker('passes')
    const session = await SandboxSession.open(docker, OPEN, capturedLog().log)
    expect(calls).toEqual(['create', 'attach', 'start'])
    const progress: unknown[] = []
    const { observation, timings } = await session.run({ ...JOB, onProgress: p => { progress.push(p) } })
    expect(calls).toEqual(['create', 'attach', 'start', 'exec', 'exec start'])
    expect(job()?.files).toEqual(JOB.files)
    expect(observation).toMatchObject({ studentStarted: true, timedOut: false, expected: [TEST], finished: [{ name: TEST, status: 'pass' }] })
    expect(observation.report?.complete).toBe(true)
    expect(progress).toEqual([{ test: TEST, done: 0, total: 1 }])
    expect(Object.keys(timings).sort()).toEqual(['collectMs', 'createMs', 'runMs', 'startMs', 'uploadMs'])
    await session.close()
    await session.close()
    expect(calls).toEqual(['create', 'attach', 'start', 'exec', 'exec start', 'remove'])
  })

  it('reads the runner\'s exit code and the OOM flag when the report is incomplete', async () => {
    const { docker, calls } = fakeDocker('student exits early')
    const session = await SandboxSession.open(docker, OPEN, capturedLog().log)
    const { observation } = await session.run(JOB)
    await session.close()
    expect(calls).toEqual(['create', 'attach', 'start', 'exec', 'exec start', 'exec inspect', 'wait', 'inspect', 'remove'])
    expect(observation).toMatchObject({ runnerExitCode: 3, oomKilled: false, current: TEST })
  })

  it('never starts the student side when the agent reports before ready (a syntax error)', async () => {
    const { docker, calls } = fakeDocker('syntax error')
    const session = await SandboxSession.open(docker, OPEN, capturedLog().log)
    const { observation } = await session.run(JOB)
    await session.close()
    expect(calls).not.toContain('exec start')
    expect(observation.studentStarted).toBe(false)
    expect(observation.report?.verdict).toBe('syntax')
  })

  it('creates no exec for a collection, and reads the OOM flag its decision needs', async () => {
    const { docker, calls, job } = fakeDocker('collects')
    const session = await SandboxSession.open(docker, OPEN, capturedLog().log)
    await session.run({ ...JOB, collectOnly: true })
    await session.close()
    expect(job()?.collectOnly).toBe(true)
    expect(calls).toEqual(['create', 'attach', 'start', 'wait', 'inspect', 'remove'])
  })

  it('runs one job, never two', async () => {
    const { docker } = fakeDocker('passes')
    const session = await SandboxSession.open(docker, OPEN, capturedLog().log)
    await session.run(JOB)
    await expect(session.run(JOB)).rejects.toMatchObject({ code: 'container_failed' })
    await session.close()
  })

  it('removes the container when it fails to start, and throws a retryable fault', async () => {
    const { docker, calls } = fakeDocker('passes', { start: new Error('OCI runtime create failed') })
    const err = await SandboxSession.open(docker, OPEN, capturedLog().log).then(() => null, (e: unknown) => e)
    expect(isGraderError(err) && err.code).toBe('container_failed')
    expect(calls).toEqual(['create', 'attach', 'start', 'remove'])
  })

  it('logs a removal that failed, with the container, and does not throw', async () => {
    const { docker } = fakeDocker('passes', { remove: new Error('daemon gone') })
    const { log, lines } = capturedLog()
    const session = await SandboxSession.open(docker, OPEN, log)
    await session.run(JOB)
    await session.close()
    expect(lines).toEqual([expect.objectContaining({ msg: 'container removal failed; the reaper will retry', containerId: 'c0ffee' })])
  })
})
