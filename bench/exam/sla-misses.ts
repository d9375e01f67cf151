/**
 * The grader's own count of late answers: `grader_sla_misses_total{language,
 * lane, cause}` read from the Prometheus text of its metrics listener, summed
 * over languages. Beside the clients' late count it says whether the two
 * clocks agree (the grader counts from accepting to storing the result, the
 * client from sending the POST to reading the verdict). Pure parsing.
 */

export interface SlaMiss { lane: string, cause: string, count: number }

/** Label pairs of one sample's `{...}` (values as Prometheus escapes them: \\, \" and \n). */
function labels (text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => c === 'n' ? '\n' : c)
  return out
}

/** The misses per lane and cause, largest first; empty when the metric is absent. */
export function slaMissesFromMetrics (text: string): SlaMiss[] {
  const sums = new Map<string, SlaMiss>()
  for (const line of text.split('\n')) {
    const m = /^grader_sla_misses_total\{([^}]*)\}\s+([0-9.eE+-]+)/.exec(line)
    if (m === null) continue
    const l = labels(m[1]!)
    const lane = l.lane ?? 'unknown'
    const cause = l.cause ?? 'unknown'
    const key = `${lane}\u0000${cause}`
    const prev = sums.get(key) ?? { lane, cause, count: 0 }
    prev.count += Number(m[2])
    sums.set(key, prev)
  }
  return [...sums.values()].filter(s => s.count > 0).sort((a, b) => b.count - a.count || a.lane.localeCompare(b.lane))
}
