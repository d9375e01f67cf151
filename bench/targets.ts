/** The targets, each a ratio against the baseline measured in the same run. Pure. */

export const TARGETS = {
  warmP50: { label: 'warm p50 / baseline p50', op: '<=', target: 0.25 },
  coldP50: { label: 'cold p50 / baseline p50', op: '<=', target: 1.0 },
  sustainedRate: { label: 'highest sustained rate / baseline best throughput', op: '>=', target: 1.5 },
  cpuPerGrading: { label: 'host CPU per grading / baseline', op: '<=', target: 0.8 },
} as const satisfies Record<string, { label: string, op: '<=' | '>=', target: number }>
export type TargetName = keyof typeof TARGETS

export interface Judged {
  name: TargetName
  label: string
  op: '<=' | '>='
  target: number
  /** The measured ratio; NaN when a side was not measured. */
  ratio: number
  met: boolean
  /**
   * How far off, as a fraction of the target: for `<=` how much the ratio is
   * above it (0.64 = 64 % over), for `>=` how much it is short (0.2 = 20 % short). 0 when met.
   */
  missBy: number
}

export function judge (name: TargetName, ratio: number): Judged {
  const { label, op, target } = TARGETS[name]
  const met = op === '<=' ? ratio <= target : ratio >= target
  const missBy = met || !Number.isFinite(ratio) ? 0 : op === '<=' ? ratio / target - 1 : 1 - ratio / target
  return { name, label, op, target, ratio, met, missBy }
}

/** One line for the terminal and the README: the ratio, the target, and by how much it was missed. */
export function describeJudged (j: Judged): string {
  const ratio = Number.isFinite(j.ratio) ? `${j.ratio.toFixed(2)}×` : 'not measured'
  const target = `target ${j.op === '<=' ? '≤' : '≥'} ${j.target}×`
  if (!Number.isFinite(j.ratio)) return `${j.label}: ${ratio} (${target})`
  if (j.met) return `${j.label}: ${ratio} (${target}: met)`
  return `${j.label}: ${ratio} (${target}: missed, ${Math.round(j.missBy * 100)} % ${j.op === '<=' ? 'over' : 'short'})`
}
