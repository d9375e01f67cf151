// Types only from the grader's own schemas (erased at run time): the client
// has no run-time dependency on the server, and cannot drift from it.
import type { Static } from 'typebox'
import type { ExercismResults, ExercismV3Results } from '../../services/api/exercism-results.js'
import type { GradescopeResults } from '../../services/api/gradescope-results.js'
import type { ErrorBody } from '../../services/api/plugins/error-handler.js'
import type { BatchAccepted } from '../../services/api/routes/v1/batches/batch-schema.js'
import type { RegradeAcceptedSchema } from '../../services/api/routes/v1/challenges/regrade.js'
import type { DeliveriesSchema } from '../../services/api/routes/v1/submissions/deliveries.js'
import type { BatchProgress } from '../../services/shared/contracts/batch-schema.js'
import type { ChallengeRequest } from '../../services/shared/contracts/challenge-schema.js'
import type { Submission, SubmissionRequest } from '../../services/shared/contracts/submission-schema.js'
import type { KeyCreated, KeyRequest, Tenant, TenantRequest } from '../../services/shared/contracts/tenant-schema.js'
import type { CapacityView } from '../../services/api/routes/v1/capacity/capacity-schema.js'
import { GraderApiError, parseRetryAfterS } from './grader-api-error.js'
import { readServerSentEvents } from './server-sent-events.js'
import { verifyWebhook, type GraderWebhook, type WebhookHeaders } from './verify-webhook.js'

/** A submission whose grading is over: `result` is there. */
export type DoneSubmission = Submission & { state: 'done', result: NonNullable<Submission['result']> }

/** What `submit` answers: accepted (202), or done when `wait` saw the verdict in time (200). */
export type SubmitAnswer = { id: string, state: 'queued' | 'running' } | DoneSubmission

/** `GET /v1/submissions/:id/deliveries`: the webhook's state and every attempt, oldest first. */
export type Deliveries = Static<typeof DeliveriesSchema>

/** `POST /v1/challenges/:id/regrade` answer: the regrade's batch id, how many submissions, the version graded against. */
export type RegradeAccepted = Static<typeof RegradeAcceptedSchema>

/** `view` of a read: `student` redacts a challenge's hidden tests. @defaultValue 'full' */
export type SubmissionView = 'full' | 'student'

/**
 * One event of `GET /v1/submissions/:id/events`: `queued`, then `running`
 * (again as each test starts, with the test's id and the counts once known),
 * then `done` with the submission as `GET` answers it; the stream ends after `done`.
 */
export type SubmissionEvent =
  | { event: 'queued', data: { id: string, state: 'queued' } }
  | { event: 'running', data: { id: string, state: 'running', test?: string, done?: number, total?: number } }
  | { event: 'done', data: DoneSubmission }

