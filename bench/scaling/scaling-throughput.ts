/**
 * One configuration of the scaling benchmark: a grader (API and worker in this process,
 * test/helpers/grader.ts) on N hosts whose shares add up to the same total, driven in a
 * closed loop with more submissions in flight than it has slots, so it runs saturated.
 */
import { availableParallelism } from 'node:os'
import { basename } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Redis } from 'ioredis'
import { startTestGrader } from '../../test/helpers/grader.js'
import { usageBetween, type ShareUsage } from './cpu-share.js'
import { readMachineTicks } from './machine-load.js'
import { keysMemoryBytes, readCounters } from './redis-info.js'
import type { ScalingHost } from './scaling-engines.js'
import { TRIVIAL_SUBMISSION } from './trivial-submission.js'

/** How one configuration is run. */
export interface ThroughputPlan {
  /** The hosts it grades on (their shares already set). */
  hosts: ScalingHost[]
  /** GRADER_HOST_CONCURRENCY: gradings at once per host. */
  hostConcurrency: number
  /** GRADER_POOL_SIZE: warm containers per host (0: every run cold). */
  poolSize: number
  /** Submissions kept in flight by the load (closed loop). */
  inFlight: number
  /** Gradings before the measured ones (not counted): the first containers, the JIT, the pool. */
  warmup: number
  /** Gradings measured. */
  gradings: number
}

/** What one configuration measured. */
export interface ThroughputResult {
  hosts: number
  /** Cores of each host's share. */
  coresPerHost: number
  hostConcurrency: number
  inFlight: number
  gradings: number
  /** Graded submissions per second over the measured gradings. */
  throughputPerS: number
  elapsedMs: number
  /** Gradings whose status was not `pass` (the suite passes: anything else is a fault). */
  notPassed: number
  /** Measured gradings per outcome (`pass`, `error/internal`, …). */
  outcomes: Record<string, number>
  /** Measured gradings per host (engine name), to show the scheduler spread the load. */
  perHost: Record<string, number>
  /** CPU the containers used, summed over the shares, in cores on average (at most the total share). */
  containerCores: number
  /** Share of CFS periods in which a share's quota ran out, over all shares (1: always capped). */
  throttledFraction: number
  /** This process (API, worker and load generator together): CPU ms per grading. */
  processCpuMsPerGrading: number
  /** Redis memory the grader holds per finished submission (MEMORY USAGE over its keys / submissions graded), in bytes. */
  keptBytesPerSubmission: number
  /** {@link keptBytesPerSubmission} by kind of key. */
  keptBytesPerSubmissionByKind: Record<string, number>
  /**
   * Redis's CPU per graded submission, in µs: everything a grading costs it (the job in and
   * out, the record, its files, progress, heartbeats, the held request). One Redis thread
   * carries at most 1e6 / this gradings per second.
   */
  redisCpuUsPerGrading: number
  /** Redis's CPU per second with this grader idle (probes, heartbeats, blocking waits), in µs/s. */
  redisIdleCpuUsPerS: number
  /** {@link redisCpuUsPerGrading} less the idle cost over the stretch: what one more grading costs Redis, in µs. */
  redisNetCpuUsPerGrading: number
  /** The whole machine's busy cores on average (other work on the machine included). */
  machineBusyCores: number
}

/** How long Redis's idle CPU is sampled before the load, in ms. */
const IDLE_SAMPLE_MS = 5000

