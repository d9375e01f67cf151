/** Order statistics of latency samples (ms), for the bench's tables and charts. Pure. */

/** p50/p95/p99 and friends of one series of samples, in the samples' unit (ms). */
export interface Summary {
  n: number
  min: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

/**
 * The q-th quantile (0..1) by linear interpolation between closest ranks (the
 * method of numpy's default and of most dashboards), so p99 of 40 samples is
 * not simply the maximum. NaN for no samples.
 */
export function percentile (samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN
  if (q < 0 || q > 1) throw new RangeError(`quantile ${q} is outside 0..1`)
  const sorted = [...samples].sort((a, b) => a - b)
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}

export function summarize (samples: readonly number[]): Summary {
  const n = samples.length
  return {
    n,
    min: n === 0 ? NaN : Math.min(...samples),
    p50: percentile(samples, 0.5),
    p95: percentile(samples, 0.95),
    p99: percentile(samples, 0.99),
    max: n === 0 ? NaN : Math.max(...samples),
    mean: n === 0 ? NaN : samples.reduce((a, b) => a + b, 0) / n,
  }
}

/** The empirical CDF as steps: the i-th smallest sample reaches fraction (i+1)/n. */
export function cdfPoints (samples: readonly number[]): Array<{ x: number, y: number }> {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted.map((x, i) => ({ x, y: (i + 1) / sorted.length }))
}

/** Least-squares slope of y against x (units of y per unit of x); 0 for fewer than two distinct x. */
export function slope (points: ReadonlyArray<{ x: number, y: number }>): number {
  const n = points.length
  if (n < 2) return 0
  const mx = points.reduce((a, p) => a + p.x, 0) / n
  const my = points.reduce((a, p) => a + p.y, 0) / n
  let num = 0
  let den = 0
  for (const p of points) {
    num += (p.x - mx) * (p.y - my)
    den += (p.x - mx) ** 2
  }
  return den === 0 ? 0 : num / den
}
