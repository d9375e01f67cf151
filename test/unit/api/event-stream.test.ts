import { PassThrough } from 'node:stream'
import type { ServerResponse } from 'node:http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { EventStream, firstEventId, formatEvent, HEARTBEAT } from '../../../services/api/event-stream.js'

/** Just what EventStream uses of a ServerResponse, recording what is written. */
function fakeResponse () {
  const written: string[] = []
  const res = Object.assign(new PassThrough(), {
    headers: {} as Record<string, string>,
    writeHead (_status: number, headers: Record<string, string>) { Object.assign(res.headers, headers) },
    flushHeaders () {},
  })
  res.on('data', (chunk: Buffer) => written.push(chunk.toString()))
  return { res, raw: res as unknown as ServerResponse, written }
}

afterEach(() => { vi.useRealTimers() })

describe('formatEvent', () => {
  it('writes id, event and data lines ended by a blank line', () => {
    expect(formatEvent(3, 'queued', '{"id":"x","state":"queued"}')).toBe('id: 3\nevent: queued\ndata: {"id":"x","state":"queued"}\n\n')
  })

  it('splits data at every kind of line break, so none ends the event early', () => {
    expect(formatEvent(1, 'e', 'a\nb\r\nc\rd')).toBe('id: 1\nevent: e\ndata: a\ndata: b\ndata: c\ndata: d\n\n')
  })
})

describe('firstEventId', () => {
  it('starts at 1, or one past a numeric Last-Event-ID', () => {
    expect(firstEventId(undefined)).toBe(1)
    expect(firstEventId('41')).toBe(42)
    expect(firstEventId(['7', '9'])).toBe(8)
  })

  it('ignores a Last-Event-ID that is not a small number', () => {
    for (const bad of ['', 'abc', '-1', '1.5', '9'.repeat(16)]) expect(firstEventId(bad)).toBe(1)
  })
})

describe('EventStream', () => {
  it('numbers events, sends heartbeats on its interval, and writes nothing after end', () => {
    vi.useFakeTimers()
    const { res, raw, written } = fakeResponse()
    const stream = new EventStream(raw, { firstId: 5, heartbeatMs: 1_000 })
    expect(res.headers['content-type']).toBe('text/event-stream')
    stream.send('queued', '{}')
    vi.advanceTimersByTime(2_500)
    stream.send('done', '{}')
    stream.end()
    vi.advanceTimersByTime(5_000)
    stream.send('late', '{}')
    expect(written.join('')).toBe(`id: 5\nevent: queued\ndata: {}\n\n${HEARTBEAT}${HEARTBEAT}id: 6\nevent: done\ndata: {}\n\n`)
    expect(stream.open).toBe(false)
  })

  it('stops writing once the client went away', () => {
    vi.useFakeTimers()
    const { res, raw, written } = fakeResponse()
    const stream = new EventStream(raw, { firstId: 1, heartbeatMs: 1_000 })
    res.destroy()
    vi.advanceTimersByTime(3_000)
    stream.send('queued', '{}')
    expect(written).toEqual([])
    stream.end()
  })
})
