/** One server-sent event as the stream carried it (data not parsed). */
export interface ServerSentEvent {
  /** `event:` field; `message` when the server named none (as in `EventSource`). */
  event: string
  /** The `data:` lines joined with `\n`. */
  data: string
  /** The last `id:` seen on the stream so far, if any (what `Last-Event-ID` resends). */
  id: string | undefined
}

/**
 * Reads a `text/event-stream` body into events, following the WHATWG
 * parsing rules: lines end with CRLF, LF or CR; a blank line dispatches; `:`
 * starts a comment (the server's keep-alives); one space after the colon is
 * dropped; an event without data is not dispatched.
 *
 * Written by hand rather than with `EventSource`: Node 20 has none, and an
 * `EventSource` cannot send the `Authorization` header the API needs.
 */
export async function * readServerSentEvents (body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader()
  const decoder = new TextDecoder('utf-8')
  let buffer = ''
  let event = ''
  let data: string[] = []
  let lastId: string | undefined
  // a CR just ended the buffer: if the next chunk starts with LF, it is the same line end
  let skipLeadingLf = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true })
      if (skipLeadingLf && buffer.startsWith('\n')) buffer = buffer.slice(1)
      skipLeadingLf = false
      for (;;) {
        const end = buffer.search(/[\r\n]/)
        if (end < 0) break
        const line = buffer.slice(0, end)
        const crlf = buffer[end] === '\r' && buffer[end + 1] === '\n'
        if (buffer[end] === '\r' && end + 1 === buffer.length) skipLeadingLf = true
        buffer = buffer.slice(end + (crlf ? 2 : 1))
        if (line === '') {
          if (data.length > 0) yield { event: event === '' ? 'message' : event, data: data.join('\n'), id: lastId }
          event = ''
          data = []
          continue
        }
        if (line.startsWith(':')) continue
        const colon = line.indexOf(':')
        const field = colon < 0 ? line : line.slice(0, colon)
        let fieldValue = colon < 0 ? '' : line.slice(colon + 1)
        if (fieldValue.startsWith(' ')) fieldValue = fieldValue.slice(1)
        if (field === 'event') event = fieldValue
        else if (field === 'data') data.push(fieldValue)
        else if (field === 'id' && !fieldValue.includes('\0')) lastId = fieldValue
        // `retry` and unknown fields: reconnection timing is ours to decide
      }
      // an event cut off by the end of the stream is discarded, as the spec says
      if (done) return
    }
  } finally {
    // stops the download when the consumer leaves the loop early
    await reader.cancel().catch(() => {})
  }
}
