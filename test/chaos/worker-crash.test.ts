// A worker process killed (SIGKILL) in the middle of a run: the submission is
// taken over by another worker, graded once as the client sees it, and the
// dead worker's container is removed by the reaper.
import { spawn, type ChildProcess } from 'node:child_process'
import Docker from 'dockerode'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { LEFTOVER_AGE_MS, reapLeftovers } from '../../services/sandbox/reaper.js'
import { loadConfig } from '../../services/shared/config/config.js'
import { loadWarmPoolOptions } from '../../services/warmpool/warm-pool-options.js'
import { startWorker, type RunningWorker } from '../../services/worker/start-worker.js'
import { ADD_TESTS } from '../fixtures/python/add.js'
import { python, startTestGrader, type TestGrader } from '../helpers/grader.js'

const ROOT = new URL('../../', import.meta.url).pathname
const LOCK_MS = '2000'
const CRASHY = `crashy-worker-${process.pid}`

let grader: TestGrader | undefined
let child: ChildProcess | undefined
let rescuer: RunningWorker | undefined
let redis: Redis | undefined
afterAll(async () => {
  child?.kill('SIGKILL')
  await rescuer?.close()
  await redis?.quit()
  await grader?.close()
})

async function until<T> (what: string, check: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`)
    await new Promise(r => setTimeout(r, 100))
  }
}

describe('a worker that dies mid-run', () => {
  it('loses nothing: another worker grades the submission once, and the reaper removes the dead run', async () => {
    grader = await startTestGrader({ GRADER_JOB_LOCK_MS: LOCK_MS }, { worker: false })
    const { prefix } = grader.config
    const docker = new Docker()

    // The worker about to die runs in its own process, as in production.
    child = spawn(process.execPath, ['--import', 'tsx', 'services/worker/server.ts'], {
      cwd: ROOT,
      env: { ...process.env, GRADER_PREFIX: prefix, GRADER_WORKER_ID: CRASHY, GRADER_JOB_LOCK_MS: LOCK_MS, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    })
    await until('the child worker announces itself', async () => (await (await grader!.request('/readyz', { key: null })).status) === 200, 30_000)

    // Heard by every API process: count how often the submission is completed.
    redis = new Redis(grader.config.redisUrl)
    const listener = redis.duplicate()
    let completions = 0
    listener.on('message', () => { completions++ })
    await listener.subscribe(`${prefix}:submission-done`)

    const { id } = await grader.client.submit(python('import time\n\ndef add(a, b):\n    time.sleep(2)\n    return a + b\n', ADD_TESTS))
    const running = await until('its run is under way on the child worker', async () => {
      // a cold container carries the submission's label; a warm one is named after it when taken
      const found = await docker.listContainers({ filters: JSON.stringify({ label: [`grader.worker=${CRASHY}`] }) })
      return found.find(c => c.Labels['grader.submission'] === id || c.Names.includes(`/grader-${id}`))
    }, 30_000)
    child.kill('SIGKILL')

    // A worker that is alive takes the stalled job over.
    const config = loadConfig({ ...process.env, GRADER_PREFIX: prefix, GRADER_WORKER_ID: `rescuer-${process.pid}`, GRADER_JOB_LOCK_MS: LOCK_MS })
    rescuer = await startWorker(config, redis, pino({ level: 'silent' }))
    const done = await grader.client.wait(id, { timeoutMs: 60_000 })
    expect(done.result?.status, JSON.stringify(done.result)).toBe('pass')
    await new Promise(r => setTimeout(r, 500))
    expect(completions).toBe(1)
    await listener.quit()

    // The dead worker's containers are leftovers: the reaper removes them, its run's and its warm
    // ones (run as if their deadlines had passed: a warm container's covers its idle time too).
    await reapLeftovers(docker, pino({ level: 'silent' }), Date.now() + LEFTOVER_AGE_MS + loadWarmPoolOptions().maxIdleMs + 1000)
    const left = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`grader.worker=${CRASHY}`] }) })
    expect(left.map(c => c.Id)).not.toContain(running.Id)
    expect(left).toEqual([])
  })
})
