import { randomUUID } from 'node:crypto'
import Docker from 'dockerode'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { GraderClient } from '../../clients/typescript/index.js'
import { startApi } from '../../services/api/start-api.js'
import { LABELS } from '../../services/sandbox/container-spec.js'
import { loadConfig, type Config } from '../../services/shared/config/config.js'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { loadHostPoolOptions } from '../../services/hostpool/host-pool-options.js'
import { loadWarmPoolOptions } from '../../services/warmpool/warm-pool-options.js'
import { startWorker, type RunningWorker } from '../../services/worker/start-worker.js'
import { scanKeys } from '../../services/shared/store/redis-keys.js'
import { FairQueue } from '../../services/shared/queue/fair-queue.js'

export const TEST_KEY = 'integration-test-key'

export interface TestGrader {
  url: string
  /** The metrics listener: `GET ${metricsUrl}/metrics` needs no key. */
  metricsUrl: string
  config: Config
  /** The in-process worker, unless started with `{ worker: false }`. */
  worker: RunningWorker
  /** POST /v1/submissions?wait=true and return the finished submission. */
  grade: (body: unknown) => Promise<Submission>
  /** Raw request, for status-code checks. */
  request: (path: string, init?: RequestInit & { key?: string | null }) => Promise<Response>
  /** The TypeScript client (clients/typescript) on this grader, with {@link TEST_KEY}. */
  client: GraderClient
  /** Grading containers of this grader still on its Docker hosts. */
  leftovers: () => Promise<Docker.ContainerInfo[]>
  /** The fair queue jobs wait in before BullMQ's `grading` (per tenant and lane). */
  fair: FairQueue
  /** Jobs still in the fair queue: pending in a lane, or picked and not yet in BullMQ. */
  fairLeftovers: () => Promise<number>
  close: () => Promise<void>
}

/**
 * A whole grader (API on a free port + worker) against the test run's real
 * Redis and real Docker engine, under a Redis prefix and worker id of its own.
 * `close` stops it and deletes its keys.
 */
export async function startTestGrader (env: Record<string, string> = {}, opts: { worker?: boolean } = {}): Promise<TestGrader> {
  if (!process.env.REDIS_URL) throw new Error('REDIS_URL is not set: run the tests with `npm test`')
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    // a free port each: graders of parallel test runs must not share the default 9464
    GRADER_METRICS_PORT: '0',
    GRADER_API_KEYS: TEST_KEY,
    GRADER_PREFIX: `test-${randomUUID()}`,
    GRADER_WORKER_ID: `test-worker-${randomUUID()}`,
    GRADER_WAIT_MAX_MS: '120000',
    GRADER_ATTEMPTS: '2',
    // no lane SLA: on a loaded test machine the honest estimate would refuse the submissions of
    // tests about something else; admission has its own tests (capacity.test.ts sets an SLA)
    GRADER_SLA_MS: 'exam=off,interactive=off,practice=off,regrade=off',
    ...env,
  })
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 })
  // Without a worker of its own, the test brings workers (e.g. child processes to kill).
  const worker = opts.worker === false ? null : await startWorker(config, redis, log, loadHostPoolOptions({ ...process.env, ...env }), loadWarmPoolOptions({ ...process.env, ...env }))
  const api = await startApi(config, log)
  const fair = new FairQueue(redis, config.prefix)
  // Ready as a deployment's probe would see it: a worker has announced a usable host. Its first
  // probe can miss on a loaded machine, and a test that PUTs a challenge then would get 503.
  if (worker !== null) await untilReady(api.address)

  const request = async (path: string, init: RequestInit & { key?: string | null } = {}) => {
    const { key = TEST_KEY, ...rest } = init
    const headers = new Headers(rest.headers)
    if (key !== null) headers.set('authorization', `Bearer ${key}`)
    if (rest.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json')
    return await fetch(`${api.address}${path}`, { ...rest, headers })
  }
  const grade = async (body: unknown) => {
    const res = await request('/v1/submissions?wait=true', { method: 'POST', body: JSON.stringify(body) })
    const json = await res.json() as Submission
    if (res.status !== 200) throw new Error(`grading did not finish: ${res.status} ${JSON.stringify(json)}`)
    return json
  }
  const leftovers = async () => {
    if (worker === null) return []
    // Removals the worker runs after a verdict, and warm containers being made, settle first;
    // ready warm containers are the pool's, not leftovers of a run.
    const resume = await worker.quiesce()
    try {
      return await containersLeft(new Set(worker.warm.idleContainerIds()))
    } finally {
      resume()
    }
  }
  const containersLeft = async (warm: Set<string>) => {
    const list = async () => (await Promise.all(worker!.pool.hosts.map(h => h.docker.listContainers({
      all: true, filters: JSON.stringify({ label: [`${LABELS.worker}=${config.workerId}`] }),
    })))).flat().filter(c => !warm.has(c.Id))
    // A container the daemon is still removing ("Removal In Progress") has been removed as far as
    // the grader goes; a loaded daemon may list it a moment longer. Give that a few seconds, then
    // report whatever is still there, removing or not.
    let left = await list()
    for (let i = 0; i < 50 && left.length > 0 && left.every(c => c.State === 'removing'); i++) {
      await new Promise(resolve => setTimeout(resolve, 100))
      left = await list()
    }
    return left
  }
  return {
    url: api.address,
    metricsUrl: api.metricsAddress,
    config,
    // Tests that start without a worker never touch this one.
    worker: worker as RunningWorker,
    grade,
    request,
    client: new GraderClient({ url: api.address, apiKey: TEST_KEY }),
    leftovers,
    fair,
    fairLeftovers: async () => (await fair.depths()).reduce((n, d) => n + d.pending, 0) + await fair.admitting(),
    close: async () => {
      await api.close()
      await worker?.close()
      const keys = await scanKeys(redis, `${config.prefix}:*`)
      if (keys.length > 0) await redis.del(...keys)
      await redis.quit()
    },
  }
}

/** A Python submission: `files` default to one solution.py, tests to one test file. */
export function python (solution: string, tests: string, extra: Record<string, unknown> = {}) {
  return { language: 'python', files: { 'solution.py': solution }, tests: { 'test_solution.py': tests }, ...extra }
}

/** Polls `/readyz` until it answers 200 (a worker announced a usable host), for up to 30 s. */
async function untilReady (address: string): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const res = await fetch(`${address}/readyz`).catch(() => null)
    if (res?.status === 200) return
    if (Date.now() > deadline) throw new Error(`the test grader was not ready within 30 s: ${res === null ? 'no answer' : `${res.status} ${await res.text()}`}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}
