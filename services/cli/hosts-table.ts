import type { HostListing } from './grader-client.js'

/** Columns of `grader hosts list`, in order. */
const HEADERS = ['ID', 'STATE', 'DRAINING', 'CONCURRENCY', 'IN FLIGHT', 'P50', 'P95', 'WORKER', 'LAST RECYCLE'] as const

const yesNo = (flag: boolean): string => (flag ? 'yes' : 'no')
const ms = (value: number | null): string => (value === null ? '-' : `${Math.round(value)} ms`)

/** `applied`, or `applied -> asked` while the worker has not applied what ops asked yet. */
function withAsked<T> (applied: T, asked: T | undefined, show: (value: T) => string): string {
  return asked === undefined || asked === applied ? show(applied) : `${show(applied)} -> ${show(asked)}`
}

/**
 * Renders hosts as an aligned plain-text table, one host a line. A value
 * ops changed that the worker has not applied yet shows as `now -> asked`.
 */
export function formatHostsTable (hosts: readonly HostListing[]): string {
  if (hosts.length === 0) return 'no hosts: no live worker is publishing any\n'
  const rows = hosts.map(h => [
    h.id,
    h.state,
    withAsked(h.draining, h.control?.draining, yesNo),
    withAsked(h.concurrency, h.control?.concurrency, String),
    String(h.inFlight),
    ms(h.latencyMs.p50),
    ms(h.latencyMs.p95),
    h.worker,
    h.lastRecycleAt === null ? 'never' : h.lastRecycleAt.replace(/\.\d+Z$/, 'Z'),
  ])
  const widths = HEADERS.map((header, i) => Math.max(header.length, ...rows.map(r => r[i]!.length)))
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  const pending = rows.some(r => r[2]!.includes('->') || r[3]!.includes('->'))
  return [line(HEADERS), ...rows.map(line), ...(pending ? ['', '"a -> b": asked by ops, not yet applied by the worker'] : [])].join('\n') + '\n'
}
