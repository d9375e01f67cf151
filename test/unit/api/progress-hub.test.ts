import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { ProgressHub, type ProgressListener } from '../../../services/api/plugins/progress-hub.js'
import type { DoneSubscriber } from '../../../services/api/plugins/result-waiter.js'
import type { SubmissionProgressEvent } from '../../../services/shared/store/submission-progress.js'

const CHANNEL = 'test:submission-progress'

/** A subscriber driven by the test: `announce` plays a worker publishing progress, `drop` a lost connection. */
class FakeSubscriber extends EventEmitter implements DoneSubscriber {
  readonly channels = new Set<string>()
  async subscribe (channel: string): Promise<void> { this.channels.add(channel) }
  async unsubscribe (channel: string): Promise<void> { this.channels.delete(channel) }
  announce (message: unknown, channel = CHANNEL): void { this.emit('message', channel, typeof message === 'string' ? message : JSON.stringify(message)) }
  drop (): void { this.emit('close') }
}

function recorder (): ProgressListener & { got: SubmissionProgressEvent[], lostCount: number } {
  const r = {
    got: [] as SubmissionProgressEvent[],
    lostCount: 0,
    progress (event: SubmissionProgressEvent) { r.got.push(event) },
    lost () { r.lostCount++ },
  }
  return r
}

async function started (): Promise<{ subscriber: FakeSubscriber, hub: ProgressHub }> {
  const subscriber = new FakeSubscriber()
  const hub = new ProgressHub(subscriber, CHANNEL)
  await hub.start()
  return { subscriber, hub }
}

describe('ProgressHub', () => {
  it('subscribes once to the progress channel and leaves no listener on the connection after stop', async () => {
    const { subscriber, hub } = await started()
    await hub.start()
    expect([...subscriber.channels]).toEqual([CHANNEL])
    expect(subscriber.listenerCount('message')).toBe(1)
    await hub.stop()
    expect(subscriber.channels.size).toBe(0)
    expect(subscriber.listenerCount('message')).toBe(0)
    expect(subscriber.listenerCount('close')).toBe(0)
  })

  it('hands each update to the listeners of its submission only', async () => {
    const { subscriber, hub } = await started()
    const a = recorder()
    const b = recorder()
    hub.listen('s1', a)
    hub.listen('s2', b)
    const update = { id: 's1', state: 'running', test: 't.py::test_x', done: 0, total: 2, seq: 3 }
    subscriber.announce(update)
    expect(a.got).toEqual([update])
    expect(b.got).toEqual([])
  })

  it('ignores other channels and messages that are not progress', async () => {
    const { subscriber, hub } = await started()
    const a = recorder()
    hub.listen('s1', a)
    subscriber.announce({ id: 's1', state: 'running', seq: 1 }, 'test:submission-done')
    subscriber.announce('not json')
    subscriber.announce({ id: 's1', state: 'done', seq: 1 })
    subscriber.announce({ id: 's1', state: 'running' })
    subscriber.announce({ id: 's1', state: 'running', seq: 1, extra: true })
    expect(a.got).toEqual([])
  })

  it('unregisters a listener (idempotently) and counts what is left', async () => {
    const { subscriber, hub } = await started()
    const a = recorder()
    const unlisten = hub.listen('s1', a)
    hub.listen('s1', recorder())
    expect(hub.listening).toBe(2)
    unlisten()
    unlisten()
    expect(hub.listening).toBe(1)
    subscriber.announce({ id: 's1', state: 'running', seq: 1 })
    expect(a.got).toEqual([])
  })

  it('tells every listener when the connection is lost, and forgets them', async () => {
    const { subscriber, hub } = await started()
    const a = recorder()
    const b = recorder()
    hub.listen('s1', a)
    hub.listen('s2', b)
    subscriber.drop()
    expect([a.lostCount, b.lostCount]).toEqual([1, 1])
    expect(hub.listening).toBe(0)
  })

  it('keeps dispatching when one listener throws', async () => {
    const { subscriber, hub } = await started()
    const a = recorder()
    hub.listen('s1', { progress () { throw new Error('boom') }, lost () {} })
    hub.listen('s1', a)
    expect(() => subscriber.announce({ id: 's1', state: 'running', seq: 1 })).not.toThrow()
    expect(a.got).toHaveLength(1)
  })
})
