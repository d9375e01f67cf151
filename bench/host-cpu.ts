/**
 * Machine-wide CPU time from /proc/stat. The cost of a grading is spread over
 * dockerd, containerd, the shims, runc, the container's processes and the
 * grader itself, so the bench counts the whole machine's busy time over a
 * batch and divides by the gradings in it.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Cumulative CPU time of the whole machine, in clock ticks (USER_HZ). */
export interface CpuTicks {
  busy: number
  total: number
}

/**
 * Parses the aggregate `cpu` line of /proc/stat: user nice system idle iowait
 * irq softirq steal (guest time is already inside user and nice, so it is not
 * added again). Idle and iowait are not busy.
 */
export function parseProcStat (text: string): CpuTicks {
  const line = text.split('\n').find(l => /^cpu\s/.test(l))
  if (line === undefined) throw new Error('no aggregate cpu line in /proc/stat')
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number)
  if (f.length < 4 || f.some(n => !Number.isFinite(n))) throw new Error(`unreadable cpu line in /proc/stat: ${line}`)
  const total = f.reduce((a, b) => a + b, 0)
  const idle = f[3]! + (f[4] ?? 0)
  return { busy: total - idle, total }
}

/** Clock ticks per second of /proc/stat (100 on every mainstream Linux). */
export function clockTicksPerS (): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    return Number.isFinite(n) && n > 0 ? n : 100
  } catch { return 100 }
}

/** What one measured stretch cost the machine. */
export interface CpuCost {
  /** Busy CPU time of the whole machine, in seconds. */
  busyS: number
  /** Wall-clock length of the stretch, in seconds. */
  wallS: number
  /** Busy cores on average over the stretch (busyS / wallS). */
  busyCores: number
}

export function cpuCost (before: CpuTicks, after: CpuTicks, wallS: number, ticksPerS: number): CpuCost {
  const busyS = (after.busy - before.busy) / ticksPerS
  return { busyS, wallS, busyCores: wallS > 0 ? busyS / wallS : NaN }
}

/** Reads the machine's counters; the one seam to the host. */
export type CpuReader = () => CpuTicks
export const readProcStat: CpuReader = () => parseProcStat(readFileSync('/proc/stat', 'utf8'))

/** Runs `work` and returns what it cost the machine besides its own result. */
export async function measureCpu<T> (work: () => Promise<T>, opts: { read?: CpuReader, ticksPerS?: number } = {}): Promise<{ value: T, cost: CpuCost }> {
  const read = opts.read ?? readProcStat
  const ticksPerS = opts.ticksPerS ?? clockTicksPerS()
  const t0 = performance.now()
  const before = read()
  const value = await work()
  const after = read()
  return { value, cost: cpuCost(before, after, (performance.now() - t0) / 1000, ticksPerS) }
}
