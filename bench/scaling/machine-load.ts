/**
 * What else the machine was doing: the scaling benchmark shares 2 cores with CI runs and
 * other benchmarks, so every record says how loaded the machine was at its start and end.
 */
import { readFileSync } from 'node:fs'

/** The 1, 5 and 15 minute load averages of /proc/loadavg. */
export interface LoadAverage {
  load1: number
  load5: number
  load15: number
}

export function parseLoadavg (text: string): LoadAverage {
  const [load1, load5, load15] = text.trim().split(/\s+/).slice(0, 3).map(Number)
  if (![load1, load5, load15].every(n => n !== undefined && Number.isFinite(n))) throw new Error(`unreadable /proc/loadavg: ${text}`)
  return { load1: load1!, load5: load5!, load15: load15! }
}

export function readLoadavg (): LoadAverage {
  return parseLoadavg(readFileSync('/proc/loadavg', 'utf8'))
}

/** Busy and total CPU ticks of the whole machine (the aggregate `cpu` line of /proc/stat). */
export function readMachineTicks (): { busy: number, total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n').find(l => /^cpu\s/.test(l)) ?? ''
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number)
  const total = f.reduce((a, b) => a + b, 0)
  // idle and iowait are the not-busy ticks.
  return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total }
}
