import { StringDecoder } from 'node:string_decoder'

/**
 * Messages of harness protocol 1, printed by the in-container agent on its
 * stdout (one JSON object per line). The student's code runs as another uid
 * and holds no descriptor of that stream, so everything here comes from the
 * trusted half of the harness. See images/python/harness/agent.py.
 */

export const HARNESS_PROTOCOL = 1

/** One test as the agent judged it: status already strict (missing, skipped or doubled reports are errors). */
export interface AgentTest {
  name: string
  status: 'pass' | 'fail' | 'error' | 'skip'
  message?: string
  output?: string
  test_code?: string
}

export interface AgentReport {
  event: 'report'
  protocol: number
  /** The agent could not do its job (bad job, runner never connected): a fault of ours. */
  fault?: string
  /** Decided before any student code ran. */
  verdict?: 'syntax' | 'no_tests' | 'runtime'
  message?: string
  /** The runner reached the end of the session. */
  complete?: boolean
  /** Node ids pytest collected; absent if collection never finished. */
  collected?: string[] | null
  collectErrors?: Array<{ path: string, message: string }>
  /** The test running when the report was written, if any. */
  current?: string | null
  outsideOutput?: string
  outputBytes?: number
  outputExceeded?: boolean
  /** A kernel limit the student's code ran into, after which the agent stopped the run. */
  limit?: 'pids' | 'disk'
  /** Tampering the runner detected in its own process (integrity checks). */
  problems?: string[]
  tests?: AgentTest[]
}

export type AgentEvent =
  | { event: 'ready', tests: string[] }
  | { event: 'test', id: string }
  | { event: 'result', test: AgentTest }
  | AgentReport

/** Splits the agent's stdout into events, refusing more than `maxBytes` in all. */
export class AgentEventParser {
  private buffered = ''
  private total = 0
  private readonly decoder = new StringDecoder('utf8')
  constructor (private readonly maxBytes: number) {}

  /** Returns the complete events in `chunk`; throws when the stream is oversized or malformed. */
  push (chunk: Buffer): AgentEvent[] {
    this.total += chunk.length
    if (this.total > this.maxBytes) throw new Error(`agent output exceeds ${this.maxBytes} bytes`)
    // A character split across chunks must not become two replacement characters.
    this.buffered += this.decoder.write(chunk)
    const lines = this.buffered.split('\n')
    this.buffered = lines.pop() ?? ''
    return lines.filter(l => l.trim() !== '').map(line => {
      const parsed: unknown = JSON.parse(line)
      if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { event?: unknown }).event !== 'string') {
        throw new Error('agent printed a line that is not an event')
      }
      return parsed as AgentEvent
    })
  }
}
