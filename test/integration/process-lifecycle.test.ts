// A grader process is stopped by SIGTERM within GRADER_STOP_TIMEOUT_MS, whatever
// became of whoever reads its logs (gone, or there but no longer reading), and
// even when its own shutdown hangs. The real entry points are spawned, against
// the test run's Redis (and Docker, for the hung shutdown), each under a prefix
// of its own.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import Docker from 'dockerode'
import { Redis } from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { LABELS } from '../../services/sandbox/container-spec.js'
import { scanKeys } from '../../services/shared/store/redis-keys.js'

const ROOT = new URL('../../', import.meta.url).pathname
const KEY = 'lifecycle-test-key'
const STOP_TIMEOUT_MS = 3_000
/** Time a loaded 2-core machine may add to a stop: the exit itself, the signal's delivery. */
const SLACK_MS = 2_000
/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ, 100 on Linux). */
const USER_HZ = 100

interface Spawned {
  child: ChildProcess
  prefix: string
  workerId: string
  url: string
  /** Lines read from stdout before it was broken (with the exit code in the hung case). */
  lines: string[]
}

const started: Spawned[] = []
afterEach(async () => {
  const redis = new Redis(process.env.REDIS_URL!)
  for (const s of started.splice(0)) {
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL')
    const keys = await scanKeys(redis, `${s.prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
  }
  await redis.quit()
})

/** Spawns an entry point, waits until it listens, and learns its URL from its own log line. */
async function spawnGrader (entry: string, env: Record<string, string> = {}, opts: { ipc?: boolean } = {}): Promise<Spawned> {
  const prefix = `lifecycle-${randomUUID()}`
  const workerId = `lifecycle-worker-${randomUUID()}`
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'ignore', ...(opts.ipc === true ? ['ipc' as const] : [])],
    env: {
      ...process.env, PORT: '0', GRADER_METRICS_PORT: '0', GRADER_PREFIX: prefix, GRADER_WORKER_ID: workerId, GRADER_API_KEYS: KEY,
      GRADER_STOP_TIMEOUT_MS: String(STOP_TIMEOUT_MS), LOG_LEVEL: 'info', ...env,
    },
  })
  const spawned: Spawned = { child, prefix, workerId, url: '', lines: [] }
  started.push(spawned)
  spawned.url = await new Promise<string>((resolve, reject) => {
    let text = ''
    const timer = setTimeout(() => reject(new Error(`${entry} did not listen within 60 s`)), 60_000)
    child.once('exit', code => reject(new Error(`${entry} exited (${code}) before listening`)))
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      const lines = text.split('\n')
      text = lines.pop()!
      spawned.lines.push(...lines)
      const listening = lines.map(l => /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(l)?.[1]).find(Boolean)
      if (listening !== undefined) { clearTimeout(timer); resolve(listening) }
    })
  })
  return spawned
}

/** CPU time the process has used so far (user + system), in ms. */
function cpuMs (pid: number): number {
  // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 12th, stime the 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * (1000 / USER_HZ)
}

/** Keeps the process busy: `count` requests, 4 at a time, each logged twice; answers the statuses seen. */
async function hammer (s: Spawned, count: number): Promise<number[]> {
  const statuses: number[] = []
  let next = 0
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next++ < count) {
      const res = await fetch(`${s.url}/v1/submissions/${randomUUID()}`, { headers: { authorization: `Bearer ${KEY}` } })
      statuses.push(res.status)
    }
  }))
  return statuses
}

/** Sends SIGTERM and answers how long the process took to exit, and how. */
async function terminate (s: Spawned, waitMs = STOP_TIMEOUT_MS + 30_000): Promise<{ ms: number, code: number | null }> {
  const t0 = performance.now()
  const exited = new Promise<number | null>(resolve => s.child.once('exit', code => resolve(code)))
  s.child.kill('SIGTERM')
  const code = await Promise.race([exited, new Promise<'alive'>(resolve => setTimeout(() => resolve('alive'), waitMs))])
  if (code === 'alive') throw new Error(`still running ${waitMs} ms after SIGTERM`)
  return { ms: performance.now() - t0, code }
}

/** CPU the idle process burns in one second, in ms: a spin would be close to 1000. */
async function idleCpuMs (pid: number): Promise<number> {
  const before = cpuMs(pid)
  await new Promise(resolve => setTimeout(resolve, 1_000))
  return cpuMs(pid) - before
}

describe('a grader process with a broken log destination', () => {
  it('keeps answering once its stdout reader is gone, stays idle, and stops on SIGTERM within GRADER_STOP_TIMEOUT_MS', async () => {
    const s = await spawnGrader('services/api/server.ts')
    s.child.stdout!.destroy()
    // every request logs two lines into the closed pipe (EPIPE)
    const statuses = await hammer(s, 300)
    expect(new Set(statuses)).toEqual(new Set([404]))
    expect(await idleCpuMs(s.child.pid!)).toBeLessThan(300)
    const { ms, code } = await terminate(s)
    expect(code).toBe(0)
    expect(ms).toBeLessThan(STOP_TIMEOUT_MS + SLACK_MS)
  }, 90_000)

  it('keeps answering while its stdout reader stops reading, stays idle, and stops on SIGTERM within GRADER_STOP_TIMEOUT_MS', async () => {
    // trace: far more than the pipe's 64 KiB, so writes would block (EAGAIN) long before the end;
    // pino's default destination then retried for ever in its exit flush
    const s = await spawnGrader('services/api/server.ts', { LOG_LEVEL: 'trace' })
    s.child.stdout!.removeAllListeners('data')
    s.child.stdout!.pause()
    const statuses = await hammer(s, 600)
    expect(new Set(statuses)).toEqual(new Set([404]))
    expect(await idleCpuMs(s.child.pid!)).toBeLessThan(300)
    const { ms, code } = await terminate(s)
    expect(code).toBe(0)
    expect(ms).toBeLessThan(STOP_TIMEOUT_MS + SLACK_MS)
  }, 90_000)
})

describe('a grader process whose parent goes away', () => {
  it('stops on its own when the IPC channel its parent spawned it with closes, as when npm start dies', async () => {
    const s = await spawnGrader('services/api/server.ts', {}, { ipc: true })
    const t0 = performance.now()
    const exited = new Promise<number | null>(resolve => s.child.once('exit', code => resolve(code)))
    // what the kernel does to the channel when the parent is killed
    s.child.disconnect()
    const code = await Promise.race([exited, new Promise<'alive'>(resolve => setTimeout(() => resolve('alive'), STOP_TIMEOUT_MS + 30_000))])
    expect(code).toBe(0)
    expect(performance.now() - t0).toBeLessThan(STOP_TIMEOUT_MS + SLACK_MS)
    expect(s.lines.join('\n')).toContain('"parent":"gone"')
  }, 90_000)

  it('keeps running while its IPC channel stays open (the channel alone never stops it)', async () => {
    const s = await spawnGrader('services/api/server.ts', {}, { ipc: true })
    await new Promise(resolve => setTimeout(resolve, 1_000))
    expect(s.child.exitCode).toBe(null)
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200)
  }, 90_000)
})

describe('a grader process whose shutdown hangs', () => {
  it('exits with 1 by GRADER_STOP_TIMEOUT_MS while the worker waits for a run that would take a minute', async () => {
    const docker = new Docker()
    const s = await spawnGrader('services/main.ts', { GRADER_WAIT_MAX_MS: '0' })
    try {
      // A run the worker's close would wait a minute for: the job stays active until the run's deadline.
      const accepted = await fetch(`${s.url}/v1/submissions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          language: 'python',
          files: { 'solution.py': 'def add(a, b):\n    while True:\n        pass\n' },
          // a dozen tests each stopped at the per-test time: the run lasts until its own deadline
          tests: { 'test_solution.py': 'from solution import add\n' + Array.from({ length: 12 }, (_, i) => `\ndef test_add_${i}():\n    assert add(2, 3) == 5\n`).join('') },
          limits: { timeoutMs: 60_000 },
        }),
      })
      expect(accepted.status, await accepted.clone().text()).toBe(202)
      const { id } = await accepted.json() as { id: string }
      const deadline = Date.now() + 60_000
      for (;;) {
        const res = await fetch(`${s.url}/v1/submissions/${id}`, { headers: { authorization: `Bearer ${KEY}` } })
        if ((await res.json() as { state: string }).state === 'running') break
        if (Date.now() > deadline) throw new Error('the submission never started running')
        await new Promise(resolve => setTimeout(resolve, 100))
      }
      const { ms, code } = await terminate(s)
      expect(code).toBe(1)
      expect(ms).toBeGreaterThanOrEqual(STOP_TIMEOUT_MS - 100)
      expect(ms).toBeLessThan(STOP_TIMEOUT_MS + SLACK_MS)
      await new Promise(resolve => setTimeout(resolve, 200))
      expect(s.lines.join('\n')).toContain('shutdown took too long: exiting')
    } finally {
      // The cut run's container is left behind, as after a crash: remove it here rather than wait for a reaper.
      const left = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABELS.worker}=${s.workerId}`] }) })
      await Promise.all(left.map(async c => await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => {})))
    }
  }, 120_000)
})
