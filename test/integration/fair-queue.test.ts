// The fair queue's pick script against real Redis: shares by weight, an idle tenant's return,
// lanes inside a tenant, regrades last, removal, and a feeder dying between pick and add.
import { randomUUID } from 'node:crypto'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { QUEUE_NAME, type GradingJob } from '../../services/shared/contracts/job-schema.js'
import type { Lane } from '../../services/shared/contracts/vocabulary.js'
import { FairQueue } from '../../services/shared/queue/fair-queue.js'
import { gradingJobOptions } from '../../services/shared/queue/grading-job-options.js'
import { scanKeys } from '../../services/shared/store/redis-keys.js'
import { FairFeeder } from '../../services/worker/fair-feeder.js'

const redis = new Redis(process.env.REDIS_URL ?? '', { maxRetriesPerRequest: 3 })
let prefix: string
let fair: FairQueue
beforeEach(() => {
  prefix = `test-fair-${randomUUID()}`
  fair = new FairQueue(redis, prefix)
})
afterEach(async () => {
  const keys = await scanKeys(redis, `${prefix}:*`)
  if (keys.length > 0) await redis.del(...keys)
})

let n = 0
function job (tenant: string, lane?: Lane): GradingJob {
  return {
    submissionId: `${tenant}-${lane ?? 'none'}-${n++}`, language: 'python', files: { 'solution.py': 'x = 1\n' }, tests: {},
    limits: { timeoutMs: 1000, memoryMb: 64, cpus: 1, pids: 64, outputKb: 64, testTimeoutMs: 1000 } as GradingJob['limits'],
    tenant, ...(lane !== undefined ? { lane } : {}), enqueuedAt: Date.now(),
  }
}

async function addMany (tenant: string, count: number, weight = 1, lane?: Lane): Promise<GradingJob[]> {
  const jobs = Array.from({ length: count }, () => job(tenant, lane))
  // sequential on purpose: arrival order is part of what is tested
  for (const j of jobs) await fair.add(j, weight)
  return jobs
}

/** Picks `count` jobs (acknowledging each, as a feeder does) and returns who they belonged to. */
async function pickMany (count: number): Promise<Array<{ tenant: string, lane: Lane, id: string }>> {
  const out: Array<{ tenant: string, lane: Lane, id: string }> = []
  for (let i = 0; i < count; i++) {
    const picked = await fair.pick()
    if (picked === undefined) break
    await fair.ack(picked.job.submissionId)
    out.push({ tenant: picked.tenant, lane: picked.lane, id: picked.job.submissionId })
  }
  return out
}

