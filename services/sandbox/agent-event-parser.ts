import { StringDecoder } from 'node:string_decoder'
import { isAgentEvent, type AgentEvent } from './harness-protocol.js'

/** Longest single line the agent may print; its events are small, its report is capped below this. */
export const AGENT_LINE_MAX_BYTES = 4 * 1024 * 1024

/**
 * The worker's side of the container boundary: splits the agent's stdout
 * into lines and turns each into a typed event of the harness protocol.
 * Everything that comes out of a container is untrusted, so a line that is
 * not JSON, not an event of this protocol, or too long is an error, as is
 * more than `maxBytes` in all.
 */
export class AgentEventParser {
  private buffered = ''
  private total = 0
  private readonly decoder = new StringDecoder('utf8')
  constructor (private readonly maxBytes: number, private readonly maxLineBytes = AGENT_LINE_MAX_BYTES) {}

  /** Returns the complete events in `chunk`; throws when the stream is oversized or malformed. */
  push (chunk: Buffer): AgentEvent[] {
    this.total += chunk.length
    if (this.total > this.maxBytes) throw new Error(`agent output exceeds ${this.maxBytes} bytes`)
    // A character split across chunks must not become two replacement characters.
    this.buffered += this.decoder.write(chunk)
    const lines = this.buffered.split('\n')
    this.buffered = lines.pop() ?? ''
    if (this.buffered.length > this.maxLineBytes) throw new Error(`an agent line exceeds ${this.maxLineBytes} bytes`)
    return lines.filter(l => l.trim() !== '').map(line => {
      if (line.length > this.maxLineBytes) throw new Error(`an agent line exceeds ${this.maxLineBytes} bytes`)
      let parsed: unknown
      try {
        parsed = JSON.parse(line)
      } catch {
        throw new Error('agent printed a line that is not JSON')
      }
      if (!isAgentEvent(parsed)) {
        const kind = typeof parsed === 'object' && parsed !== null ? String((parsed as { event?: unknown }).event).slice(0, 40) : typeof parsed
        throw new Error(`agent printed a message out of protocol (${kind})`)
      }
      return parsed
    })
  }
}
