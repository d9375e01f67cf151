import { EventEmitter } from 'node:events'
import type { Queue } from 'bullmq'
import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { Registry } from 'prom-client'
import { buildApp, type ApiDeps } from '../../../services/api/app.js'
import type { CollectTests } from '../../../services/api/suite-collector.js'
import { loadConfig } from '../../../services/shared/config/config.js'
import type { Challenge, ChallengeRequest } from '../../../services/shared/contracts/challenge-schema.js'
import type { GradingJob } from '../../../services/shared/contracts/job-schema.js'
import type { Submission } from '../../../services/shared/contracts/submission-schema.js'
import type { ChallengeStore, FeedbackDecision } from '../../../services/shared/store/challenge-store.js'
import type { HostRegistry } from '../../../services/shared/store/host-registry.js'
import type { SubmissionStore } from '../../../services/shared/store/submission-store.js'
import type { WorkerRegistry } from '../../../services/shared/store/worker-registry.js'
import type { ApiKeyStore } from '../../../services/shared/store/api-key-store.js'
import type { TenantStore } from '../../../services/shared/store/tenant-store.js'
import type { FairQueue } from '../../../services/shared/queue/fair-queue.js'
import { BOOTSTRAP_TENANT } from '../../../services/shared/contracts/vocabulary.js'

/** The key the fake app accepts. */
export const FAKE_API_KEY = 'unit-key-0123456789'
export const FAKE_AUTH = { authorization: `Bearer ${FAKE_API_KEY}` } as const

/**
 * `GRADER_SLA_MS` of fake apps: no lane has an SLA, as admission reads the
 * pool's state from Redis, which a fake app has not (admission is tested
 * against real Redis: test/integration/api/capacity.test.ts).
 */
export const NO_SLA = 'exam=off,interactive=off,practice=off,regrade=off'

/** What a fake app recorded: submissions stored and jobs queued. */
export interface FakeApp {
  app: FastifyInstance
  stored: Map<string, Submission>
  queued: GradingJob[]
  /** Challenge versions stored, by id then version (insertion order = creation order). */
  challenges: Map<string, Map<string, Challenge>>
  close (): Promise<void>
}

/**
 * Builds the real API on in-memory fakes of its Redis-backed dependencies, so
 * routes can be unit-tested through `app.inject()` with nothing provisioned.
 * Only the calls the submission routes make are faked; a worker that grades
 * python is always "alive" and the queue is always empty.
 *
 * @param override replaces built dependencies (e.g. a logger that records lines)
 */
