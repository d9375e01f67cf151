import { randomUUID } from 'node:crypto'
import { Queue } from 'bullmq'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { buildApp, type ApiDeps } from '../../../services/api/app.js'
import { loadConfig, type Config } from '../../../services/shared/config/config.js'
import { QUEUE_NAME, type GradingJob } from '../../../services/shared/contracts/job-schema.js'
import { HostRegistry, type HostView } from '../../../services/shared/store/host-registry.js'
import { SubmissionStore } from '../../../services/shared/store/submission-store.js'
import { WorkerRegistry } from '../../../services/shared/store/worker-registry.js'
import { scanKeys } from '../../../services/shared/store/redis-keys.js'
import { FairQueue } from '../../../services/shared/queue/fair-queue.js'

/** The key every test app accepts, besides {@link OTHER_KEY}. */
export const API_KEY = 'test-key-0123456789'
export const OTHER_KEY = 'second-key-abcdef'
export const AUTH = { authorization: `Bearer ${API_KEY}` } as const

/** Jobs waiting anywhere: in the fair queue (every tenant and lane) or in BullMQ (`count`: waiting, prioritized, delayed). */
export async function jobsWaiting (t: TestApp): Promise<number> {
  const fair = await t.deps.fair!.depths()
  return await t.deps.queue.count() + fair.reduce((sum, d) => sum + d.pending, 0)
}

/** Redis of the test run: the test runner exports REDIS_URL. */
export function redisUrl (): string {
  const url = process.env.REDIS_URL
  if (url === undefined || url === '') {
    throw new Error("REDIS_URL is not set: run `redis-server --port 6399 --save '' --appendonly no --daemonize yes` and export REDIS_URL=redis://127.0.0.1:6399")
  }
  return url
}

export interface TestApp {
  app: FastifyInstance
  deps: ApiDeps
  config: Config
  /** Closes the app and every connection, and deletes every key under the prefix. */
  close (): Promise<void>
}

/**
 * Builds the API against the real Redis of the test run, under a prefix of
 * its own so test files never see each other's queue or submissions.
 *
 * @param env extra environment for `loadConfig` (e.g. `GRADER_QUEUE_MAX`)
 * @param override replaces built dependencies (e.g. a store on a dead Redis)
 */
export async function buildTestApp (env: Record<string, string> = {}, override: Partial<ApiDeps> = {}): Promise<TestApp> {
  const config = loadConfig({
    REDIS_URL: redisUrl(),
    GRADER_API_KEYS: `${API_KEY},${OTHER_KEY}`,
    GRADER_PREFIX: `test-api-${randomUUID()}`,
    LOG_LEVEL: 'silent',
    // no lane has an SLA, so no submission is refused for capacity: these apps have no
    // Docker host (stand-in workers), and admission is tested with real ones (capacity.test.ts)
    GRADER_SLA_MS: 'exam=off,interactive=off,practice=off,regrade=off',
    ...env,
  })
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 })
  const subscriber = new Redis(config.redisUrl)
  const queue = new Queue<GradingJob>(QUEUE_NAME, { connection: redis, prefix: config.prefix })
  // BullMQ writes the queue's meta key just after it is ready; let that write
  // go out first, or it may land after close() cleaned up and leak a key
  await queue.waitUntilReady()
  await new Promise(resolve => setImmediate(resolve))
  await redis.ping()
  const deps = {
    config,
    redis,
    subscriber,
    queue,
    store: new SubmissionStore(redis, config.prefix, config.resultTtlS),
    registry: new WorkerRegistry(redis, config.prefix),
    hosts: new HostRegistry(redis, config.prefix),
    fair: new FairQueue(redis, config.prefix),
    logger: { level: 'silent' },
    ...override,
  }
  const app = await buildApp(deps)
  await app.ready()

  const close = async (): Promise<void> => {
    await app.close()
    await queue.obliterate({ force: true })
    await queue.close()
    const keys = await scanKeys(redis, `${config.prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
    await Promise.all([redis.quit(), subscriber.quit()])
  }
  return { app, deps, config, close }
}

/** A Redis client on a port nothing listens on, failing every command at once. */
export function deadRedis (): Redis {
  const redis = new Redis('redis://127.0.0.1:1', {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  // the refused connection is the point of this client: keep it out of the test output
  redis.on('error', () => {})
  return redis
}

/** A body the API accepts once a worker announces python. */
export function validSubmission (overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    language: 'python',
    files: { 'solution.py': 'def add(a, b):\n    return a + b\n' },
    tests: { 'test_solution.py': 'from solution import add\n\ndef test_add():\n    assert add(1, 1) == 2\n' },
    ...overrides,
  }
}

/** A key accepted on every route, the host routes included, when a test sets `GRADER_ADMIN_KEYS: ADMIN_KEY`. */
export const ADMIN_KEY = 'admin-key-fedcba9876'

/** A host as a worker would publish it; `overrides` change any field. */
export function hostView (overrides: Partial<HostView> = {}): HostView {
  return {
    id: 'dock-1',
    endpoint: 'tcp://10.0.0.1:2376',
    state: 'healthy',
    draining: false,
    concurrency: 2,
    inFlight: 1,
    latencyMs: { p50: 12, p95: 40 },
    images: ['python'],
    worker: 'worker-a',
    lastRecycleAt: null,
    errors: 0,
    lastError: null,
    ...overrides,
  }
}
