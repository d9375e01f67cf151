import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { HostPool } from '../hostpool/host-pool.js'
import { loadHostPoolOptions, type HostPoolOptions } from '../hostpool/host-pool-options.js'
import { HARNESS_PROTOCOL } from '../sandbox/harness-protocol.js'
import { reapLeftovers } from '../sandbox/reaper.js'
import { loadSeccompProfile } from '../sandbox/seccomp-profile.js'
import { DeliveryQueue } from '../delivery/delivery-queue.js'
import type { Config } from '../shared/config/config.js'
import { QUEUE_NAME, type GradingJob } from '../shared/contracts/job-schema.js'
import { SubmissionStore } from '../shared/store/submission-store.js'
import { SubmissionProgress } from '../shared/store/submission-progress.js'
import { MetricsStore } from '../shared/observability/metrics-store.js'
import { HostRegistry } from '../shared/store/host-registry.js'
import { WorkerRegistry } from '../shared/store/worker-registry.js'
import { BatchStore } from '../shared/store/batch-store.js'
import { SandboxSession } from '../sandbox/sandbox-session.js'
import { resolveLimits } from '../shared/config/limits.js'
import type { DockerHost } from '../hostpool/docker-host.js'
import { WarmPool } from '../warmpool/warm-pool.js'
import { loadWarmPoolOptions, type WarmPoolOptions } from '../warmpool/warm-pool-options.js'
import { FairQueue } from '../shared/queue/fair-queue.js'
import { gradingJobOptions } from '../shared/queue/grading-job-options.js'
import { countBatchMember } from './batch-completion.js'
import { FairFeeder } from './fair-feeder.js'
import { ContainerRemovals } from './container-removals.js'
import { createGradeProcessor, INTERNAL_MESSAGE, queueWebhook } from './grade-submission.js'

/** Heartbeats and host views: often enough that ops see a state change within seconds. */
const HEARTBEAT_MS = 2_000
const REAP_INTERVAL_MS = 60_000

export interface RunningWorker {
  pool: HostPool
  warm: WarmPool<DockerHost, SandboxSession>
  /**
   * Resolves once every container removal this worker started has ended and
   * the warm pool holds still (no fill under way, none started until the
   * returned function is called): the worker's containers are then exactly
   * its runs in flight and its ready warm containers.
   */
  quiesce: () => Promise<() => void>
  close: () => Promise<void>
}

/**
 * Starts a worker: probes its Docker hosts, removes leftovers from earlier
 * runs, announces itself (heartbeats with expiry) and takes jobs, as many at
 * once as its hosts have slots.
 *
 * @param redis a connection for the store and heartbeats; BullMQ opens its own
 *   blocking connection from `config.redisUrl`.
 */
