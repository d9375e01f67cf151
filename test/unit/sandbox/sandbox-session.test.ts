import { Duplex, type Writable } from 'node:stream'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { HARNESS_PROTOCOL, type AgentEvent, type HarnessJob } from '../../../services/sandbox/harness-protocol.js'
import { SandboxSession, type SandboxContainer, type SandboxDocker } from '../../../services/sandbox/sandbox-session.js'
import { resolveLimits } from '../../../services/shared/config/limits.js'
import { isGraderError } from '../../../services/shared/errors/grader-error.js'

const LIMITS = resolveLimits('python', { timeoutMs: 5000 })
const TEST = 'test_solution.py::test_add'
const RUNNER = ['python3', '/harness/student_process.py']
const OPEN = { image: 'grader-python:1', limits: LIMITS, submissionId: 'sub-1', workerId: 'worker-1', runner: RUNNER }
const JOB = { files: { 'solution.py': 'x = 1\n' }, tests: { 'test_solution.py': 'def test_add(): pass\n' } }

type Agent = 'passes' | 'student exits early' | 'syntax error' | 'collects'

/** What the agent of each scenario prints once it has the job and the student side connected. */
const AFTER_START: Record<Exclude<Agent, 'syntax error' | 'collects'>, AgentEvent[]> = {
  passes: [
    { event: 'started' },
    { event: 'collected', tests: [TEST] },
    { event: 'test', id: TEST },
    { event: 'result', test: { name: TEST, status: 'pass' } },
    { event: 'report', protocol: HARNESS_PROTOCOL, complete: true, collected: [TEST], current: null, tests: [{ name: TEST, status: 'pass' }] },
  ],
  'student exits early': [
    { event: 'started' },
    { event: 'collected', tests: [TEST] },
    { event: 'test', id: TEST },
    { event: 'report', protocol: HARNESS_PROTOCOL, complete: false, collected: [TEST], current: TEST, tests: [] },
  ],
}

/**
 * A fake daemon holding one container whose agent speaks the harness
 * protocol as `agent` says (ready at start; started once it has both the job
 * and the student side), recording every Docker call in order.
 */
function fakeDocker (agent: Agent, faults: { start?: Error, remove?: Error, exec?: Error } = {}) {
  const calls: string[] = []
  let job: HarnessJob | undefined
  let connected = false
  const stream = new Duplex({
    read () {},
    write (chunk: Buffer, _encoding, done) {
      job = JSON.parse(chunk.toString('utf8')) as HarnessJob
      if (agent === 'syntax error') say({ event: 'report', protocol: HARNESS_PROTOCOL, verdict: 'syntax', message: 'Your file has a syntax error' })
      else if (agent === 'collects') say({ event: 'report', protocol: HARNESS_PROTOCOL, complete: true, collected: [TEST], tests: [] })
      else maybeStart()
      done()
    },
  })
  const say = (ev: AgentEvent) => { setImmediate(() => stream.push(JSON.stringify(ev) + '\n')) }
  const maybeStart = () => {
    if (job !== undefined && connected && agent !== 'syntax error' && agent !== 'collects') for (const ev of AFTER_START[agent]) say(ev)
  }
  const container: SandboxContainer = {
    id: 'c0ffee',
    // The fake stream carries stdout only, unframed.
    modem: { demuxStream: (s: Duplex, stdout: Writable) => { s.pipe(stdout) } },
    attach: async () => { calls.push('attach'); return stream },
    start: async () => { calls.push('start'); if (faults.start) throw faults.start; say({ event: 'ready', protocol: HARNESS_PROTOCOL }) },
    exec: async () => {
      calls.push('exec')
      if (faults.exec) throw faults.exec
      return {
        start: async () => { calls.push('exec start'); connected = true; maybeStart() },
        inspect: async () => { calls.push('exec inspect'); return { ExitCode: 3 } },
      }
    },
    update: async (options) => { calls.push(`update ${JSON.stringify(options)}`) },
    rename: async () => { calls.push('rename') },
    kill: async () => { calls.push('kill') },
    wait: async () => { calls.push('wait') },
    inspect: async () => { calls.push('inspect'); return { State: { OOMKilled: false } } },
    remove: async () => { calls.push('remove'); if (faults.remove) throw faults.remove },
  }
  const docker: SandboxDocker = { createContainer: async () => { calls.push('create'); return container } }
  return { docker, calls, job: () => job, agentExits: () => { stream.push(null) } }
}