/** Runs one configuration and closes its grader; the hosts stay up for the next. */
export async function measureThroughput (plan: ThroughputPlan, onProgress: (line: string) => void = () => {}): Promise<ThroughputResult> {
  const grader = await startTestGrader({
    DOCKER_HOSTS: plan.hosts.map(h => h.engine.endpoint).join(','),
    GRADER_HOST_CONCURRENCY: String(plan.hostConcurrency),
    GRADER_POOL_SIZE: String(plan.poolSize),
    // Nothing may fail from waiting: a saturated grader keeps submissions queued for a while.
    GRADER_WAIT_MAX_MS: '300000',
  })
  const coresPerHost = plan.hosts[0]!.share.cores()
  // The bench's Redis serves this grader alone: its CPU over the stretch is what gradings cost it.
  const redis = new Redis(grader.config.redisUrl, { maxRetriesPerRequest: 3 })
  try {
    // /readyz answers with one usable host; every host must be usable before the clock runs.
    const deadline = Date.now() + 60_000
    while (grader.worker.pool.usableHosts() < plan.hosts.length) {
      if (Date.now() > deadline) throw new Error(`only ${grader.worker.pool.usableHosts()} of ${plan.hosts.length} hosts became usable within 60 s`)
      await new Promise(resolve => setTimeout(resolve, 200))
    }
    // A container may use its whole host, no more: on a real host of this size it could not
    // either, and cgroup v1 refuses a container quota above its parent's.
    const submission = { ...TRIVIAL_SUBMISSION, limits: { cpus: Math.min(1, coresPerHost) } }
    const gradeOnce = async () => {
      const res = await grader.grade(submission)
      const result = res.result as { status?: string, reason?: string, host?: string } | undefined
      return { outcome: [result?.status ?? 'none', result?.reason].filter(Boolean).join('/'), host: result?.host ?? 'unknown' }
    }
    // Redis's CPU with the grader idle: probes, heartbeats and the worker's blocking wait cost
    // it something every second whatever is graded; that part is taken out of the per-grading cost.
    const idleBefore = await readCounters(redis)
    const idleT0 = performance.now()
    await new Promise(resolve => setTimeout(resolve, IDLE_SAMPLE_MS))
    const redisIdleCpuUsPerS = ((await readCounters(redis)).cpuUs - idleBefore.cpuUs) / ((performance.now() - idleT0) / 1000)
    await closedLoop(plan.warmup, plan.inFlight, gradeOnce)
    onProgress(`  warmed up (${plan.warmup} gradings); measuring ${plan.gradings}`)

    const redisBefore = await readCounters(redis)
    const sharesBefore = plan.hosts.map(h => h.share.usage())
    const ticksBefore = readMachineTicks()
    const cpuBefore = process.cpuUsage()
    const t0 = performance.now()
    const outcomes = await closedLoop(plan.gradings, plan.inFlight, gradeOnce)
    const elapsedMs = performance.now() - t0
    const cpu = process.cpuUsage(cpuBefore)
    const ticksAfter = readMachineTicks()
    const redisAfter = await readCounters(redis)
    const shares = plan.hosts.map((h, i) => usageBetween(sharesBefore[i]!, h.share.usage()))

    // Everything the grader keeps of the finished submissions (results and files, kept for
    // GRADER_RESULT_TTL_S); its few other keys (heartbeats, hosts) are in the count too.
    const kept = await keysMemoryBytes(redis, grader.config.prefix)
    // By engine name: a host's id is made from its socket path, which names this machine's folders.
    const hostName = (id: string) => plan.hosts.find(h => id.includes(basename(h.engine.root)))?.engine.name ?? 'other'
    const perHost = countBy(outcomes.map(o => hostName(o.host)))
    const total = shares.reduce<ShareUsage>((a, s) => ({
      usageUs: a.usageUs + s.usageUs, periods: a.periods + s.periods, throttledPeriods: a.throttledPeriods + s.throttledPeriods,
    }), { usageUs: 0, periods: 0, throttledPeriods: 0 })
    return {
      hosts: plan.hosts.length,
      coresPerHost,
      hostConcurrency: plan.hostConcurrency,
      inFlight: plan.inFlight,
      gradings: plan.gradings,
      throughputPerS: plan.gradings / (elapsedMs / 1000),
      elapsedMs: Math.round(elapsedMs),
      notPassed: outcomes.filter(o => o.outcome !== 'pass').length,
      outcomes: countBy(outcomes.map(o => o.outcome)),
      perHost,
      containerCores: total.usageUs / 1000 / elapsedMs,
      throttledFraction: total.periods > 0 ? total.throttledPeriods / total.periods : 0,
      processCpuMsPerGrading: (cpu.user + cpu.system) / 1000 / plan.gradings,
      keptBytesPerSubmission: kept.bytes / (plan.warmup + plan.gradings),
      keptBytesPerSubmissionByKind: Object.fromEntries(Object.entries(kept.byKind).map(([k, b]) => [k, b / (plan.warmup + plan.gradings)])),
      redisCpuUsPerGrading: (redisAfter.cpuUs - redisBefore.cpuUs) / plan.gradings,
      redisIdleCpuUsPerS,
      redisNetCpuUsPerGrading: Math.max(0, (redisAfter.cpuUs - redisBefore.cpuUs) - redisIdleCpuUsPerS * elapsedMs / 1000) / plan.gradings,
      machineBusyCores: (ticksAfter.busy - ticksBefore.busy) / Math.max(1, ticksAfter.total - ticksBefore.total) * availableParallelism(),
    }
  } finally {
    await redis.quit()
    await grader.close()
  }
}

/** `count` calls of `once`, `inFlight` at a time (the next starts when one ends); their results in end order. */
export async function closedLoop<T> (count: number, inFlight: number, once: () => Promise<T>): Promise<T[]> {
  const results: T[] = []
  let started = 0
  const lane = async (): Promise<void> => {
    while (started < count) {
      started++
      results.push(await once())
    }
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane))
  return results
}

function countBy (values: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1
  return counts
}
