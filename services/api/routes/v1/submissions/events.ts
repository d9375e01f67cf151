import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { SubmissionSchema, type Submission } from '../../../../shared/contracts/submission-schema.js'
import type { ChallengeStore } from '../../../../shared/store/challenge-store.js'
import type { SubmissionProgress, SubmissionProgressEvent } from '../../../../shared/store/submission-progress.js'
import type { SubmissionStore } from '../../../../shared/store/submission-store.js'
import { EventStream, firstEventId } from '../../../event-stream.js'
import { ProgressHub } from '../../../plugins/progress-hub.js'
import { isRedisUnavailable } from '../../../plugins/redis-unavailable.js'
import type { DoneSubscriber, ResultWaiter } from '../../../plugins/result-waiter.js'
import { SubmissionParamsSchema, SubmissionViewQuerySchema } from '../../../schemas/submission-routes-schema.js'
import { submissionView, testNamer, type SubmissionViewName } from '../../../submission-view.js'
import { untilClientGone } from './client-gone.js'
import { canSee, isGeneratedId, submissionNotFound } from '../../../submission-id.js'
import { principalOf } from '../../../plugins/auth.js'

/** What the event stream needs; passed in, never imported as singletons. */
export interface SubmissionEventRoutesOptions {
  store: Pick<SubmissionStore, 'get'>
  /** Last progress of each submission, and the channel workers announce it on. */
  progress: Pick<SubmissionProgress, 'get' | 'channel'>
  /** The subscriber-mode connection the waiter uses; the hub adds the progress channel to it. */
  subscriber: DoneSubscriber
  /** Tells a stream its submission is done (one subscription per process, shared with `?wait=true`). */
  waiter: ResultWaiter
  challenges: Pick<ChallengeStore, 'inTenant'>
  /**
   * Milliseconds between two `: keep-alive` comments on an open stream, so
   * proxies that cut idle connections (often after 30 to 60 s) keep it.
   * @defaultValue 15000
   */
  heartbeatMs?: number
  /** Receives the hub once built (tests read `listening`). */
  onHub?: (hub: ProgressHub) => void
}

/** @see SubmissionEventRoutesOptions.heartbeatMs */
export const HEARTBEAT_MS = 15_000

/** Longest one stream waits for its submission: the most a Node timer holds (about 24.8 days). */
const STREAM_MAX_MS = 2_147_483_647


/** The `error` event's data: the API's one error shape. */
const errorData = (code: 'unavailable' | 'internal', message: string): string => JSON.stringify({ error: { code, message } })

/** `running` as the contract has it: `seq` is ours, for ordering, not the client's. */
function runningData (event: SubmissionProgressEvent, nameOf: (test: string) => string): string {
  const { seq: _seq, ...data } = event
  return JSON.stringify(data.test === undefined ? data : { ...data, test: nameOf(data.test) })
}

/**
 * `GET /v1/submissions/:id/events`: server-sent events `queued` → `running`
 * (again at each test started, with `test`, `done`, `total`) → `done` (the
 * submission as `GET /v1/submissions/:id` returns it, in the same view),
 * then the stream closes. Authentication is applied by the enclosing scope.
 *
 * A stream first gets the current state (kept in Redis, so any API process
 * can answer for any worker), then live updates through the process's one
 * subscription. Interest is registered before the state is read, so nothing
 * published in between is missed; updates are numbered (`seq`) so one that
 * arrives after a newer state was read is dropped.
 */
