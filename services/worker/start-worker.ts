import { Worker } from 'bullmq'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { HostPool } from '../hostpool/host-pool.js'
import { reapLeftovers } from '../sandbox/reaper.js'
import { loadSeccompProfile } from '../sandbox/seccomp-profile.js'
import type { Config } from '../shared/config/config.js'
import { QUEUE_NAME, type GradingJob } from '../shared/contracts/job-schema.js'
import { SubmissionStore } from '../shared/store/submission-store.js'
import { WorkerRegistry } from '../shared/store/worker-registry.js'
import { createGradeProcessor } from './grade-submission.js'

const HEARTBEAT_MS = 5_000
const REAP_INTERVAL_MS = 60_000

export interface RunningWorker {
  pool: HostPool
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
export async function startWorker (config: Config, redis: Redis, log: Logger): Promise<RunningWorker> {
  const pool = new HostPool(config.dockerHosts, config.hostConcurrency, log)
  await pool.start()
  const reap = async () => {
    await Promise.all(pool.hosts.filter(h => h.reachable).map(h =>
      reapLeftovers(h.docker, log.child({ host: h.id })).catch((err: Error) => log.warn({ err, host: h.id }, 'reaper failed'))))
  }
  await reap()

  const store = new SubmissionStore(redis, config.prefix, config.resultTtlS)
  const registry = new WorkerRegistry(redis, config.prefix)
  const beat = async () => {
    await registry.publish({ workerId: config.workerId, languages: pool.languages(), usableHosts: pool.usableHosts() })
      .catch((err: Error) => log.warn({ err }, 'heartbeat failed'))
  }
  await beat()
  const timers = [setInterval(() => { void beat() }, HEARTBEAT_MS), setInterval(() => { void reap() }, REAP_INTERVAL_MS)]

  const seccompProfile = loadSeccompProfile(config.seccomp)
  const processor = createGradeProcessor({ pool, store, workerId: config.workerId, log, seccompProfile, runtimes: config.runtimes })
  const worker = new Worker<GradingJob>(QUEUE_NAME, processor, {
    // BullMQ blocks on this connection: it must retry forever rather than fail commands.
    connection: new Redis(config.redisUrl, { maxRetriesPerRequest: null }),
    prefix: config.prefix,
    concurrency: pool.capacity,
  })
  worker.on('error', err => log.warn({ err }, 'queue worker error'))
  await worker.waitUntilReady()
  log.info({ workerId: config.workerId, hosts: pool.hosts.map(h => h.id), languages: pool.languages(), capacity: pool.capacity }, 'worker ready')

  let closing: Promise<void> | undefined
  return {
    pool,
    close: () => {
      closing ??= (async () => {
        for (const t of timers) clearInterval(t)
        // Let runs in flight finish: their containers are removed by the runs themselves.
        await worker.close().catch((err: Error) => log.warn({ err }, 'worker close failed'))
        pool.stop()
        await registry.remove(config.workerId).catch(() => {})
      })()
      return closing
    },
  }
}
