import { describe, expect, it } from 'vitest'
import { readServerSentEvents, type ServerSentEvent } from '../../../clients/typescript/server-sent-events.js'

/** A body delivering `chunks` one by one, as the network may cut them. */
function body (chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    start (controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
      controller.close()
    },
  })
}

async function read (chunks: string[]): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = []
  for await (const event of readServerSentEvents(body(chunks))) events.push(event)
  return events
}

describe('readServerSentEvents', () => {
  it('reads named events with ids, multi-line data and comments', async () => {
    const events = await read([': keep-alive\n\n', 'id: 1\nevent: queued\ndata: {"id":"a"}\n\n', 'id: 2\nevent: done\ndata: line one\ndata: line two\n\n'])
    expect(events).toEqual([
      { event: 'queued', data: '{"id":"a"}', id: '1' },
      { event: 'done', data: 'line one\nline two', id: '2' },
    ])
  })

  it('reassembles events cut anywhere, CRLF and CR line ends included', async () => {
    const text = 'event: running\r\ndata: {"test":"t::a"}\r\n\r\nevent: done\rdata: x\r\r'
    // every split point: a chunk boundary inside a CRLF must not make two line ends
    for (let cut = 0; cut <= text.length; cut++) {
      expect(await read([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual([
        { event: 'running', data: '{"test":"t::a"}', id: undefined },
        { event: 'done', data: 'x', id: undefined },
      ])
    }
  })

  it('names an unnamed event "message", keeps a value without the space, skips events without data', async () => {
    expect(await read(['data:no-space\n\nevent: empty\n\nevent: x\ndata\n\n'])).toEqual([
      { event: 'message', data: 'no-space', id: undefined },
      { event: 'x', data: '', id: undefined },
    ])
  })

  it('drops an event the stream cut off before its blank line', async () => {
    expect(await read(['event: queued\ndata: {}\n\nevent: done\ndata: {"cut":'])).toEqual([
      { event: 'queued', data: '{}', id: undefined },
    ])
  })

  it('decodes a UTF-8 character split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: é\n\n')
    const stream = new ReadableStream<Uint8Array>({
      start (controller) {
        controller.enqueue(bytes.slice(0, 7))
        controller.enqueue(bytes.slice(7))
        controller.close()
      },
    })
    const events: ServerSentEvent[] = []
    for await (const event of readServerSentEvents(stream)) events.push(event)
    expect(events).toEqual([{ event: 'message', data: 'é', id: undefined }])
  })
})
