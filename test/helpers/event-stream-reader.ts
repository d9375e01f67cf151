/** One server-sent event as a client sees it (comments are kept apart). */
export interface ReceivedEvent {
  id?: string
  event: string
  data: string
}

/**
 * Reads a `text/event-stream` body with a streaming reader, the way a
 * browser's EventSource parses it (fields `id`, `event`, `data`; lines
 * starting with `:` are comments), so tests see events as they arrive.
 */
export class EventStreamReader {
  readonly events: ReceivedEvent[] = []
  readonly comments: string[] = []
  /** Set once the server ended the stream. */
  ended = false
  private buffer = ''
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>
  private readonly decoder = new TextDecoder()

  constructor (body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader()
  }

  /** Reads until `until` holds (or the stream ends); rejects after `timeoutMs`. */
  async readUntil (until: (r: EventStreamReader) => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!until(this) && !this.ended) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`stream did not get there in ${timeoutMs} ms; events so far: ${JSON.stringify(this.events)}`)
      let timer: NodeJS.Timeout | undefined
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`no bytes for ${timeoutMs} ms; events so far: ${JSON.stringify(this.events)}`)), left) }),
      ]).finally(() => clearTimeout(timer))
      if (chunk.done) {
        this.ended = true
        break
      }
      this.feed(this.decoder.decode(chunk.value, { stream: true }))
    }
  }

  /** Reads everything until the server ends the stream. */
  async readToEnd (timeoutMs = 60_000): Promise<ReceivedEvent[]> {
    await this.readUntil(() => false, timeoutMs)
    return this.events
  }

  /** Gives up the body (the client goes away). */
  async cancel (): Promise<void> {
    await this.reader.cancel()
  }

  private feed (text: string): void {
    this.buffer += text
    const blocks = this.buffer.split(/\r\n\r\n|\n\n|\r\r/)
    this.buffer = blocks.pop() ?? ''
    for (const block of blocks) {
      const event: ReceivedEvent = { event: 'message', data: '' }
      const data: string[] = []
      let isEvent = false
      for (const line of block.split(/\r\n|\n|\r/)) {
        if (line.startsWith(':')) { this.comments.push(line.slice(1).trim()); continue }
        const colon = line.indexOf(':')
        const field = colon < 0 ? line : line.slice(0, colon)
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
        isEvent = true
        if (field === 'id') event.id = value
        else if (field === 'event') event.event = value
        else if (field === 'data') data.push(value)
      }
      if (!isEvent) continue
      event.data = data.join('\n')
      this.events.push(event)
    }
  }
}
