/**
 * The pure side of the scaling benchmark: scaling efficiency, how many hosts one worker
 * drives, and the printed tables. Everything here takes numbers and returns numbers or text.
 */
import type { RedisLimits } from './redis-limits.js'
import type { ThroughputResult } from './scaling-throughput.js'

/** A configuration with its efficiency against the one host holding the same total share. */
export interface ScalingRow extends ThroughputResult {
  /** throughput(N hosts) / throughput(1 host, same total share); 1 for the reference itself. */
  efficiency: number
}

/**
 * The reference throughput: the mean over the one-host runs. The bench measures one host
 * first and again last, so a machine whose other load changed during the run moves the
 * reference as much as it moved the configurations in between.
 */
export function referenceThroughput (results: ThroughputResult[]): number {
  const ones = results.filter(r => r.hosts === 1).map(r => r.throughputPerS)
  const mean = ones.reduce((a, b) => a + b, 0) / ones.length
  if (ones.length === 0 || !(mean > 0)) throw new Error('no one-host configuration with a throughput to compare against')
  return mean
}

/** Efficiency of each configuration: its throughput over {@link referenceThroughput}. */
export function withEfficiency (results: ThroughputResult[]): ScalingRow[] {
  const reference = referenceThroughput(results)
  return results.map(r => ({ ...r, efficiency: r.throughputPerS / reference }))
}

/** How far one worker process goes, from its CPU per grading. */
export interface WorkerReach {
  /** The worker's CPU per grading, in ms (measured: API, worker and load generator in one process). */
  workerCpuMsPerGrading: number
  /** Gradings per second one busy worker core can drive: 1000 / workerCpuMsPerGrading. */
  gradingsPerSPerWorkerCore: number
  /** Gradings per second of one host per core of its share (the one-host configuration). */
  gradingsPerSPerHostCore: number
  /** Hosts one worker core drives, for hosts of each core count given: gradingsPerSPerWorkerCore / (cores × gradingsPerSPerHostCore). */
  hostsPerWorker: Array<{ hostCores: number, hosts: number }>
}

/**
 * One worker is one Node process, so at most one core of its own. A host of `c` cores
 * grades about `c × gradingsPerSPerHostCore` per second if throughput grows with cores as it
 * grew with shares here (an assumption: what was measured is shares of 2 cores).
 */
export function workerReach (workerCpuMsPerGrading: number, gradingsPerSPerHostCore: number, hostCores: number[] = [1, 2, 8, 32]): WorkerReach {
  if (!(workerCpuMsPerGrading > 0) || !(gradingsPerSPerHostCore > 0)) throw new Error('worker CPU per grading and host rate must be above 0')
  const perWorkerCore = 1000 / workerCpuMsPerGrading
  return {
    workerCpuMsPerGrading,
    gradingsPerSPerWorkerCore: perWorkerCore,
    gradingsPerSPerHostCore,
    hostsPerWorker: hostCores.map(c => ({ hostCores: c, hosts: perWorkerCore / (c * gradingsPerSPerHostCore) })),
  }
}

function pad (cells: string[], widths: number[]): string {
  return cells.map((c, i) => i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join('  ')
}

function table (head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)))
  return [pad(head, widths), widths.map(w => '-'.repeat(w)).join('  '), ...rows.map(r => pad(r, widths))].join('\n')
}

export function formatScalingTable (rows: ScalingRow[]): string {
  return table(
    ['hosts', 'cores/host', 'slots/host', 'graded/s', 'efficiency', 'container cores', 'throttled', 'not pass', 'worker CPU ms/grading', 'Redis CPU µs/grading (net)', 'Redis idle µs/s', 'machine busy cores'],
    rows.map(r => [
      String(r.hosts), r.coresPerHost.toFixed(2), String(r.hostConcurrency), r.throughputPerS.toFixed(2), r.efficiency.toFixed(2),
      r.containerCores.toFixed(2), `${Math.round(r.throttledFraction * 100)} %`, String(r.notPassed),
      r.processCpuMsPerGrading.toFixed(1), `${Math.round(r.redisCpuUsPerGrading)} (${Math.round(r.redisNetCpuUsPerGrading)})`, Math.round(r.redisIdleCpuUsPerS).toString(), r.machineBusyCores.toFixed(2),
    ]))
}

/** One line on what Redis keeps of a finished submission, from the widest configuration. */
export function formatKept (row: ScalingRow): string {
  return `Redis memory per finished submission (kept GRADER_RESULT_TTL_S): ${Math.round(row.keptBytesPerSubmission)} B; by key: ` +
    Object.entries(row.keptBytesPerSubmissionByKind).sort((a, b) => b[1] - a[1]).map(([k, b]) => `${k} ${Math.round(b)} B`).join(', ')
}

export function formatRedisTable (limits: RedisLimits): string {
  const rates = table(['queue operation', 'jobs', 'jobs/s', 'Redis CPU µs/job', 'Redis ceiling jobs/s'],
    [...limits.adds, ...limits.takes].map(r => [r.mode, String(r.jobs), Math.round(r.jobsPerS).toString(), Math.round(r.redisCpuUsPerJob).toString(),
      r.redisCpuUsPerJob > 0 ? Math.round(1e6 / r.redisCpuUsPerJob).toString() : '-']))
  const s = limits.submission
  return [
    rates,
    '',
    `memory per waiting job (Queue.add directly): ${Math.round(limits.bytesPerQueuedJob)} B`,
    `memory per queued submission (POST /v1/submissions, no worker; ${s.submissions} submissions of ${s.bodyBytes} B JSON): ` +
      `${Math.round(s.usedMemoryBytesPer)} B used_memory, ${Math.round(s.keyBytesPer)} B in its ${s.keysPer.toFixed(1)} keys (MEMORY USAGE)`,
    `  by key: ${Object.entries(s.keyBytesPerByKind).sort((a, b) => b[1] - a[1]).map(([kind, bytes]) => `${kind} ${Math.round(bytes)} B`).join(', ')}`,
  ].join('\n')
}

export function formatReach (reach: WorkerReach): string {
  return [
    `worker CPU per grading: ${reach.workerCpuMsPerGrading.toFixed(1)} ms -> one worker core drives ${Math.round(reach.gradingsPerSPerWorkerCore)} gradings/s`,
    `host rate: ${reach.gradingsPerSPerHostCore.toFixed(2)} gradings/s per core of share -> hosts per worker: ` +
      reach.hostsPerWorker.map(h => `${h.hosts.toFixed(1)} of ${h.hostCores} core${h.hostCores === 1 ? '' : 's'}`).join(', '),
  ].join('\n')
}
