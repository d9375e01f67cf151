import { pino } from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ProgressReporter, type ProgressPublisher } from '../../../services/worker/progress-reporter.js'
import type { ProgressUpdate } from '../../../services/shared/store/submission-progress.js'

const log = pino({ level: 'silent' })

/** Records what is published; `hold` keeps publishes in flight until released. */
function publisher (opts: { fail?: boolean } = {}) {
  const sent: ProgressUpdate[] = []
  const p: ProgressPublisher & { sent: ProgressUpdate[] } = {
    sent,
    async publish (update) {
      sent.push(update)
      if (opts.fail === true) throw new Error('redis away')
    },
  }
  return p
}

const flush = async (): Promise<void> => { for (let i = 0; i < 5; i++) await Promise.resolve() }

afterEach(() => { vi.useRealTimers() })

describe('ProgressReporter', () => {
  it('publishes the start at once, and a test start once the interval has passed', async () => {
    vi.useFakeTimers()
    const pub = publisher()
    const r = new ProgressReporter(pub, 's1', log, 200)
    r.started()
    await flush()
    expect(pub.sent).toEqual([{ id: 's1', state: 'running' }])
    vi.advanceTimersByTime(300)
    r.update({ test: 't.py::test_a', done: 0, total: 3 })
    await flush()
    expect(pub.sent.at(-1)).toEqual({ id: 's1', state: 'running', test: 't.py::test_a', done: 0, total: 3 })
    r.stop()
  })

  it('coalesces a burst of thousands of tests into one update per interval, the latest always sent', async () => {
    vi.useFakeTimers()
    const pub = publisher()
    const r = new ProgressReporter(pub, 's1', log, 200)
    r.started()
    await flush()
    for (let i = 0; i < 5_000; i++) r.update({ test: `t.py::test_${i}`, done: i, total: 5_000 })
    await flush()
    expect(pub.sent).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(200)
    expect(pub.sent).toHaveLength(2)
    expect(pub.sent[1]).toMatchObject({ test: 't.py::test_4999', done: 4999 })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(pub.sent).toHaveLength(2)
    r.stop()
  })

  it('sends nothing pending once stopped', async () => {
    vi.useFakeTimers()
    const pub = publisher()
    const r = new ProgressReporter(pub, 's1', log, 200)
    r.started()
    r.update({ test: 't.py::test_a', done: 0 })
    r.stop()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(pub.sent).toEqual([{ id: 's1', state: 'running' }])
    r.update({ test: 't.py::test_b', done: 1 })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(pub.sent).toHaveLength(1)
  })

  it('never throws or rejects when publishing fails, synchronously or not', async () => {
    vi.useFakeTimers()
    const failing = publisher({ fail: true })
    const r = new ProgressReporter(failing, 's1', log, 10)
    r.started()
    await vi.advanceTimersByTimeAsync(20)
    r.update({ test: 't.py::test_a', done: 0 })
    await vi.advanceTimersByTimeAsync(20)
    expect(failing.sent).toHaveLength(2)
    const throwing = new ProgressReporter({ publish () { throw new Error('sync') } }, 's2', log, 10)
    expect(() => { throwing.started() }).not.toThrow()
    await vi.advanceTimersByTimeAsync(20)
    r.stop()
    throwing.stop()
  })

  it('keeps at most one publish in flight', async () => {
    vi.useFakeTimers()
    let release!: () => void
    let inFlight = 0
    let most = 0
    const slow: ProgressPublisher = {
      async publish () {
        inFlight++
        most = Math.max(most, inFlight)
        await new Promise<void>(resolve => { release = resolve })
        inFlight--
      },
    }
    const r = new ProgressReporter(slow, 's1', log, 10)
    r.started()
    for (let i = 0; i < 10; i++) {
      r.update({ test: `t.py::test_${i}`, done: i })
      await vi.advanceTimersByTimeAsync(50)
    }
    expect(most).toBe(1)
    release()
    await vi.advanceTimersByTimeAsync(50)
    release()
    r.stop()
  })
})