function capturedLog () {
  const lines: Array<{ msg: string, containerId?: string }> = []
  const log = pino({ level: 'warn' }, { write: (line: string) => { lines.push(JSON.parse(line)) } })
  return { log, lines }
}

describe('SandboxSession', () => {
  it('opens with create, attach, start and the student side\'s exec, and a passing run makes no call more: no inspect, no wait, no removal before close', async () => {
    const { docker, calls, job } = fakeDocker('passes')
    const session = await SandboxSession.open(docker, OPEN, capturedLog().log)
    expect(calls.slice(0, 3)).toEqual(['create', 'attach', 'start'])
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

  it('counts the student as started only when the agent says so: a syntax error reported first is not', async () => {
    const { docker } = fakeDocker('syntax error')
    const session = await SandboxSession.open(docker, OPEN, capturedLog().log)
    const { observation } = await session.run(JOB)
    await session.close()
    expect(observation.studentStarted).toBe(false)
    expect(observation.report?.verdict).toBe('syntax')
  })

  it('takes the agent\'s early report over a runner whose exec failed because the container stopped under it', async () => {
    const { docker } = fakeDocker('syntax error', { exec: new Error('container is not running') })
    const session = await SandboxSession.open(docker, OPEN, capturedLog().log)
    const { observation } = await session.run(JOB)
    await session.close()
    expect(observation.report?.verdict).toBe('syntax')
  })

  it('fails a run, retryably, when the runner cannot be started and the agent has not reported', async () => {
    const { docker } = fakeDocker('passes', { exec: new Error('daemon hiccup') })
    const session = await SandboxSession.open(docker, OPEN, capturedLog().log)
    const err = await session.run(JOB).then(() => null, (e: unknown) => e)
    await session.close()
    expect(isGraderError(err) && [err.code, err.retryable]).toEqual(['host_unreachable', true])
  })

  it('warms up: resolves once the agent listens and the student side started, before any job', async () => {
    const { docker, calls, job } = fakeDocker('passes')
    const session = await SandboxSession.open(docker, OPEN, capturedLog().log)
    await session.warm(1000)
    expect(calls).toEqual(['create', 'attach', 'start', 'exec', 'exec start'])
    expect(job()).toBeUndefined()
    const { observation } = await session.run(JOB)
    expect(observation.report?.complete).toBe(true)
    await session.close()
  })

  it('is usable for a job until it runs one, and not once its agent\'s stream ended', async () => {
    const { docker } = fakeDocker('passes')
    const session = await SandboxSession.open(docker, OPEN, capturedLog().log)
    await session.warm(1000)
    expect(session.usable).toBe(true)
    await session.run(JOB)
    expect(session.usable).toBe(false)
    const other = fakeDocker('passes')
    const dying = await SandboxSession.open(other.docker, OPEN, capturedLog().log)
    await dying.warm(1000)
    other.agentExits()
    await new Promise(resolve => setImmediate(resolve))
    expect(dying.usable).toBe(false)
    await dying.close()
  })

  it('retunes CPU and pids through docker update before the run, and only when they differ', async () => {
    const { docker, calls, job } = fakeDocker('passes')
    const session = await SandboxSession.open(docker, OPEN, capturedLog().log)
    await session.retune(LIMITS)
    expect(calls.filter(c => c.startsWith('update'))).toEqual([])
    const asked = { ...LIMITS, pids: 16, cpus: 0.5, testTimeoutMs: 1500 }
    await session.retune(asked)
    expect(calls.filter(c => c.startsWith('update'))).toEqual([`update ${JSON.stringify({ PidsLimit: 16, CpuPeriod: 10_000, CpuQuota: 5000 })}`])
    const { observation } = await session.run(JOB)
    expect(observation.limits).toEqual(asked)
    expect(job()?.testTimeoutMs).toBe(asked.testTimeoutMs)
    await expect(session.retune(LIMITS)).rejects.toMatchObject({ code: 'container_failed' })
    await session.close()
  })

  it('refuses to retune the memory limit, which the tmpfs sizes follow', async () => {
    const { docker } = fakeDocker('passes')
    const session = await SandboxSession.open(docker, OPEN, capturedLog().log)
    await expect(session.retune({ ...LIMITS, memoryMb: LIMITS.memoryMb * 2 })).rejects.toMatchObject({ code: 'container_failed' })
    await session.close()
  })

  it('creates no exec for a collection (opened without a runner), and reads the OOM flag its decision needs', async () => {
    const { docker, calls, job } = fakeDocker('collects')
    const { runner: _none, ...collectOpen } = OPEN
    const session = await SandboxSession.open(docker, collectOpen, capturedLog().log)
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
