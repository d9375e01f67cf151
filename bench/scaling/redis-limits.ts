/**
 * What one Redis and one BullMQ queue can carry, measured on the real Redis the bench
 * provisions: how fast jobs shaped like ours go in (Queue.add, one at a time and many at
 * once, and addBulk), how fast a worker loop with a no-op processor takes them out, what
 * Redis's single thread spends per job, and the memory a queued submission holds (its
 * record, its files and its job, through the real API).
 */
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { resolveLimits } from '../../services/shared/config/limits.js'
import { QUEUE_NAME, type GradingJob } from '../../services/shared/contracts/job-schema.js'
import { WorkerRegistry } from '../../services/shared/store/worker-registry.js'
import { scanKeys } from '../../services/shared/store/redis-keys.js'
import { startTestGrader } from '../../test/helpers/grader.js'
import { keysMemoryBytes, readCounters } from './redis-info.js'
import { TRIVIAL_SUBMISSION } from './trivial-submission.js'

/** One way of putting jobs in or taking them out, and what it reached. */
export interface QueueRate {
  /** e.g. `add, 1 in flight`. */
  mode: string
  jobs: number
  jobsPerS: number
  /** Redis's CPU per job over the stretch, in µs (its one thread: 1e6 / this is its ceiling). */
  redisCpuUsPerJob: number
}

export interface RedisLimits {
  redisVersion: string
  /** Jobs in the queue measured (each mode). */
  jobs: number
  adds: QueueRate[]
  takes: QueueRate[]
  /** used_memory growth per waiting job, in bytes: the job alone, put on the queue directly. */
  bytesPerQueuedJob: number
  /** Through POST /v1/submissions with no worker: the record, its files and its job. */
  submission: {
    submissions: number
    /** used_memory growth per submission, in bytes. */
    usedMemoryBytesPer: number
    /** Sum of MEMORY USAGE over the grader's keys, per submission, in bytes. */
    keyBytesPer: number
    /** {@link keyBytesPer} by kind of key (submission, its files, the job, the queue's lists and event stream). */
    keyBytesPerByKind: Record<string, number>
    /** Keys the grader holds per queued submission. */
    keysPer: number
    /** Bytes of the JSON body posted (the submission's own size). */
    bodyBytes: number
  }
}

/** A job as the API makes it (accept-submission.ts), for the trivial submission. */
export function gradingJob (submissionId: string): GradingJob {
  return {
    submissionId,
    language: TRIVIAL_SUBMISSION.language,
    files: { ...TRIVIAL_SUBMISSION.files },
    tests: { ...TRIVIAL_SUBMISSION.tests },
    limits: resolveLimits(TRIVIAL_SUBMISSION.language),
    enqueuedAt: Date.now(),
  }
}

/** The options accept-submission.ts gives each job (jobId = submission id, retries, removal). */
const JOB_OPTIONS = { attempts: 2, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: { count: 1000, age: 3600 } } as const

export async function measureRedisLimits (redisUrl: string, jobs: number, onProgress: (line: string) => void = () => {}): Promise<RedisLimits> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 })
  try {
    const adds: QueueRate[] = []
    const takes: QueueRate[] = []
    let bytesPerQueuedJob = NaN
    let version = 'unknown'
    for (const [mode, inFlight, bulk] of [['add, 1 in flight', 1, 0], ['add, 32 in flight', 32, 0], ['addBulk of 100', 1, 100]] as const) {
      const prefix = `scaling-${randomUUID().slice(0, 8)}`
      const queue = new Queue<GradingJob>(QUEUE_NAME, { connection: redis, prefix })
      try {
        await queue.waitUntilReady()
        const before = await readCounters(redis)
        version = before.version
        const t0 = performance.now()
        if (bulk > 0) {
          for (let i = 0; i < jobs; i += bulk) {
            const ids = Array.from({ length: Math.min(bulk, jobs - i) }, () => randomUUID())
            await queue.addBulk(ids.map(id => ({ name: 'grade', data: gradingJob(id), opts: { ...JOB_OPTIONS, jobId: id } })))
          }
        } else {
          await inLanes(jobs, inFlight, async () => { const id = randomUUID(); await queue.add('grade', gradingJob(id), { ...JOB_OPTIONS, jobId: id }) })
        }
        const elapsedS = (performance.now() - t0) / 1000
        const after = await readCounters(redis)
        adds.push({ mode, jobs, jobsPerS: jobs / elapsedS, redisCpuUsPerJob: (after.cpuUs - before.cpuUs) / jobs })
        if (inFlight === 1 && bulk === 0) bytesPerQueuedJob = (after.usedMemoryBytes - before.usedMemoryBytes) / jobs
        onProgress(`  ${mode}: ${Math.round(jobs / elapsedS)} jobs/s`)

        // The same jobs taken out: a worker loop whose processor does nothing, at two concurrencies.
        if (bulk === 0) {
          const concurrency = inFlight === 1 ? 1 : 32
          takes.push(await drain(redisUrl, redis, prefix, jobs, concurrency))
          onProgress(`  take, concurrency ${concurrency}: ${Math.round(takes.at(-1)!.jobsPerS)} jobs/s`)
        }
      } finally {
        await queue.obliterate({ force: true }).catch(() => {})
        await queue.close()
        const left = await scanKeys(redis, `${prefix}:*`)
        if (left.length > 0) await redis.del(...left)
      }
    }
    const submission = await measureSubmissionMemory(redis, Math.min(jobs, 500))
    onProgress(`  memory per queued submission: ${Math.round(submission.usedMemoryBytesPer)} B (used_memory), ${Math.round(submission.keyBytesPer)} B (its keys)`)
    return { redisVersion: version, jobs, adds, takes, bytesPerQueuedJob, submission }
  } finally {
    await redis.quit()
  }
}