export const submissionEventRoutes: FastifyPluginAsyncTypebox<SubmissionEventRoutesOptions> = async (app, opts) => {
  const { store, progress, waiter, challenges } = opts
  const heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS
  const hub = new ProgressHub(opts.subscriber, progress.channel)
  opts.onHub?.(hub)
  app.addHook('onReady', async () => { await hub.start() })
  app.addHook('onClose', async instance => {
    await hub.stop().catch((err: unknown) => { instance.log.warn({ err }, 'could not unsubscribe from the progress channel') })
  })

  /** `done` in the same view and serialisation as `GET /v1/submissions/:id`. */
  // fastify's own serializer for the GET's response schema: unknown fields dropped the same way
  // (its typing wants plain records, which a TypeBox schema and a Submission are at run time)
  const doneData = async (reply: FastifyReply, submission: Submission, view: SubmissionViewName): Promise<string> =>
    reply.serializeInput(await submissionView(submission, challenges.inTenant(submission.tenant), view) as unknown as Record<string, unknown>,
      SubmissionSchema as unknown as Record<string, unknown>)

  app.get('/:id/events', {
    schema: {
      params: SubmissionParamsSchema,
      querystring: SubmissionViewQuerySchema,
      // documentation only (the stream is written directly): what the OpenAPI document shows
      response: {
        200: {
          description: 'Server-sent events, each with an increasing `id:`: `queued` `{"id","state"}`; `running` ' +
            '`{"id","state","test","done","total"}` when grading starts and at each test started; `done` with the submission ' +
            'as `GET /v1/submissions/:id` returns it (same `view`), after which the stream closes; `error` ' +
            '`{"error":{"code","message"}}` if the stream cannot go on. `: keep-alive` comments every 15 s.',
          content: { 'text/event-stream': { schema: Type.String() } },
        },
      },
    },
  }, async (request, reply) => {
    const { id } = request.params
    const view = request.query.view ?? 'full'
    if (!isGeneratedId(id)) throw submissionNotFound(id)

    // interest first, state second: a completion or update in between is latched or buffered
    const watch = waiter.watch(id)
    const buffered: SubmissionProgressEvent[] = []
    // until the stream has its first event: updates are kept, a lost connection remembered
    let lostEarly = false
    let onProgress = (event: SubmissionProgressEvent): void => { buffered.push(event) }
    let onLost = (): void => { lostEarly = true }
    const unlisten = hub.listen(id, { progress: event => { onProgress(event) }, lost: () => { onLost() } })

    let submission: Submission | null
    let last: SubmissionProgressEvent | null = null
    try {
      submission = await store.get(id)
      if (submission !== null && submission.state !== 'done') last = await progress.get(id)
    } catch (err) {
      unlisten()
      watch.cancel()
      // answered as JSON by the error handler (503 when Redis is away): no stream has started
      throw err
    }
    if (submission === null || !canSee(principalOf(request), submission)) {
      unlisten()
      watch.cancel()
      throw submissionNotFound(id)
    }

    // from here on the answer is the stream: nothing may throw to fastify any more
    reply.hijack()
    const stream = new EventStream(reply.raw, { firstId: firstEventId(request.headers['last-event-id']), heartbeatMs })
    const gone = untilClientGone(request, reply)
    const ending = new AbortController()
    const endWithError = (code: 'unavailable' | 'internal', message: string): void => {
      stream.send('error', errorData(code, message))
      ending.abort()
    }
    const stopWaiting = (): void => { ending.abort() }
    gone.signal.addEventListener('abort', stopWaiting, { once: true })
    let outcome = 'done'
    try {
      if (submission.state === 'done') {
        stream.send('done', await doneData(reply, submission, view))
        return
      }
      const nameOf = await testNamer(submission, challenges.inTenant(submission.tenant), view)
      let lastSeq = 0
      let lastSent = ''
      const sendRunning = (event: SubmissionProgressEvent): void => {
        if (event.seq <= lastSeq) return
        lastSeq = event.seq
        const data = runningData(event, nameOf)
        // the record said running before the worker's first update arrived: that update says nothing new
        if (data === lastSent) return
        lastSent = data
        stream.send('running', data)
      }
      if (last !== null) sendRunning(last)
      else if (submission.state === 'running') stream.send('running', lastSent = JSON.stringify({ id, state: 'running' }))
      else stream.send('queued', JSON.stringify({ id, state: 'queued' }))
      for (const event of buffered) sendRunning(event)
      onProgress = sendRunning
      onLost = () => { endWithError('unavailable', 'the grader lost its connection to Redis: reconnect to get the current state') }
      if (lostEarly) onLost()

      outcome = await watch.wait({ timeoutMs: STREAM_MAX_MS, signal: ending.signal })
      if (outcome === 'done') {
        const current = await store.get(id)
        if (current?.state === 'done') stream.send('done', await doneData(reply, current, view))
        else stream.send('error', errorData('unavailable', 'the submission is no longer stored (it expired or was deleted)'))
      } else if (outcome === 'closed') {
        stream.send('error', errorData('unavailable', 'the server is shutting down: reconnect to another one'))
      }
    } catch (err) {
      // a failure mid-stream ends it with an error event: Redis away (retry), or a bug of ours
      outcome = 'error'
      request.log.warn({ err, submissionId: id }, 'event stream failed')
      if (isRedisUnavailable(err)) stream.send('error', errorData('unavailable', 'the grader cannot reach Redis: reconnect to get the current state'))
      else stream.send('error', errorData('internal', 'the event stream failed because of a problem on our side'))
    } finally {
      watch.cancel()
      unlisten()
      gone.dispose()
      gone.signal.removeEventListener('abort', stopWaiting)
      stream.end()
      // a hijacked reply gets no "request completed" line from fastify: this is the stream's
      request.log.info({ submissionId: id, outcome: gone.signal.aborted ? 'client_gone' : outcome }, 'event stream ended')
    }
  })
}
