/**
 * The lecture hall of issue 10 as a schedule: who submits what, in which lane,
 * and when. Pure and seeded, so two runs at one scale offer the same load.
 *
 * Two phases on one machine:
 * 1. `alone`: the interactive tenant by itself, its reference p95;
 * 2. `flood`: the exam hall, the practice flood and the interactive tenant
 *    at the same rate as alone, all at once.
 * Times are ms from the start of their phase.
 */
import type { Lane } from '../../services/shared/contracts/vocabulary.js'
import { seededRandom } from '../arrivals.js'

/** The two suites of the hall: a trivial one, and one that burns ~1.3 s of one core. */
export type ChallengeKind = 'fast' | 'heavy'
export type Phase = 'alone' | 'flood'

/** One tenant of the scenario, as it is created through `POST /v1/tenants`. */
export interface ScenarioTenant {
  name: string
  /** The only lane its key may submit to. */
  lane: Lane
  /** Its weight in the fair queue (`POST /v1/tenants {"weight"}`). */
  weight: number
}

/**
 * Weights: the exam hall and the interactive tenant each get twice the
 * practice flood's share. Both are people waiting at a screen; the flood is
 * practice that can wait. The interactive tenant's offered rate is set below
 * its share on this machine (see {@link INTERACTIVE}), so its p95 can hold.
 */
export const TENANTS = {
  exam: { name: 'exam-hall', lane: 'exam', weight: 2 },
  practice: { name: 'practice-flood', lane: 'practice', weight: 1 },
  interactive: { name: 'interactive', lane: 'interactive', weight: 2 },
} as const satisfies Record<string, ScenarioTenant>
export type TenantRole = keyof typeof TENANTS

/** 700 students submit within 60 s; 20 % of them the CPU-heavy suite. */
export const EXAM = { students: 700, windowMs: 60_000, heavyFraction: 0.2 } as const
/** 2,000 practice submissions in 4 bursts of 2 s each, 15 s apart, from the flood's start. */
export const PRACTICE = { submissions: 2000, bursts: 4, burstEveryMs: 15_000, burstMs: 2000 } as const
/**
 * 50 students: once each in the 90 s alone, three times each over the flood's
 * first 270 s: the same offered rate (0.56/s) in both phases, so the two p95
 * compare one load with and without the flood.
 */
export const INTERACTIVE = { students: 50, aloneMs: 90_000, aloneSubmits: 1, floodMs: 270_000, floodSubmits: 3 } as const

export interface PlannedSubmission {
  /** Index in the plan, the simulated client's name in logs. */
  seq: number
  tenant: TenantRole
  lane: Lane
  kind: ChallengeKind
  phase: Phase
  /** The student, unique within the tenant (the submission's `student` field). */
  student: string
  /** When it is first sent, in ms from its phase's start. */
  atMs: number
}

/** Counts at a scale: every count times `scale`, rounded, at least 1 of each. */
export function scaledCount (count: number, scale: number): number {
  if (!(scale > 0)) throw new RangeError('the scale must be positive')
  return Math.max(1, Math.round(count * scale))
}

/** Fisher-Yates with the seeded generator: which `k` of `n` indices are picked. */
function pick (n: number, k: number, random: () => number): Set<number> {
  const idx = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[idx[i], idx[j]] = [idx[j]!, idx[i]!]
  }
  return new Set(idx.slice(0, k))
}

/**
 * The whole plan at `scale` (1 = the counts), sorted by phase, then
 * time. Windows keep their length at every scale: a smaller run has fewer
 * students, not a faster lecture.
 */
export function examSchedule (scale: number, seed: number): PlannedSubmission[] {
  const random = seededRandom(seed)
  const out: Array<Omit<PlannedSubmission, 'seq'>> = []
  const interactiveStudents = scaledCount(INTERACTIVE.students, scale)
  for (let s = 0; s < interactiveStudents; s++) {
    for (let k = 0; k < INTERACTIVE.aloneSubmits; k++) {
      out.push({ tenant: 'interactive', lane: 'interactive', kind: 'fast', phase: 'alone', student: `i${s}`, atMs: random() * INTERACTIVE.aloneMs })
    }
    for (let k = 0; k < INTERACTIVE.floodSubmits; k++) {
      out.push({ tenant: 'interactive', lane: 'interactive', kind: 'fast', phase: 'flood', student: `i${s}`, atMs: random() * INTERACTIVE.floodMs })
    }
  }
  const examStudents = scaledCount(EXAM.students, scale)
  const heavy = pick(examStudents, Math.round(examStudents * EXAM.heavyFraction), random)
  for (let s = 0; s < examStudents; s++) {
    out.push({ tenant: 'exam', lane: 'exam', kind: heavy.has(s) ? 'heavy' : 'fast', phase: 'flood', student: `e${s}`, atMs: random() * EXAM.windowMs })
  }
  const practice = scaledCount(PRACTICE.submissions, scale)
  for (let s = 0; s < practice; s++) {
    const burst = s % PRACTICE.bursts
    out.push({ tenant: 'practice', lane: 'practice', kind: 'fast', phase: 'flood', student: `p${s}`, atMs: burst * PRACTICE.burstEveryMs + random() * PRACTICE.burstMs })
  }
  const phaseOrder: Record<Phase, number> = { alone: 0, flood: 1 }
  return out
    .sort((a, b) => phaseOrder[a.phase] - phaseOrder[b.phase] || a.atMs - b.atMs)
    .map((p, seq) => ({ ...p, seq }))
}