/** Takes `jobs` waiting jobs of the queue under `prefix` with a no-op processor, timed from the first to the last. */
async function drain (redisUrl: string, redis: Redis, prefix: string, jobs: number, concurrency: number): Promise<QueueRate> {
  let done = 0
  let finish!: () => void
  const all = new Promise<void>(resolve => { finish = resolve })
  const before = await readCounters(redis)
  const t0 = performance.now()
  const worker = new Worker<GradingJob>(QUEUE_NAME, async () => {}, {
    connection: new Redis(redisUrl, { maxRetriesPerRequest: null }), prefix, concurrency,
  })
  worker.on('completed', () => { if (++done === jobs) finish() })
  try {
    await all
    const elapsedS = (performance.now() - t0) / 1000
    const after = await readCounters(redis)
    return { mode: `take, concurrency ${concurrency}`, jobs, jobsPerS: jobs / elapsedS, redisCpuUsPerJob: (after.cpuUs - before.cpuUs) / jobs }
  } finally {
    await worker.close()
    await (worker.opts.connection as Redis).quit().catch(() => {})
  }
}

/**
 * POSTs `count` trivial submissions to a grader whose worker is not running, so all stay
 * queued, and compares Redis before and after. A heartbeat stands in for the absent worker
 * (the API refuses a language no live worker announces); it is written before the first
 * reading, so it is not counted.
 */
async function measureSubmissionMemory (redis: Redis, count: number): Promise<RedisLimits['submission']> {
  const grader = await startTestGrader({ GRADER_QUEUE_MAX: String(count + 10) }, { worker: false })
  try {
    await new WorkerRegistry(redis, grader.config.prefix, 600_000).publish({ workerId: 'scaling-memory', languages: ['python'], usableHosts: 1 })
    // One submission first: the queue's own keys (meta, events stream) are then made, and not counted.
    await post(grader.request, 1)
    const before = await readCounters(redis)
    const keysBefore = await keysMemoryBytes(redis, grader.config.prefix)
    await post(grader.request, count)
    const after = await readCounters(redis)
    const keysAfter = await keysMemoryBytes(redis, grader.config.prefix)
    return {
      submissions: count,
      usedMemoryBytesPer: (after.usedMemoryBytes - before.usedMemoryBytes) / count,
      keyBytesPer: (keysAfter.bytes - keysBefore.bytes) / count,
      keysPer: (keysAfter.keys - keysBefore.keys) / count,
      keyBytesPerByKind: Object.fromEntries(Object.entries(keysAfter.byKind)
        .map(([kind, bytes]) => [kind, (bytes - (keysBefore.byKind[kind] ?? 0)) / count])
        .filter(([, per]) => (per as number) > 0)),
      bodyBytes: Buffer.byteLength(JSON.stringify(TRIVIAL_SUBMISSION)),
    }
  } finally {
    await grader.close()
  }
}

async function post (request: Awaited<ReturnType<typeof startTestGrader>>['request'], count: number): Promise<void> {
  await inLanes(count, 8, async () => {
    const res = await request('/v1/submissions', { method: 'POST', body: JSON.stringify(TRIVIAL_SUBMISSION) })
    if (res.status !== 202) throw new Error(`POST /v1/submissions answered ${res.status}: ${await res.text()}`)
  })
}

/** `count` calls of `once`, `lanes` at a time. */
async function inLanes (count: number, lanes: number, once: () => Promise<void>): Promise<void> {
  let started = 0
  await Promise.all(Array.from({ length: Math.min(lanes, count) }, async () => {
    while (started < count) { started++; await once() }
  }))
}
