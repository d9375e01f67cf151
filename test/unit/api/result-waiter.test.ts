import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { ResultWaiter, type DoneSubscriber } from '../../../services/api/plugins/result-waiter.js'

const CHANNEL = 'test:submission-done'

/** A subscriber driven by the test: `announce` plays a worker publishing a completion. */
class FakeSubscriber extends EventEmitter implements DoneSubscriber {
  readonly channels = new Set<string>()
  async subscribe (channel: string): Promise<void> { this.channels.add(channel) }
  async unsubscribe (channel: string): Promise<void> { this.channels.delete(channel) }
  announce (id: string, channel = CHANNEL): void { this.emit('message', channel, id) }
}

async function started (): Promise<{ subscriber: FakeSubscriber, waiter: ResultWaiter }> {
  const subscriber = new FakeSubscriber()
  const waiter = new ResultWaiter(subscriber, CHANNEL)
  await waiter.start()
  return { subscriber, waiter }
}

describe('ResultWaiter', () => {
  it('subscribes once to the done channel and unsubscribes on stop', async () => {
    const { subscriber, waiter } = await started()
    await waiter.start()
    expect([...subscriber.channels]).toEqual([CHANNEL])
    expect(subscriber.listenerCount('message')).toBe(1)
    await waiter.stop()
    expect(subscriber.channels.size).toBe(0)
    expect(subscriber.listenerCount('message')).toBe(0)
  })

  it('ends a wait with done when the submission is announced', async () => {
    const { subscriber, waiter } = await started()
    const watch = waiter.watch('s1')
    const outcome = watch.wait({ timeoutMs: 10_000 })
    subscriber.announce('s1')
    expect(await outcome).toBe('done')
    expect(waiter.pending).toBe(0)
  })

  it('catches an announcement made before wait() is called', async () => {
    const { subscriber, waiter } = await started()
    const watch = waiter.watch('s1')
    subscriber.announce('s1')
    expect(await watch.wait({ timeoutMs: 10_000 })).toBe('done')
  })

  it('wakes every request waiting for the same submission and no other', async () => {
    const { subscriber, waiter } = await started()
    const a = waiter.watch('s1').wait({ timeoutMs: 10_000 })
    const b = waiter.watch('s1').wait({ timeoutMs: 10_000 })
    const other = waiter.watch('s2').wait({ timeoutMs: 50 })
    subscriber.announce('s1')
    expect(await Promise.all([a, b, other])).toEqual(['done', 'done', 'timeout'])
  })

  it('ignores messages on other channels', async () => {
    const { subscriber, waiter } = await started()
    const outcome = waiter.watch('s1').wait({ timeoutMs: 50 })
    subscriber.announce('s1', 'elsewhere')
    expect(await outcome).toBe('timeout')
  })

  it('ends with timeout and forgets the waiter when the time runs out', async () => {
    const { waiter } = await started()
    expect(await waiter.watch('s1').wait({ timeoutMs: 10 })).toBe('timeout')
    expect(waiter.pending).toBe(0)
  })

  it('ends with aborted and forgets the waiter when the client goes away', async () => {
    const { waiter } = await started()
    const controller = new AbortController()
    const outcome = waiter.watch('s1').wait({ timeoutMs: 10_000, signal: controller.signal })
    expect(waiter.pending).toBe(1)
    controller.abort()
    expect(await outcome).toBe('aborted')
    expect(waiter.pending).toBe(0)
  })

  it('ends at once when the signal is already aborted', async () => {
    const { waiter } = await started()
    expect(await waiter.watch('s1').wait({ timeoutMs: 10_000, signal: AbortSignal.abort() })).toBe('aborted')
  })

  it('forgets a cancelled watch', async () => {
    const { waiter } = await started()
    waiter.watch('s1').cancel()
    expect(waiter.pending).toBe(0)
  })

  it('releases every wait with closed on releaseAll', async () => {
    const { waiter } = await started()
    const outcomes = Promise.all([waiter.watch('s1').wait({ timeoutMs: 10_000 }), waiter.watch('s2').wait({ timeoutMs: 10_000 })])
    waiter.releaseAll()
    expect(await outcomes).toEqual(['closed', 'closed'])
    expect(waiter.pending).toBe(0)
  })
})
