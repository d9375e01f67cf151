/**
 * `npm run bench:scaling`: how throughput grows with hosts, and what one Redis carries.
 * scripts/bench-scaling.mjs provisions (Docker engine, image, a throw-away Redis) and runs
 * this. It starts extra dockerd engines on this machine, each with its containers confined
 * to a CPU share, grades the trivial suite at saturation on 1 host holding the whole share
 * and on N hosts holding 1/N of it each, then measures the queue and the memory per queued
 * submission on the real Redis. Prints tables; writes a JSON record (docs/bench/scaling.json).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, release, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readLoadavg, type LoadAverage } from './machine-load.js'
import { measureRedisLimits, type RedisLimits } from './redis-limits.js'
import { scalingChartSvg } from './scaling-chart.js'
import { parseScalingOptions, type ScalingOptions } from './scaling-options.js'
import { ScalingHosts } from './scaling-engines.js'
import { formatKept, formatReach, formatRedisTable, formatScalingTable, referenceThroughput, withEfficiency, workerReach, type ScalingRow, type WorkerReach } from './scaling-report.js'
import { measureThroughput, type ThroughputResult } from './scaling-throughput.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

function say (line: string): void { process.stdout.write(`${line}\n`) }

function osName (): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown'
  } catch { return 'unknown' }
}

async function main (): Promise<void> {
  const options = parseScalingOptions(process.argv.slice(2))
  if (options.redraw !== undefined) {
    const record = JSON.parse(readFileSync(resolve(options.redraw), 'utf8')) as ScalingRecord
    if (record.kind !== 'scaling') throw new Error(`${options.redraw} is not a record of bench:scaling`)
    report(record, options.chart)
    return
  }
  if (!process.env.REDIS_URL) throw new Error('REDIS_URL is not set: run this through `npm run bench:scaling`')
  const startedAt = new Date()
  const loadAtStart = readLoadavg()
  say(`scaling bench: ${availableParallelism()} cores, load ${loadAtStart.load1} ${loadAtStart.load5} ${loadAtStart.load15} at start`)

  let rows: ScalingRow[] | undefined
  let reach: WorkerReach | undefined
  if (options.only !== 'redis') {
    const most = Math.max(...options.hosts)
    const engines = new ScalingHosts()
    const stop = () => { void engines.stop().finally(() => process.exit(130)) }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    try {
      say(`starting ${most} extra dockerd engines, each with its containers under a CPU share`)
      const hosts = await engines.start(most, options.shareCores, say)
      const results: ThroughputResult[] = []
      // One host again at the end: the machine is shared, and the two one-host runs bracket
      // the others, so drift in the machine's other load shows (and is averaged in the reference).
      for (const n of [...options.hosts, 1]) {
        const coresPerHost = options.shareCores / n
        const used = hosts.slice(0, n)
        for (const h of used) h.share.setCores(coresPerHost)
        const hostConcurrency = options.slots / n
        say(`${n} host${n === 1 ? '' : 's'} x ${coresPerHost.toFixed(2)} cores, ${hostConcurrency} slot${hostConcurrency === 1 ? '' : 's'} each, ${options.inFlight} in flight`)
        const result = await measureThroughput({
          hosts: used, hostConcurrency, poolSize: options.poolSize, inFlight: options.inFlight, warmup: options.warmup, gradings: options.gradings,
        }, say)
        say(`  ${result.throughputPerS.toFixed(2)} graded/s, containers used ${result.containerCores.toFixed(2)} cores, ` +
          `throttled ${Math.round(result.throttledFraction * 100)} % of periods, load ${readLoadavg().load1}`)
        if (result.notPassed > 0) say(`  NOT all passed: ${JSON.stringify(result.outcomes)}`)
        results.push(result)
      }
      rows = withEfficiency(results)
      const widest = rows.reduce((a, b) => (b.hosts > a.hosts ? b : a))
      reach = workerReach(widest.processCpuMsPerGrading, referenceThroughput(results) / options.shareCores)
    } finally {
      await engines.stop()
      process.removeListener('SIGINT', stop)
      process.removeListener('SIGTERM', stop)
    }
  }

  let redis: RedisLimits | undefined
  if (options.only !== 'hosts') {
    say(`Redis and BullMQ: ${options.redisJobs} jobs per measurement`)
    redis = await measureRedisLimits(process.env.REDIS_URL, options.redisJobs, say)
  }

  const loadAtEnd = readLoadavg()
  const record: ScalingRecord = {
    kind: 'scaling',
    startedAt: startedAt.toISOString(),
    durationS: Math.round((Date.now() - startedAt.getTime()) / 1000),
    machine: { cores: availableParallelism(), memoryGb: Math.round(totalmem() / 2 ** 30), os: osName(), kernel: release() },
    load: { atStart: loadAtStart, atEnd: loadAtEnd },
    options,
    submission: 'one-test pytest suite (add)',
    ...(rows !== undefined && reach !== undefined ? { configurations: rows, worker: reach } : {}),
    ...(redis !== undefined ? { redis } : {}),
  }
  const out = resolve(ROOT, options.out)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, JSON.stringify(record, null, 2) + '\n')
  report(record, options.chart)
  say(`record: ${options.out}`)
}

/** What a run writes to docs/bench/scaling.json. */
interface ScalingRecord {
  kind: 'scaling'
  startedAt: string
  durationS: number
  machine: { cores: number, memoryGb: number, os: string, kernel: string }
  load: { atStart: LoadAverage, atEnd: LoadAverage }
  options: ScalingOptions
  submission: string
  configurations?: ScalingRow[]
  worker?: WorkerReach
  redis?: RedisLimits
}

/** Prints the tables and draws the chart of a record (just measured, or read with --redraw). */
function report (record: ScalingRecord, chart: string): void {
  say('')
  if (record.configurations !== undefined && record.worker !== undefined) {
    say(formatScalingTable(record.configurations))
    say('')
    say(formatReach(record.worker))
    const last = record.configurations.at(-1)!
    if (last.keptBytesPerSubmission !== undefined) say(formatKept(last))
    say('')
    const path = resolve(ROOT, chart)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, scalingChartSvg(record.configurations, {
      shareCores: record.options.shareCores,
      referencePerS: referenceThroughput(record.configurations),
      machine: `${record.machine.cores} cores, ${record.machine.os.replace(/ GNU\/Linux/, '').replace(/ \(.*\)$/, '')}`,
    }))
    say(`chart: ${chart}`)
  }
  if (record.redis !== undefined) {
    say(`Redis ${record.redis.redisVersion}:`)
    say(formatRedisTable(record.redis))
    say('')
  }
  const { atStart, atEnd } = record.load
  say(`load ${atStart.load1} ${atStart.load5} ${atStart.load15} at start, ${atEnd.load1} ${atEnd.load5} ${atEnd.load15} at end (${record.machine.cores} cores)`)
}

main().then(() => process.exit(0), (err: Error) => {
  process.stderr.write(`bench:scaling failed: ${err.stack ?? err.message}\n`)
  process.exit(1)
})
