/**
 * One simulated student's client: posts a submission, and when the grader
 * refuses it with `503 over_capacity` (or `429`) waits as long as
 * `Retry-After` says and posts again, until it is accepted; then holds the
 * request (`?wait=true`) until the verdict, polling only if the hold ends
 * first. Every try is counted, so the report can say whether honouring
 * `Retry-After` got a submission in.
 */
import { Type } from 'typebox'
import { Value } from 'typebox/value'

/** What happened to one submission, as its client saw it. Times in ms of the bench's clock (`performance.now()`). */
export interface ClientOutcome {
  /** POSTs sent, the accepted one included (1 = accepted at once). */
  tries: number
  /** `503 over_capacity` answers that carried `Retry-After`. */
  refusals: number
  /** The `Retry-After` of each such refusal, in seconds. */
  retryAfterS: number[]
  /** `503` answers without a usable `Retry-After` (each one is a miss of the contract). */
  refusalsWithoutRetryAfter: number
  /** `429` answers (a rate limit, not capacity: the bench sets limits so that none should come). */
  rateLimited: number
  /** When the accepted POST was sent. */
  acceptedAt?: number
  /** When its verdict arrived. */
  answeredAt?: number
  /** `pass`, or `fail` / `error/<reason>` for a verdict that is not (each is a fault: the answers are correct). */
  status?: string
  /** What went wrong when there is no verdict, or the verdict's message. */
  error?: string
  /** The run's time bound came before a verdict. */
  unfinished: boolean
  /** Whether its run took a warm container (`warm`) or created one (`cold`), as the result says. */
  container?: string
  /** The grader's own times of the run, in ms: queued (accepted to started) and graded (create to collect). */
  graderMs?: { queueMs: number, gradingMs: number }
}

export interface ClientTarget {
  url: string
  key: string
}

const DoneSchema = Type.Object({
  state: Type.Literal('done'),
  result: Type.Object({
    status: Type.String(),
    reason: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
    container: Type.Optional(Type.String()),
    durationMs: Type.Optional(Type.Number()),
    timings: Type.Optional(Type.Object({ queueMs: Type.Optional(Type.Number()) })),
  }),
})
const AcceptedSchema = Type.Object({ id: Type.String(), state: Type.String() })
const ErrorSchema = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.Optional(Type.String()) }) })

/** Seconds of a `Retry-After` header: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds (header: string | null, nowMs = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined
  const text = header.trim()
  if (/^[0-9]+$/.test(text)) return Number(text)
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000))
}

/** Between polls once a held request ended without the verdict, in ms. */
const POLL_MS = 1000
/** Wait after a 503 without `Retry-After`: the client has to pick something, and counts it as a miss. */
const NO_RETRY_AFTER_WAIT_MS = 1000

export type ClientState = 'sent' | 'retrying' | 'ended'

export interface ClientOptions {
  /** `performance.now()` past which the client gives up (the run's time bound). */
  deadline: number
  /**
   * Extra wait on top of each `Retry-After`, in ms: the header has whole
   * seconds, so a client waits at least that and a little more, and a hall
   * of clients refused in the same second does not come back in the same ms.
   */
  jitterMs: () => number
  /**
   * Told of each state change, for the bench's timeline: `sent` (a POST is on
   * its way: a refusal comes back in ms, so a POST still out is an accepted
   * submission waiting for its verdict), `retrying` (refused, waiting out
   * `Retry-After`), `ended` (verdict, error or time bound).
   */
  onState?: (state: ClientState) => void
}

/** Sleeps `ms`, or less when the deadline comes first; false when the deadline came. */
async function sleepUntil (ms: number, deadline: number): Promise<boolean> {
  const left = deadline - performance.now()
  await new Promise(resolve => setTimeout(resolve, Math.max(0, Math.min(ms, left))))
  return performance.now() < deadline
}

/** Posts `body` until accepted, then waits for its verdict. Never throws: what went wrong is in the outcome. */
export async function submitUntilGraded (target: ClientTarget, body: unknown, opts: ClientOptions): Promise<ClientOutcome> {
  try {
    return await submitOnce(target, body, opts)
  } finally {
    opts.onState?.('ended')
  }
}

async function submitOnce (target: ClientTarget, body: unknown, opts: ClientOptions): Promise<ClientOutcome> {
  const out: ClientOutcome = { tries: 0, refusals: 0, retryAfterS: [], refusalsWithoutRetryAfter: 0, rateLimited: 0, unfinished: false }
  const headers = { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' }
  const signal = (): AbortSignal => AbortSignal.timeout(Math.max(1, Math.ceil(opts.deadline - performance.now())))
  try {
    for (;;) {
      if (performance.now() >= opts.deadline) { out.unfinished = true; return out }
      out.tries++
      const sentAt = performance.now()
      opts.onState?.('sent')
      const res = await fetch(`${target.url}/v1/submissions?wait=true`, { method: 'POST', headers, body: JSON.stringify(body), signal: signal() })
      const json: unknown = await res.json().catch(() => null)
      if (res.status === 503 || res.status === 429) {
        const code = Value.Check(ErrorSchema, json) ? json.error.code : `HTTP ${res.status}`
        if (res.status === 503 && code !== 'over_capacity') {
          out.error = `503 ${code}: ${Value.Check(ErrorSchema, json) ? json.error.message ?? '' : ''}`.slice(0, 300)
          return out
        }
        const after = retryAfterSeconds(res.headers.get('retry-after'))
        if (res.status === 429) out.rateLimited++
        else if (after === undefined) out.refusalsWithoutRetryAfter++
        else { out.refusals++; out.retryAfterS.push(after) }
        opts.onState?.('retrying')
        const waitMs = after === undefined ? NO_RETRY_AFTER_WAIT_MS : after * 1000 + opts.jitterMs()
        if (!await sleepUntil(waitMs, opts.deadline)) { out.unfinished = true; return out }
        continue
      }
      if (res.status !== 200 && res.status !== 202) {
        out.error = `POST answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`
        return out
      }
      out.acceptedAt = sentAt
      let done = Value.Check(DoneSchema, json) ? json : undefined
      // The hold ended before the verdict (GRADER_WAIT_MAX_MS): poll, sparingly.
      if (done === undefined) {
        if (!Value.Check(AcceptedSchema, json)) { out.error = `POST answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`; return out }
        while (done === undefined) {
          if (!await sleepUntil(POLL_MS, opts.deadline)) { out.unfinished = true; return out }
          const poll = await fetch(`${target.url}/v1/submissions/${json.id}`, { headers, signal: signal() })
          const view: unknown = await poll.json().catch(() => null)
          if (poll.status !== 200) { out.error = `GET answered ${poll.status}: ${JSON.stringify(view).slice(0, 300)}`; return out }
          if (Value.Check(DoneSchema, view)) done = view
        }
      }
      out.answeredAt = performance.now()
      const { status, reason, message, container, durationMs, timings } = done.result
      out.status = status === 'pass' ? 'pass' : `${status}${reason !== undefined ? `/${reason}` : ''}`
      if (container !== undefined) out.container = container
      if (durationMs !== undefined && timings?.queueMs !== undefined) out.graderMs = { queueMs: timings.queueMs, gradingMs: durationMs }
      if (status !== 'pass' && message !== undefined) out.error = message.slice(0, 300)
      return out
    }
  } catch (err) {
    if (performance.now() >= opts.deadline) out.unfinished = true
    else out.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
    return out
  }
}