export async function startWorker (config: Config, redis: Redis, log: Logger,
  hostPoolOptions: HostPoolOptions = loadHostPoolOptions(), warmPoolOptions: WarmPoolOptions = loadWarmPoolOptions()): Promise<RunningWorker> {
  const hosts = new HostRegistry(redis, config.prefix)
  const metrics = new MetricsStore(redis, config.prefix, { slaMs: config.slaByLane })
  const pool = new HostPool(config.dockerHosts, config.hostConcurrency, hostPoolOptions, log, {
    harnessProtocol: HARNESS_PROTOCOL,
    runtimes: config.runtimes,
    recycled: (host, outcome) => { void metrics.recycled({ host: host.id, ok: outcome.ok }).catch(() => {}) },
    // Held for the whole recycle: the grace for runs in flight, the action, and a margin.
    claimRecycle: async (host) => await hosts.claimRecycle(host.id, config.workerId, hostPoolOptions.recycleClaimMs),
    recycleFinished: async (host) => { await hosts.releaseRecycle(host.id, config.workerId) },
  })
  // Ops controls set before this worker started (drained hosts, concurrency) apply from its first run.
  for (const [id, control] of Object.entries(await hosts.controls())) pool.applyControl(id, control)
  await pool.start()
  const reap = async () => {
    await Promise.all(pool.hosts.filter(h => h.state === 'healthy' || h.state === 'degraded').map(h =>
      reapLeftovers(h.docker, log.child({ host: h.id }), Date.now(), { prefix: config.prefix }).catch((err: Error) => log.warn({ err, host: h.id }, 'reaper failed'))))
  }
  await reap()

  const seccompProfile = loadSeccompProfile(config.seccomp)
  const warm = new WarmPool<DockerHost, SandboxSession>(warmPoolOptions, {
    hosts: () => pool.hosts,
    runtimeFor: (host, image) => pool.runtimeFor(host, image),
    limitsFor: language => resolveLimits(language),
    open: async ({ host, image, runtime, limits }) => {
      const session = await SandboxSession.open(host.docker, {
        image: image.ref, runner: image.runner, limits, workerId: config.workerId, prefix: config.prefix,
        pool: { maxIdleMs: warmPoolOptions.maxIdleMs }, seccompProfile, signal: host.runs.signal, ...(runtime === undefined ? {} : { runtime }),
      }, log.child({ host: host.id, warm: true }))
      try {
        await session.warm(warmPoolOptions.warmTimeoutMs)
        return session
      } catch (err) {
        await session.close()
        throw err
      }
    },
    log: log.child({ component: 'warm-pool' }),
  })
  const removals = new ContainerRemovals()
  const store = new SubmissionStore(redis, config.prefix, config.resultTtlS)
  const registry = new WorkerRegistry(redis, config.prefix)
  const beat = async () => {
    await Promise.all([
      registry.publish({ workerId: config.workerId, languages: pool.languages(), usableHosts: pool.usableHosts() }),
      hosts.publishViews(config.workerId, pool.views(config.workerId).map(v => warm.enabled ? { ...v, pool: warm.stats(v.id) } : v)),
    ]).catch((err: Error) => log.warn({ err }, 'heartbeat failed'))
  }
  await beat()

  let worker: Worker<GradingJob> | undefined
  let feeder: FairFeeder | undefined
  const fair = new FairQueue(redis, config.prefix)
  // Ops changes reach every worker at once over pub/sub (a subscriber needs its own connection);
  // so do the API's wake-ups of the fair queue.
  const subscriber = new Redis(config.redisUrl, { maxRetriesPerRequest: null })
  subscriber.on('error', (err: Error) => log.warn({ err }, 'host events connection error'))
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === fair.wakeChannel) {
      feeder?.kick()
      return
    }
    void (async () => {
      const event = JSON.parse(message) as { hostId: string, action?: string }
      const host = pool.get(event.hostId)
      if (host === undefined) return
      if (event.action === 'recycle') {
        await pool.recycle(host, 'ops')
      } else {
        const control = (await hosts.controls())[event.hostId]
        if (control) pool.applyControl(event.hostId, control)
        // Take as many jobs at once as the hosts now have slots.
        if (worker !== undefined) worker.concurrency = Math.max(1, pool.capacity + pool.reserve)
        feeder?.kick()
      }
      await beat()
    })().catch((err: Error) => log.warn({ err, message }, 'host event failed'))
  })
  await subscriber.subscribe(hosts.channel, fair.wakeChannel)
  const timers = [setInterval(() => { void beat() }, HEARTBEAT_MS), setInterval(() => { void reap() }, REAP_INTERVAL_MS)]
  for (const t of timers) t.unref()

  const progress = new SubmissionProgress(redis, config.prefix, config.resultTtlS)
  const batches = new BatchStore(redis, config.prefix, config.resultTtlS)
  const deliveries = DeliveryQueue.open(redis, config)
  const grade = createGradeProcessor({
    pool, metrics, store, workerId: config.workerId, log, seccompProfile, prefix: config.prefix, progress, batches, deliveries, warm, removals,
  })
  // Runs in flight on this worker (and of them, the interactive lane's): the feeder moves a job
  // from the fair queue only into a free slot, counted as the hosts count theirs (DockerHost.hasRoomFor).
  let inFlight = 0
  let interactiveInFlight = 0
  const processor: typeof grade = async job => {
    const interactive = job.data.lane === 'interactive'
    inFlight++
    if (interactive) interactiveInFlight++
    feeder?.kick()
    try {
      return await grade(job)
    } finally {
      inFlight--
      if (interactive) interactiveInFlight--
      feeder?.kick()
    }
  }
  worker = new Worker<GradingJob>(QUEUE_NAME, processor, {
    // BullMQ blocks on this connection: it must retry forever rather than fail commands.
    connection: new Redis(config.redisUrl, { maxRetriesPerRequest: null }),
    prefix: config.prefix,
    // the interactive reserve too: the feeder lets only interactive jobs past the shared slots
    concurrency: Math.max(1, pool.capacity + pool.reserve),
    // A dead worker's job is handed to another one after about this long (BullMQ's stalled check).
    lockDuration: config.jobLockMs,
    stalledInterval: config.jobLockMs,
    maxStalledCount: 2,
  })
  worker.on('error', err => log.warn({ err }, 'queue worker error'))
  // A job BullMQ gives up on without our processor finishing it (its worker died mid-run more
  // often than maxStalledCount) must still end: once, as ours, never left `running` for ever.
  worker.on('failed', (job, err) => {
    if (job === undefined) return
    const final = /stalled/i.test(err.message) || job.attemptsMade >= (job.opts.attempts ?? 1)
    if (!final) return
    void store.complete(job.data.submissionId, {
      status: 'error', reason: 'internal', message: INTERNAL_MESSAGE, tests: [], durationMs: 0, attempts: job.attemptsMade,
    }).then(async first => {
      if (first) log.error({ err, submissionId: job.data.submissionId }, 'job given up by the queue: completed as internal')
      if (first) await countBatchMember({ batches, store, deliveries, log }, job.data)
      await queueWebhook({ store, deliveries }, job.data.submissionId)
    }).catch((e: Error) => log.warn({ err: e }, 'could not complete a job the queue gave up'))
  })
  await worker.waitUntilReady()
  // Adds on the command connection: a Queue does not block, and leaves a connection it was given open.
  const grading = new Queue<GradingJob>(QUEUE_NAME, { connection: redis, prefix: config.prefix })
  feeder = new FairFeeder({
    fair,
    grading,
    jobOptions: job => gradingJobOptions(config, job.submissionId),
    freeSlots: () => pool.capacity - (inFlight - Math.min(interactiveInFlight, pool.reserve)),
    freeSlotsForInteractive: () => pool.capacity + pool.reserve - inFlight,
    stillWanted: async id => {
      const submission = await store.get(id)
      return submission !== null && submission.state !== 'done'
    },
    log: log.child({ component: 'fair-feeder' }),
  })
  feeder.start()
  warm.start()
  log.info({ workerId: config.workerId, hosts: pool.hosts.map(h => h.id), languages: pool.languages(), capacity: pool.capacity }, 'worker ready')

  let closing: Promise<void> | undefined
  return {
    pool,
    warm,
    quiesce: async () => {
      await removals.settled()
      await warm.pause()
      await removals.settled()
      return () => { warm.resume() }
    },
    close: () => {
      closing ??= (async () => {
        for (const t of timers) clearInterval(t)
        // No job leaves the fair queue for a worker that is going away: another worker's feeder takes it.
        await feeder.stop()
        // Let runs in flight finish: their containers are removed by the runs themselves.
        await worker.close().catch((err: Error) => log.warn({ err }, 'worker close failed'))
        // The last runs' containers, then the warm ones.
        await grading.close().catch(() => {})
        await removals.settled()
        await warm.stop()
        await deliveries.close().catch((err: Error) => log.warn({ err }, 'delivery queue close failed'))
        pool.stop()
        await subscriber.quit().catch(() => {})
        await registry.remove(config.workerId).catch(() => {})
        await hosts.removeViews(config.workerId).catch(() => {})
      })()
      return closing
    },
  }
}

/**
 * A worker with a Redis connection of its own, as a process runs it (alone, or
 * beside the API in `npm start`); `close` stops the worker, then the connection.
 */
export async function startWorkerProcess (config: Config, log: Logger): Promise<RunningWorker> {
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 })
  redis.on('error', (err: Error) => log.warn({ err }, 'redis connection error'))
  const worker = await startWorker(config, redis, log)
  return {
    ...worker,
    close: async () => {
      await worker.close()
      await redis.quit()
    },
  }
}
