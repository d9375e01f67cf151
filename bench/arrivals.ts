/** Open-loop arrival times, pure and seeded so two runs offer the same load. */

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
export function seededRandom (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Arrival offsets in ms within `[0, windowMs)` of a Poisson process of
 * `ratePerS` (exponential gaps), or evenly spaced when `kind` is `fixed`.
 * Poisson by default: real submissions bunch, and a grader that only copes
 * with evenly spaced ones would be flattered.
 */
export function arrivalOffsets (ratePerS: number, windowMs: number, random: () => number, kind: 'poisson' | 'fixed' = 'poisson'): number[] {
  if (!(ratePerS > 0)) throw new RangeError('the rate must be positive')
  const meanGapMs = 1000 / ratePerS
  const out: number[] = []
  if (kind === 'fixed') {
    for (let t = 0; t < windowMs; t += meanGapMs) out.push(t)
    return out
  }
  for (let t = -Math.log(1 - random()) * meanGapMs; t < windowMs; t += -Math.log(1 - random()) * meanGapMs) out.push(t)
  return out
}
