import type { JobsOptions } from 'bullmq'
import { pino, type Logger } from 'pino'
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { GradingJob } from '../../../services/shared/contracts/job-schema.js'
import type { PickedJob } from '../../../services/shared/queue/fair-queue.js'
import { FairFeeder, type FairFeederDeps } from '../../../services/worker/fair-feeder.js'

const job = (id: string): GradingJob => ({ submissionId: id, language: 'python', files: {}, tests: {}, limits: {} as GradingJob['limits'], enqueuedAt: 0 })

/** A fair queue and a grading queue in memory; `failAdds` makes that many BullMQ adds throw first. */
function fakes (ids: string[], opts: { free?: number, failAdds?: number } = {}) {
  const pending = ids.map(job)
  const admitting = new Map<string, GradingJob>()
  const added: string[] = []
  let failAdds = opts.failAdds ?? 0
  let free = opts.free ?? 1
  const lines: Array<{ msg: string }> = []
  const log: Logger = pino({ level: 'info' }, new Writable({ write (chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done() } }))
  const deps: FairFeederDeps = {
    fair: {
      pick: async (): Promise<PickedJob | undefined> => {
        const next = pending.shift()
        if (next === undefined) return undefined
        admitting.set(next.submissionId, next)
        return { job: next, tenant: 'default', lane: 'practice' }
      },
      ack: async id => admitting.delete(id),
      reclaim: async () => [...admitting.values()],
    },
    grading: {
      add: (async (_name: string, data: GradingJob, _opts: JobsOptions) => {
        if (failAdds > 0) {
          failAdds--
          throw new Error('Connection is closed.')
        }
        added.push(data.submissionId)
        free--
        return {}
      }) as unknown as FairFeederDeps['grading']['add'],
      getJobCountByTypes: async () => 0,
    },
    jobOptions: () => ({}),
    freeSlots: () => free,
    stillWanted: async () => true,
    log,
    intervalMs: 20,
    reclaimAfterMs: 0,
  }
  return { deps, added, admitting, lines, freeUp: (n: number) => { free += n } }
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise(resolve => setTimeout(resolve, 5))
  expect(check()).toBe(true)
}

describe('FairFeeder', () => {
  it('feeds one job per free slot, and the next once a slot frees', async () => {
    const f = fakes(['a', 'b', 'c'], { free: 2 })
    const feeder = new FairFeeder(f.deps)
    feeder.start()
    await until(() => f.added.length === 2)
    f.freeUp(1)
    feeder.kick()
    await until(() => f.added.length === 3)
    await feeder.stop()
    expect(f.added).toEqual(['a', 'b', 'c'])
    expect(f.admitting.size).toBe(0)
  })

  it('logs a failing add once, keeps the job admitting, and adds it on a later pass without throwing', async () => {
    const f = fakes(['a'], { failAdds: 3 })
    const feeder = new FairFeeder(f.deps)
    feeder.start()
    await until(() => f.added.length === 1)
    await feeder.stop()
    expect(f.added).toEqual(['a'])
    expect(f.admitting.size).toBe(0)
    expect(f.lines.filter(l => l.msg === 'fair feeder failed: retrying')).toHaveLength(1)
    expect(f.lines.filter(l => l.msg === 'fair feeder recovered')).toHaveLength(1)
  })

  it('past the shared slots, feeds only interactive jobs, and only into the reserve', async () => {
    const f = fakes(['a'], { free: 0 })
    const asked: Array<string | undefined> = []
    let reserve = 1
    const interactive = job('i')
    f.deps.fair.pick = async (_now?: number, only?: string) => {
      asked.push(only)
      return only === 'interactive' && reserve > 0 ? { job: interactive, tenant: 't', lane: 'interactive' } : undefined
    }
    f.deps.fair.ack = async () => true
    f.deps.freeSlotsForInteractive = () => reserve
    const add = f.deps.grading.add
    f.deps.grading.add = (async (...args: Parameters<typeof add>) => { reserve--; return await add(...args) }) as typeof add
    const feeder = new FairFeeder(f.deps)
    feeder.start()
    await until(() => f.added.length === 1)
    await feeder.stop()
    expect(f.added).toEqual(['i'])
    // never an unrestricted pick while no shared slot is free
    expect(asked.every(a => a === 'interactive')).toBe(true)
  })

  it('feeds nothing once stopped', async () => {
    const f = fakes(['a'], { free: 0 })
    const feeder = new FairFeeder(f.deps)
    feeder.start()
    await feeder.stop()
    f.freeUp(1)
    feeder.kick()
    await new Promise(resolve => setTimeout(resolve, 60))
    expect(f.added).toEqual([])
  })
})
