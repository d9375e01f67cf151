/**
 * A grader for the bench: `services/main.ts` (what `npm start` runs: API and
 * worker in one process) as a child process with an environment of its own.
 * A process apart, not in the bench's own event loop, so the load generator's
 * timers do not compete with the grader's work.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { GraderTarget } from './grader-http.js'

export interface GraderProcess extends GraderTarget {
  /** The environment the grader was started with, minus the inherited one (for the record). */
  env: Record<string, string>
  stop: () => Promise<void>
}

/** A free loopback port: bound to 0, read, released. */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address()
      server.close(() => { typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port')) })
    })
  })
}

/**
 * Starts a grader against the bench's Redis (REDIS_URL, from scripts/bench.mjs)
 * with `env` on top (e.g. GRADER_POOL_SIZE), and waits until `/readyz` says a
 * worker has a usable host. `stop` sends SIGTERM and waits for the exit.
 */
export async function startGraderProcess (root: string, env: Record<string, string>, opts: { readyTimeoutMs?: number } = {}): Promise<GraderProcess> {
  const port = await freePort()
  const key = `bench-${randomUUID()}`
  const own: Record<string, string> = {
    HOST: '127.0.0.1',
    PORT: String(port),
    // a free port: a grader already running on this machine holds the default 9464
    GRADER_METRICS_PORT: '0',
    GRADER_API_KEYS: key,
    // Keys and containers of their own: a bench never touches a running deployment's.
    GRADER_PREFIX: `bench-${randomUUID().slice(0, 8)}`,
    GRADER_WORKER_ID: `bench-worker-${randomUUID().slice(0, 8)}`,
    GRADER_WAIT_MAX_MS: '120000',
    LOG_LEVEL: 'warn',
    ...env,
  }
  const inherited = { ...process.env }
  // The pool size is the caller's choice alone (absent: the grader's default).
  delete inherited.GRADER_POOL_SIZE
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(root, 'services/main.ts')], {
    cwd: root,
    // An IPC channel: if the bench dies, the channel closes and the grader stops too.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...inherited, ...own },
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000) })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  let gone = false
  void exited.then(() => { gone = true })

  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000)
  for (;;) {
    if (gone) throw new Error(`the grader exited before it was ready: ${stderr.trim().slice(-1500)}`)
    const res = await fetch(`${url}/readyz`).catch(() => null)
    if (res?.status === 200) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the grader was not ready within ${opts.readyTimeoutMs ?? 60_000} ms: ${stderr.trim().slice(-1500)}`)
    }
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  const { GRADER_API_KEYS: _k, ...shown } = own
  return {
    url,
    key,
    env: shown,
    stop: async () => {
      if (gone) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      await exited
      clearTimeout(timer)
    },
  }
}