describe('fair queue', () => {
  it('gives two backlogged tenants of weights 1 and 3 picks in about 1:3 over 400 picks', async () => {
    await addMany('light', 400, 1)
    await addMany('heavy', 400, 3)
    const picks = await pickMany(400)
    const light = picks.filter(p => p.tenant === 'light').length
    expect(picks).toHaveLength(400)
    expect(light).toBeGreaterThanOrEqual(98)
    expect(light).toBeLessThanOrEqual(102)
    // and it is interleaved, not 100 of one then 300 of the other: every 4 picks hold one light one
    for (let i = 0; i + 4 <= 400; i += 4) expect(picks.slice(i, i + 4).filter(p => p.tenant === 'light').length).toBe(1)
  })

  it('picks a newcomer next after a flood of 1000 from another tenant, and gives it no hoarded credit', async () => {
    await addMany('flood', 1000)
    expect((await pickMany(300)).every(p => p.tenant === 'flood')).toBe(true)
    const [b] = await addMany('newcomer', 5)
    const next = await pickMany(7)
    expect(next[0]).toMatchObject({ tenant: 'newcomer', id: b!.submissionId })
    // idle while the flood took 300 picks, it still only gets its fair half from here on
    expect(next.slice(1).map(p => p.tenant)).toEqual(['flood', 'newcomer', 'flood', 'newcomer', 'flood', 'newcomer'])
  })

  it('takes a tenant\'s lanes strictly in priority order, oldest first within a lane', async () => {
    const practice = await addMany('t', 3, 1, 'practice')
    const [defaulted] = await addMany('t', 1, 1)
    const [interactive] = await addMany('t', 1, 1, 'interactive')
    const [exam] = await addMany('t', 1, 1, 'exam')
    const picks = await pickMany(10)
    expect(picks.map(p => p.id)).toEqual([exam, interactive, ...practice, defaulted].map(j => j!.submissionId))
    expect(picks.map(p => p.lane)).toEqual(['exam', 'interactive', 'practice', 'practice', 'practice', 'practice'])
  })

  it('picks only the lane asked for, in the tenants\' fair order, and leaves the rest waiting', async () => {
    await addMany('a', 2, 1, 'exam')
    const [aInteractive] = await addMany('a', 1, 1, 'interactive')
    const [bInteractive] = await addMany('b', 1, 1, 'interactive')
    const first = await fair.pick(undefined, 'interactive')
    const second = await fair.pick(undefined, 'interactive')
    expect([first?.job.submissionId, second?.job.submissionId].sort()).toEqual([aInteractive!.submissionId, bInteractive!.submissionId].sort())
    expect(first?.lane).toBe('interactive')
    expect(await fair.pick(undefined, 'interactive')).toBeUndefined()
    // the exams were left where they were
    expect(await fair.depths()).toEqual([{ tenant: 'a', lane: 'exam', pending: 2 }])
    expect((await pickMany(5)).map(p => p.lane)).toEqual(['exam', 'exam'])
  })

  it('counts each tenant\'s arrivals per lane over the last minute, a job added twice once', async () => {
    const now = Date.now()
    const [again] = await addMany('a', 3, 1, 'exam')
    await fair.add(again!, 1)
    await addMany('b', 2, 1, 'practice')
    // 70 s ago: outside the minute
    await fair.add(job('b', 'practice'), 1, now - 70_000)
    const arrivals = await fair.arrivals(now)
    expect(arrivals.sort((x, y) => x.tenant.localeCompare(y.tenant))).toEqual([
      { tenant: 'a', lane: 'exam', pending: 3 },
      { tenant: 'b', lane: 'practice', pending: 2 },
    ])
    // picking them does not make them arrive less
    await pickMany(5)
    expect((await fair.arrivals(now)).reduce((n, a) => n + a.pending, 0)).toBe(5)
  })

  it('runs regrades only when no lane of any tenant has other work, fairly across tenants', async () => {
    await addMany('a', 3, 1, 'regrade')
    await addMany('b', 3, 1, 'regrade')
    await addMany('c', 2, 1, 'practice')
    const first = await pickMany(3)
    expect(first.map(p => p.tenant)).toEqual(['c', 'c', 'a'])
    // live work arriving while regrades wait goes first
    await addMany('a', 1, 1, 'exam')
    const rest = await pickMany(10)
    expect(rest.map(p => `${p.tenant}:${p.lane}`)).toEqual(['a:exam', 'b:regrade', 'a:regrade', 'b:regrade', 'a:regrade', 'b:regrade'])
  })

  it('removes a pending job, not one already picked, and reports depths per tenant and lane', async () => {
    const [x, y] = await addMany('a', 2, 1, 'exam')
    await addMany('b', 1, 2, 'practice')
    await addMany('b', 1, 2, 'regrade')
    expect(await fair.depths()).toEqual([
      { tenant: 'a', lane: 'exam', pending: 2 },
      { tenant: 'b', lane: 'practice', pending: 1 },
      { tenant: 'b', lane: 'regrade', pending: 1 },
    ])
    expect(await fair.remove(y!.submissionId)).toBe(true)
    expect(await fair.remove(y!.submissionId)).toBe(false)
    expect(await fair.remove('never-added')).toBe(false)
    const picked = await fair.pick()
    expect(picked?.job.submissionId).toBe(x!.submissionId)
    expect(await fair.remove(x!.submissionId)).toBe(false) // admitting: on its way into BullMQ
    await fair.ack(x!.submissionId)
    expect(await fair.depths()).toEqual([{ tenant: 'b', lane: 'practice', pending: 1 }, { tenant: 'b', lane: 'regrade', pending: 1 }])
    expect((await pickMany(5)).map(p => p.lane)).toEqual(['practice', 'regrade'])
    expect(await fair.depths()).toEqual([])
  })

  it('queues a submission id once, however often it is added', async () => {
    const j = job('a')
    await fair.add(j, 1)
    await fair.add(j, 1)
    expect(await fair.depths()).toEqual([{ tenant: 'a', lane: 'practice', pending: 1 }])
  })

  it('remembers tenant weights and refuses a weight that is not above 0', async () => {
    await addMany('a', 1, 2)
    await addMany('b', 1, 0.5)
    await fair.setWeight('c', 7)
    expect(await fair.weights()).toEqual({ a: 2, b: 0.5, c: 7 })
    await expect(fair.add(job('a'), 0)).rejects.toThrow(/above 0/)
    await expect(fair.setWeight('a', Number.NaN)).rejects.toThrow(/above 0/)
  })

  it('publishes a wake-up when a job is added', async () => {
    const listener = redis.duplicate()
    const heard = new Promise<string>(resolve => listener.on('message', (_c: string, m: string) => { resolve(m) }))
    await listener.subscribe(fair.wakeChannel)
    const j = job('a')
    await fair.add(j, 1)
    expect(await heard).toBe(j.submissionId)
    await listener.quit()
  })
})