/** Options of a {@link GraderClient}. */
export interface GraderClientOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:8080`. */
  url: string
  /** A key of the grader's `GRADER_API_KEYS` (an admin key for `putChallenge`). */
  apiKey: string
  /**
   * Longest wait for an answer to a plain request, in ms. Not applied to
   * `submit({ wait: true })`, `wait` and `stream`, which wait on purpose
   * (bound those with their own options or a `signal`).
   * @defaultValue 30000
   */
  requestTimeoutMs?: number
  /** First polling interval of `wait`, in ms; it doubles up to 2000. @defaultValue 200 */
  pollFirstMs?: number
  /** Pause before `stream` reopens a dropped event stream, in ms. @defaultValue 500 */
  streamReconnectDelayMs?: number
  /** The fetch to use. @defaultValue globalThis.fetch */
  fetch?: typeof fetch
}

/** Longest `wait` by default, in ms. */
const WAIT_DEFAULT_MS = 120_000
/** Polling interval of `wait`: starts at `pollFirstMs` and doubles up to this, in ms. */
const POLL_MAX_MS = 2_000
/** Reconnections of `stream` after the connection dropped before `done`. */
const STREAM_RECONNECTS = 3

/** Statuses the API gives the codes an event stream's `error` event carries. */
const STREAM_ERROR_STATUS: Record<string, number> = { unavailable: 503, internal: 500 }

const sleep = async (ms: number, signal?: AbortSignal): Promise<void> => await new Promise((resolve, reject) => {
  if (signal?.aborted === true) { reject(signal.reason); return }
  const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
  const onAbort = (): void => { clearTimeout(timer); reject(signal?.reason) }
  signal?.addEventListener('abort', onAbort, { once: true })
})

const isDone = (s: Submission | SubmitAnswer): s is DoneSubmission => s.state === 'done' && 'result' in s && s.result !== undefined

/**
 * The grader's HTTP API for a platform backend:
 *
 * ```ts
 * const grader = new GraderClient({ url: 'http://127.0.0.1:8080', apiKey: process.env.GRADER_KEY! })
 * const { id } = await grader.submit({ challenge: 'two-sum', files: { 'solution.py': code }, student: 's-123' })
 * for await (const e of grader.stream(id)) if (e.event === 'running') console.log(e.data.test)
 * const done = await grader.wait(id)
 * console.log(done.result.score, '/', done.result.maxScore)
 * ```
 *
 * Every failure is a {@link GraderApiError}.
 */
export class GraderClient {
  private readonly base: string
  private readonly apiKey: string
  private readonly requestTimeoutMs: number
  private readonly fetch: typeof fetch
  private readonly pollFirstMs: number
  private readonly streamReconnectDelayMs: number

  constructor (options: GraderClientOptions) {
    this.base = options.url.replace(/\/+$/, '')
    this.apiKey = options.apiKey
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis)
    this.pollFirstMs = options.pollFirstMs ?? 200
    this.streamReconnectDelayMs = options.streamReconnectDelayMs ?? 500
  }

  /**
   * `POST /v1/submissions`. With `wait`, the server holds the answer until
   * the verdict (at most its `GRADER_WAIT_MAX_MS`): a `DoneSubmission` then,
   * else still `{ id, state }`.
   * With `idempotencyKey` (sent as `Idempotency-Key`), sending the same
   * body again with the same key answers the same submission instead of
   * grading twice; the same key with another body is 409.
   */
  async submit (body: SubmissionRequest, opts: { idempotencyKey?: string, wait?: boolean, signal?: AbortSignal } = {}): Promise<SubmitAnswer> {
    const headers: Record<string, string> = {}
    if (opts.idempotencyKey !== undefined) headers['idempotency-key'] = opts.idempotencyKey
    const res = await this.send('POST', `/v1/submissions${opts.wait === true ? '?wait=true' : ''}`, {
      body, headers, signal: opts.signal, timeout: opts.wait !== true,
    })
    return await this.json<SubmitAnswer>(res)
  }

  /**
   * `POST /v1/submissions/batch`: up to the server's `GRADER_BATCH_MAX`
   * submissions (413 `batch_too_large` beyond). The answer has one entry per
   * submission, in order: `{ id, state }` or its own `{ error }`.
   * `callbackUrl` gets one `batch.done` webhook once every member is done.
   */
  async submitBatch (submissions: SubmissionRequest[], opts: { callbackUrl?: string, idempotencyKey?: string } = {}): Promise<BatchAccepted> {
    const headers: Record<string, string> = {}
    if (opts.idempotencyKey !== undefined) headers['idempotency-key'] = opts.idempotencyKey
    const body = { submissions, ...(opts.callbackUrl === undefined ? {} : { callbackUrl: opts.callbackUrl }) }
    return await this.json<BatchAccepted>(await this.send('POST', '/v1/submissions/batch', { body, headers }))
  }

  /** `GET /v1/batches/:id`: a batch's (or a regrade's) progress and members. */
  async getBatch (id: string): Promise<BatchProgress> {
    return await this.json<BatchProgress>(await this.send('GET', `/v1/batches/${encodeURIComponent(id)}`))
  }

  /** `GET /v1/submissions/:id`, in the full view or the student's. */
  async get (id: string, opts: { view?: SubmissionView } = {}): Promise<Submission> {
    const query = opts.view === undefined ? '' : `?view=${opts.view}`
    return await this.json<Submission>(await this.send('GET', `/v1/submissions/${encodeURIComponent(id)}${query}`))
  }

  /**
   * `GET /v1/submissions/:id/results.json`: the result as Exercism's test
   * runner writes it, version 2 (default) or 3 (`task_id` per test). Full
   * view only: it is for the platform's backend. 404 `not_found` until done.
   */
  async exercismResults (id: string, opts?: { version?: 2 }): Promise<ExercismResults>
  async exercismResults (id: string, opts: { version: 3 }): Promise<ExercismV3Results>
  async exercismResults (id: string, opts: { version?: 2 | 3 } = {}): Promise<ExercismResults | ExercismV3Results> {
    const query = opts.version === undefined ? '' : `?version=${opts.version}`
    return await this.json(await this.send('GET', `/v1/submissions/${encodeURIComponent(id)}/results.json${query}`))
  }

  /** `GET /v1/submissions/:id/gradescope.json`: Gradescope's autograder results.json (score, tests with visibility). */
  async gradescopeResults (id: string): Promise<GradescopeResults> {
    return await this.json(await this.send('GET', `/v1/submissions/${encodeURIComponent(id)}/gradescope.json`))
  }

  /**
   * Resolves once the submission is done. `GET` has no long-poll, so this
   * polls it, every 200 ms at first and every 2 s at most (use `stream` to be
   * told without polling).
   *
   * @param opts.timeoutMs give up after this many ms, with a `timeout` error (default 120000)
   */
  async wait (id: string, opts: { timeoutMs?: number, view?: SubmissionView, signal?: AbortSignal } = {}): Promise<DoneSubmission> {
    const deadline = Date.now() + (opts.timeoutMs ?? WAIT_DEFAULT_MS)
    let intervalMs = this.pollFirstMs
    for (;;) {
      const submission = await this.get(id, opts.view === undefined ? {} : { view: opts.view })
      if (isDone(submission)) return submission
      const leftMs = deadline - Date.now()
      if (leftMs <= 0) {
        throw new GraderApiError({ status: 0, code: 'timeout', message: `submission ${id} was still ${submission.state} after ${opts.timeoutMs ?? WAIT_DEFAULT_MS} ms` })
      }
      await sleep(Math.min(intervalMs, leftMs), opts.signal)
      intervalMs = Math.min(intervalMs * 2, Math.max(POLL_MAX_MS, this.pollFirstMs))
    }
  }

  /**
   * `GET /v1/submissions/:id/events` as an async iterator: `queued`,
   * `running`…, then `done`, after which it ends. A connection that drops
   * before `done` (or a server that says to reconnect) is reopened up to 3
   * times; the events then start again from the current state. Leaving the
   * loop early closes the connection.
   */
  async * stream (id: string, opts: { view?: SubmissionView, signal?: AbortSignal } = {}): AsyncGenerator<SubmissionEvent> {
    const query = opts.view === undefined ? '' : `?view=${opts.view}`
    let lastEventId: string | undefined
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { accept: 'text/event-stream' }
      if (lastEventId !== undefined) headers['last-event-id'] = lastEventId
      const res = await this.send('GET', `/v1/submissions/${encodeURIComponent(id)}/events${query}`, { headers, signal: opts.signal, timeout: false })
      if (!res.ok) await this.json(res)
      if (res.body === null || !(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        throw new GraderApiError({ status: res.status, code: 'unexpected', message: `expected an event stream from ${this.base}, got ${res.headers.get('content-type') ?? 'no content type'}` })
      }
      let reconnect = new GraderApiError({ status: 0, code: 'unreachable', message: `the event stream of ${id} ended before the submission was done` })
      try {
        for await (const message of readServerSentEvents(res.body)) {
          lastEventId = message.id
          if (message.event === 'error') {
            const { error } = JSON.parse(message.data) as ErrorBody
            const failure = new GraderApiError({ status: STREAM_ERROR_STATUS[error.code] ?? 0, code: error.code, message: error.message })
            // the server ends a stream it cannot keep (Redis away, shutting down) with 'unavailable': reconnecting is the remedy
            if (error.code !== 'unavailable') throw failure
            reconnect = failure
            break
          }
          if (message.event !== 'queued' && message.event !== 'running' && message.event !== 'done') continue
          const event = { event: message.event, data: JSON.parse(message.data) } as SubmissionEvent
          yield event
          if (event.event === 'done') return
        }
      } catch (err) {
        if (err instanceof GraderApiError) throw err
        if (opts.signal?.aborted === true) throw err
        // the connection broke mid-stream: like an end without `done`
        reconnect = new GraderApiError({ status: 0, code: 'unreachable', message: `the event stream of ${id} broke: ${(err as Error).message}`, cause: err })
      }
      if (attempt >= STREAM_RECONNECTS) throw reconnect
      await sleep(this.streamReconnectDelayMs, opts.signal)
    }
  }

  /** `GET /v1/submissions/:id/deliveries`: where the submission's webhook stands, attempt by attempt. */
  async deliveries (id: string): Promise<Deliveries> {
    return await this.json<Deliveries>(await this.send('GET', `/v1/submissions/${encodeURIComponent(id)}/deliveries`))
  }

  /** `DELETE /v1/submissions/:id`: the record, its files and its result (a data-removal request). */
  async delete (id: string): Promise<void> {
    const res = await this.send('DELETE', `/v1/submissions/${encodeURIComponent(id)}`)
    if (!res.ok) await this.json(res)
    await res.body?.cancel()
  }

  /** `PUT /v1/challenges/:id` (admin key): stores a version; the same content is the same version. */
  async putChallenge (id: string, body: ChallengeRequest): Promise<{ id: string, version: string }> {
    return await this.json(await this.send('PUT', `/v1/challenges/${encodeURIComponent(id)}`, { body }))
  }

  /**
   * `POST /v1/challenges/:id/regrade` (admin key): grades every kept
   * submission of the challenge again, against `version` (default the
   * latest), below live traffic; follow it with `getBatch(answer.id)`.
   */
  async regrade (challengeId: string, opts: { version?: string } = {}): Promise<RegradeAccepted> {
    return await this.json<RegradeAccepted>(await this.send('POST', `/v1/challenges/${encodeURIComponent(challengeId)}/regrade`, { body: opts.version === undefined ? {} : { version: opts.version } }))
  }

  /**
   * `GET /v1/capacity`: the measured grading rate, each lane's queue and the
   * estimated wait of this key's next submission, e.g. to tell students
   * "about 40 s" (a refused submission's `GraderApiError.retryAfterS` says when to try again).
   */
  async capacity (): Promise<CapacityView> {
    return await this.json<CapacityView>(await this.send('GET', '/v1/capacity'))
  }

  /** `POST /v1/tenants` (global admin): a new tenant, with its own webhook secret. */
  async createTenant (body: TenantRequest): Promise<Tenant> {
    return await this.json<Tenant>(await this.send('POST', '/v1/tenants', { body }))
  }

  /** `POST /v1/tenants/:id/keys` (the tenant's admin): a new key; the answer is the only time `key` is shown. */
  async createKey (tenantId: string, body: KeyRequest): Promise<KeyCreated> {
    return await this.json<KeyCreated>(await this.send('POST', `/v1/tenants/${encodeURIComponent(tenantId)}/keys`, { body }))
  }

  /** `DELETE /v1/keys/:id` (the key's tenant's admin): revokes a key. */
  async deleteKey (keyId: string): Promise<void> {
    const res = await this.send('DELETE', `/v1/keys/${encodeURIComponent(keyId)}`)
    if (!res.ok) await this.json(res)
    await res.body?.cancel()
  }

  /** {@link verifyWebhook}, for code that holds a client anyway. */
  verifyWebhook (secret: string, rawBody: string | Uint8Array, headers: WebhookHeaders): GraderWebhook {
    return verifyWebhook(secret, rawBody, headers)
  }

  private async send (method: string, path: string, opts: { body?: unknown, headers?: Record<string, string>, signal?: AbortSignal | undefined, timeout?: boolean } = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.apiKey}`, ...opts.headers }
    if (opts.body !== undefined) headers['content-type'] = 'application/json'
    const signals = [opts.signal, opts.timeout === false ? undefined : AbortSignal.timeout(this.requestTimeoutMs)].filter(s => s !== undefined)
    try {
      return await this.fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
        ...(signals.length === 0 ? {} : { signal: AbortSignal.any(signals) }),
      })
    } catch (err) {
      // the caller's own abort stays an abort
      if (opts.signal?.aborted === true) throw err
      const cause = (err as { cause?: { code?: string, message?: string } }).cause
      const why = cause?.code ?? cause?.message ?? (err as Error).message
      throw new GraderApiError({ status: 0, code: 'unreachable', message: `cannot reach the grader at ${this.base}: ${why}`, cause: err })
    }
  }

  /** The answer's JSON when it is a success; its error as a {@link GraderApiError} otherwise. */
  private async json<T> (res: Response): Promise<T> {
    const text = await res.text()
    let json: unknown
    try { json = JSON.parse(text) } catch { json = undefined }
    if (res.ok && json !== undefined) return json as T
    const error = (json as Partial<ErrorBody> | undefined)?.error
    const retryAfterS = parseRetryAfterS(res.headers.get('retry-after'))
    if (typeof error?.code === 'string' && typeof error.message === 'string') {
      throw new GraderApiError({ status: res.status, code: error.code, message: error.message, retryAfterS })
    }
    throw new GraderApiError({ status: res.status, code: 'unexpected', message: `unexpected answer from ${this.base}: HTTP ${res.status} ${text.slice(0, 200)}`, retryAfterS })
  }
}
