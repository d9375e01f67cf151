import type { ServerResponse } from 'node:http'

/**
 * One server-sent event as text: `id:`, `event:` and one `data:` line per
 * line of `data` (a line break inside a `data:` line would end it early, so
 * the data is split the way the SSE parser joins it back), then a blank line.
 */
export function formatEvent (id: number, event: string, data: string): string {
  const lines = data.split(/\r\n|\r|\n/).map(line => `data: ${line}\n`).join('')
  return `id: ${id}\nevent: ${event}\n${lines}\n`
}

/** A comment line: ignored by every SSE client, but bytes on the wire that keep proxies from timing out. */
export const HEARTBEAT = ': keep-alive\n\n'

/**
 * The first event id of a stream: one past the `Last-Event-ID` an
 * `EventSource` sends when it reconnects, so ids keep increasing across
 * reconnections; 1 otherwise.
 */
export function firstEventId (lastEventId: string | string[] | undefined): number {
  const raw = Array.isArray(lastEventId) ? lastEventId[0] : lastEventId
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) return 1
  return Number(raw) + 1
}

/**
 * A `text/event-stream` response written directly on the Node response:
 * numbered events, a heartbeat comment every `heartbeatMs`, and one `end`.
 * Nothing is written after the end or after the client went away.
 */
export class EventStream {
  private nextId: number
  private readonly heartbeat: NodeJS.Timeout
  private ended = false

  constructor (private readonly raw: ServerResponse, opts: { firstId: number, heartbeatMs: number }) {
    this.nextId = opts.firstId
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      // neither browsers nor proxies may cache or transform (gzip) a live stream
      'cache-control': 'no-cache, no-transform',
      // nginx buffers proxied responses unless told not to
      'x-accel-buffering': 'no',
    })
    raw.flushHeaders()
    this.heartbeat = setInterval(() => { this.write(HEARTBEAT) }, opts.heartbeatMs)
  }

  /** Whether the stream still accepts events (not ended, client still there). */
  get open (): boolean {
    return !this.ended && !this.raw.destroyed
  }

  /** Sends one event with the next id; `data` is written as is (JSON, one line). */
  send (event: string, data: string): void {
    if (this.write(formatEvent(this.nextId, event, data))) this.nextId++
  }

  /** Stops the heartbeat and ends the response (idempotent). */
  end (): void {
    if (this.ended) return
    this.ended = true
    clearInterval(this.heartbeat)
    if (!this.raw.destroyed) this.raw.end()
  }

  private write (text: string): boolean {
    if (!this.open) return false
    // a slow reader only makes Node buffer a few small events: no back-pressure needed
    this.raw.write(text)
    return true
  }
}