describe('fair feeder against real BullMQ', () => {
  const config = { attempts: 2, resultTtlS: 60 }
  let grading: Queue<GradingJob>
  beforeEach(async () => {
    grading = new Queue<GradingJob>(QUEUE_NAME, { connection: redis, prefix })
    await grading.waitUntilReady()
  })
  afterEach(async () => {
    await grading.obliterate({ force: true })
    await grading.close()
  })
  const feeder = (freeSlots: () => number, stillWanted: (id: string) => Promise<boolean> = async () => true) => new FairFeeder({
    fair, grading, freeSlots, stillWanted, jobOptions: j => gradingJobOptions(config, j.submissionId), log: pino({ level: 'silent' }), reclaimAfterMs: 0,
  })
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100; i++) {
      if (await check()) return
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    throw new Error('condition not met within 5 s')
  }

  it('moves no more jobs into BullMQ than the worker has free slots', async () => {
    await addMany('a', 5)
    const f = feeder(() => 2)
    f.start()
    await until(async () => await grading.getJobCountByTypes('waiting') === 2)
    f.kick()
    await new Promise(resolve => setTimeout(resolve, 300))
    await f.stop()
    expect(await grading.getJobCountByTypes('waiting')).toBe(2)
    expect(await fair.depths()).toEqual([{ tenant: 'a', lane: 'practice', pending: 3 }])
    const added = (await grading.getWaiting()).map(j => j.opts)
    expect(added[0]).toMatchObject({ attempts: 2, removeOnComplete: true, removeOnFail: { count: 1000, age: 60 } })
  })

  it('adds a job picked by a feeder that died before adding it, once, and drops one deleted meanwhile', async () => {
    const [kept, deleted] = await addMany('a', 2)
    // a feeder "crashes" right after its picks: both stay admitting, in neither queue
    await fair.pick()
    await fair.pick()
    expect(await fair.admitting()).toBe(2)
    expect(await grading.getJobCountByTypes('waiting')).toBe(0)
    // the job of the first was even added already (crash between add and ack): adding again is a no-op
    await grading.add('grade', kept!, gradingJobOptions(config, kept!.submissionId))
    const f = feeder(() => 0, async id => id !== deleted!.submissionId)
    f.start()
    await until(async () => await fair.admitting() === 0)
    await f.stop()
    const waiting = await grading.getWaiting()
    expect(waiting.map(j => j.id)).toEqual([kept!.submissionId])
  })
})
