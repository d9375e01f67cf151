import type { Queue } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { checkCapacity, CLAIMED_HEADROOM, OverCapacity, type CapacitySources } from '../../../services/api/admission.js'
import { SLA_HEADROOM } from '../../../services/api/capacity-estimate.js'
import type { PromisesAhead } from '../../../services/api/retry-promises.js'
import type { GradingJob } from '../../../services/shared/contracts/job-schema.js'
import type { HostView } from '../../../services/shared/store/host-registry.js'

const SLA_MS = 10_000

/**
 * One slot running one grading, `pending` practice jobs of tenant `a` waiting,
 * every run holding its slot 1 s: the rate is 60 / min × SLOT_EFFICIENCY (48),
 * 1.25 s a job, and a new job waits (pending + 1) × 1.25 s + 1 s.
 */
function sources (pending: number, claimed: boolean): CapacitySources & { promised: number[] } {
  const promised: number[] = []
  const host = { state: 'healthy', draining: false, concurrency: 1 } as HostView
  return {
    promised,
    fair: { depths: async () => [{ tenant: 'a', lane: 'practice', pending }], weights: async () => ({ a: 1 }) },
    queue: { getJobCounts: async () => ({ active: 1 }) },
    hosts: { views: async () => [host] },
    throughput: {
      throughput: async () => ({
        completedLastMinute: 0, completedPerWindow: [0, 0, 0], recentGradingMs: Array(20).fill(1_000), recentSlotHoldMs: Array(20).fill(1_000),
      }),
    },
    promises: {
      claim: async (): Promise<PromisesAhead> => ({ claimed, ahead: [], all: [] }),
      promise: async (_t: string, _l: string, _f: string, dueMs: number) => { promised.push(dueMs) },
      held: async () => [],
    },
  }
}

const check = async (s: CapacitySources) => await checkCapacity(
  { config: { prefix: 'test', slaByLane: { exam: SLA_MS, interactive: SLA_MS, practice: SLA_MS, regrade: null } }, queue: {} as Queue<GradingJob>, capacity: s },
  { tenant: 'a', lane: 'practice', fingerprint: 'fp' },
)

describe('checkCapacity', () => {
  it('holds a client back at the time it was told to the SLA itself rather than a new request\'s margin, never past it', async () => {
    // 5 ahead: (5 + 1) × 1.25 + 1 = 8.5 s, past a new request's limit (8 s), within a claimer's
    expect((5 + 1) * 1.25 + 1).toBeGreaterThan(SLA_MS * SLA_HEADROOM / 1000)
    expect((5 + 1) * 1.25 + 1).toBeLessThanOrEqual(SLA_MS * CLAIMED_HEADROOM / 1000)
    const fresh = sources(5, false)
    await expect(check(fresh)).rejects.toBeInstanceOf(OverCapacity)
    expect(fresh.promised).toHaveLength(1)
    await expect(check(sources(5, true))).resolves.toBeUndefined()
    // 7 ahead: 11 s, past the claimer's limit too: refused again, with a new promise
    expect((7 + 1) * 1.25 + 1).toBeGreaterThan(SLA_MS * CLAIMED_HEADROOM / 1000)
    const late = sources(7, true)
    await expect(check(late)).rejects.toBeInstanceOf(OverCapacity)
    expect(late.promised).toHaveLength(1)
  })
})