export async function buildFakeApp (override: Partial<ApiDeps> = {}): Promise<FakeApp> {
  const config = loadConfig({ GRADER_API_KEYS: FAKE_API_KEY, LOG_LEVEL: 'silent', GRADER_SLA_MS: NO_SLA })
  const stored = new Map<string, Submission>()
  const queued: GradingJob[] = []
  const store = {
    doneChannel: 'unit:submission-done',
    async create (submission: Submission) {
      // what the real store writes to Redis, so a value it could not write fails here too
      stored.set(submission.id, JSON.parse(JSON.stringify(submission)) as Submission)
    },
    async get (id: string) { return stored.get(id) ?? null },
    async remove (id: string) { stored.delete(id) },
  }
  const queue = {
    async add (_name: string, job: GradingJob) {
      // BullMQ serialises the job as JSON too
      queued.push(JSON.parse(JSON.stringify(job)) as GradingJob)
      return { id: job.submissionId }
    },
    async getJobCountByTypes () { return 0 },
    async getJobCounts () { return { waiting: 0, prioritized: 0, active: 0, delayed: 0, failed: 0 } },
    // what bull-board's BullMQ adapter (under /ops/queues) checks a queue by
    metaValues: { version: 'bullmq:fake' },
    name: 'grading',
  }
  // accepted jobs wait here for a worker's slot: recorded in `queued` as the queue's are
  const fair = {
    async add (job: GradingJob) { queued.push(JSON.parse(JSON.stringify(job)) as GradingJob) },
    async depths () { return [] },
    async remove () { return false },
  }
  const challenges = new Map<string, Map<string, Challenge>>()
  const latest = new Map<string, string>()
  const feedback = new Map<string, number[]>()
  const challengeStore = {
    // one tenant only: the bootstrap one, whose keys the fake app accepts
    inTenant () { return challengeStore },
    async put (id: string, version: string, body: ChallengeRequest, now = new Date()) {
      const versions = challenges.get(id) ?? new Map<string, Challenge>()
      challenges.set(id, versions)
      if (!versions.has(version)) versions.set(version, JSON.parse(JSON.stringify({ id, version, createdAt: now.toISOString(), ...body })) as Challenge)
      latest.set(id, version)
      return versions.get(version) as Challenge
    },
    async get (id: string, version?: string) {
      const wanted = version ?? latest.get(id)
      return wanted === undefined ? null : challenges.get(id)?.get(wanted) ?? null
    },
    async versions (id: string) {
      return [...(challenges.get(id)?.values() ?? [])].map(c => ({ version: c.version, createdAt: c.createdAt }))
    },
    async remove (id: string) {
      latest.delete(id)
      return challenges.delete(id)
    },
    // the same sliding window as the Lua script of the real store
    async takeFeedback (challengeId: string, student: string, budget: { max: number, windowS: number }, _member: string, nowMs = Date.now()): Promise<FeedbackDecision> {
      const windowMs = budget.windowS * 1000
      const key = `${challengeId}:${student}`
      const times = (feedback.get(key) ?? []).filter(t => t > nowMs - windowMs)
      feedback.set(key, times)
      if (times.length >= budget.max) return { admitted: false, retryAfterS: Math.max(1, Math.ceil(((times[0] as number) + windowMs - nowMs) / 1000)) }
      times.push(nowMs)
      return { admitted: true }
    },
  }
  const subscriber = Object.assign(new EventEmitter(), {
    async subscribe () { return 1 },
    async unsubscribe () { return 0 },
  })
  const deps: ApiDeps = {
    config,
    collectTests: fakeCollectTests,
    store: store as unknown as SubmissionStore,
    queue: queue as unknown as Queue<GradingJob>,
    fair: fair as unknown as FairQueue,
    // defineCommand: the rate limits' Redis store defines its script when the app is built
    // (the bootstrap tenant has no limit, so the script is never run here)
    redis: { async ping () { return 'PONG' }, defineCommand () {} } as unknown as Redis,
    subscriber,
    registry: { async languages () { return new Set(['python']) }, async list () { return [] } } as unknown as WorkerRegistry,
    challenges: challengeStore as unknown as ChallengeStore,
    hosts: { async views () { return [] }, async controls () { return {} } } as unknown as HostRegistry,
    tenants: { async get (id: string) { return id === BOOTSTRAP_TENANT ? { id, name: id, weight: 1, createdAt: new Date(0).toISOString() } : null } } as unknown as TenantStore,
    apiKeys: { async find () { return null } } as unknown as ApiKeyStore,
    metricsRegistry: new Registry(),
    logger: { level: 'silent' },
    ...override,
  }
  const app = await buildApp(deps)
  await app.ready()
  return { app, stored, queued, challenges, close: async () => { await app.close() } }
}

/** A body the fake app accepts. */
export function goodSubmission (overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    language: 'python',
    files: { 'solution.py': 'def add(a, b):\n    return a + b\n' },
    tests: { 'test_solution.py': 'from solution import add\n\ndef test_add():\n    assert add(1, 1) == 2\n' },
    ...overrides,
  }
}

/**
 * Stands in for pytest's collection (the `collectTests` seam): the ids of the
 * top-level `def test…` functions of each `test_*.py` file, in file order.
 * The real one runs pytest in a grading container (integration tests).
 */
export const fakeCollectTests: CollectTests = async ({ tests }) => {
  const ids: string[] = []
  for (const [path, text] of Object.entries(tests)) {
    if (!/(^|\/)test_[^/]*\.py$/.test(path)) continue
    for (const match of text.matchAll(/^def (test\w*)\(/gm)) ids.push(`${path}::${match[1] as string}`)
  }
  return ids.length > 0 ? { ok: true, tests: ids } : { ok: false, problem: 'the suite defines no test' }
}
