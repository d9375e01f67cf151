/**
 * The bench's side of the grader's HTTP API: one submission graded and its
 * end-to-end time, either in one held request (`POST ?wait=true`) or as a
 * client of a busy service would do it (`POST`, then the events stream until
 * `done`). The API has no `GET ?wait=true`; the stream is its way to wait.
 */
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

/** The stages of `result.timings`, in ms, in the order a run goes through them. */
export const STAGES = ['queueMs', 'createMs', 'startMs', 'uploadMs', 'runMs', 'collectMs'] as const
export type Stage = typeof STAGES[number]

/** What the bench reads of a finished submission: the verdict and its timings. */
const FinishedSchema = Type.Object({
  id: Type.String(),
  state: Type.Literal('done'),
  result: Type.Object({
    status: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('error')]),
    reason: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
    timings: Type.Optional(Type.Record(Type.String(), Type.Number())),
  }),
})
export type Finished = Static<typeof FinishedSchema>
const AcceptedSchema = Type.Object({ id: Type.String() })

/** One grading as the bench saw it. */
export interface Graded {
  /** End to end, in ms: from the moment the submission was due (sent, or scheduled under load) to its verdict. */
  ms: number
  /** `pass` for the bench's submission; anything else is counted as an error. */
  status: string
  /** The result's message, when it has one (what went wrong, for an error). */
  message?: string
  timings: Partial<Record<Stage, number>>
}

export interface GraderTarget {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string
  key: string
}

function headers (target: GraderTarget): Record<string, string> {
  return { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' }
}

function finished (json: unknown, what: string): Finished {
  if (!Value.Check(FinishedSchema, json)) throw new Error(`${what}: not a finished submission: ${JSON.stringify(json).slice(0, 300)}`)
  return json
}

function graded (sub: Finished, ms: number): Graded {
  const timings: Partial<Record<Stage, number>> = {}
  for (const s of STAGES) if (typeof sub.result.timings?.[s] === 'number') timings[s] = sub.result.timings[s]
  const status = sub.result.status === 'pass' ? 'pass' : `${sub.result.status}/${sub.result.reason ?? ''}`
  return { ms, status, ...(sub.result.message !== undefined ? { message: sub.result.message.slice(0, 300) } : {}), timings }
}

/** `POST /v1/submissions?wait=true`: the whole grading in one request, timed from sending it. */
export async function gradeHeld (target: GraderTarget, body: unknown): Promise<Graded> {
  const t0 = performance.now()
  const res = await fetch(`${target.url}/v1/submissions?wait=true`, { method: 'POST', headers: headers(target), body: JSON.stringify(body) })
  const json: unknown = await res.json()
  const ms = performance.now() - t0
  if (res.status !== 200) throw new Error(`POST ?wait=true answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`)
  return graded(finished(json, 'POST ?wait=true'), ms)
}

/**
 * `POST /v1/submissions`, then `GET /v1/submissions/:id/events` until its
 * `done` event. `dueAt` is the `performance.now()` the submission was due:
 * under open-loop load, a send the event loop delayed still counts from its
 * scheduled time (no coordinated omission).
 */
export async function gradeStreamed (target: GraderTarget, body: unknown, dueAt = performance.now(), timeoutMs = 120_000): Promise<Graded> {
  const signal = AbortSignal.timeout(timeoutMs)
  const res = await fetch(`${target.url}/v1/submissions`, { method: 'POST', headers: headers(target), body: JSON.stringify(body), signal })
  const accepted: unknown = await res.json()
  if (res.status !== 202 || !Value.Check(AcceptedSchema, accepted)) throw new Error(`POST answered ${res.status}: ${JSON.stringify(accepted).slice(0, 300)}`)
  const stream = await fetch(`${target.url}/v1/submissions/${accepted.id}/events`, { headers: { authorization: `Bearer ${target.key}`, accept: 'text/event-stream' }, signal })
  if (stream.status !== 200 || stream.body === null) throw new Error(`events stream answered ${stream.status}`)
  const done = await untilDone(stream.body)
  const ms = performance.now() - dueAt
  return graded(finished(done, 'done event'), ms)
}

/** Reads server-sent events until `done` and returns its data as JSON; an `error` event or the end of the stream throws. */
async function untilDone (body: ReadableStream<Uint8Array>): Promise<unknown> {
  const decoder = new TextDecoder()
  let buffer = ''
  const reader = body.getReader()
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) throw new Error('events stream ended before done')
      buffer += decoder.decode(value, { stream: true })
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const event = /^event: (.*)$/m.exec(block)?.[1]
        const data = [...block.matchAll(/^data: (.*)$/gm)].map(m => m[1]).join('\n')
        if (event === 'done') return JSON.parse(data)
        if (event === 'error') throw new Error(`events stream error: ${data.slice(0, 300)}`)
      }
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}

/** `GET /v1/hosts` as JSON (pool state per host once the warm pool reports it), or null when not readable. */
export async function hostsView (target: GraderTarget): Promise<unknown> {
  const res = await fetch(`${target.url}/v1/hosts`, { headers: headers(target) }).catch(() => null)
  return res?.ok === true ? await res.json() : null
}

/**
 * Waits until the grader is idle as `GET /v1/hosts` shows it: nothing in
 * flight and every pool refilled to its target, for at most `maxMs`. A
 * baseline grading taken while the grader still refills its pool would pay
 * for the grader's work. Returns whether it became idle in time.
 */
export async function untilIdle (target: GraderTarget, maxMs = 5000): Promise<boolean> {
  const deadline = performance.now() + maxMs
  for (;;) {
    const view = await hostsView(target) as { hosts?: Array<{ inFlight?: number, pool?: { ready?: number, target?: number } }> } | null
    const hosts = Array.isArray(view?.hosts) ? view.hosts : []
    const idle = hosts.every(h => (h.inFlight ?? 0) === 0 && (h.pool === undefined || (h.pool.ready ?? 0) >= (h.pool.target ?? 0)))
    if (idle) return true
    if (performance.now() > deadline) return false
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
