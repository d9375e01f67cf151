import { describe, expect, it } from 'vitest'
import { GraderApiError, GraderClient, type SubmissionEvent } from '../../../clients/typescript/index.js'

/** What the fake server saw of one request. */
interface Seen { method: string, url: string, headers: Headers, body: string | undefined }

/** A fetch answering each request with the next of `answers`, recording what it was sent. */
function fakeFetch (answers: Array<() => Response>): { fetch: typeof fetch, seen: Seen[] } {
  const seen: Seen[] = []
  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    seen.push({ method: init.method ?? 'GET', url: String(input), headers: new Headers(init.headers), body: init.body as string | undefined })
    const next = answers.shift()
    if (next === undefined) throw new Error(`unexpected request ${String(input)}`)
    return next()
  }
  return { fetch: fetch as typeof globalThis.fetch, seen }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
const events = (text: string) => () => new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } })

/** Polling and reconnection pauses short enough for a unit test. */
const FAST = { pollFirstMs: 1, streamReconnectDelayMs: 1 }

const DONE = { id: 's1', state: 'done', language: 'python', createdAt: '2026-12-01T00:00:00.000Z', metadata: {}, result: { status: 'pass', tests: [], durationMs: 1 } }

async function collect (stream: AsyncIterable<SubmissionEvent>): Promise<string[]> {
  const names: string[] = []
  for await (const e of stream) names.push(e.event)
  return names
}

async function failure (promise: Promise<unknown>): Promise<GraderApiError> {
  const err = await promise.then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(GraderApiError)
  return err as GraderApiError
}

describe('GraderClient', () => {
  it('sends the key, the JSON body, ?wait=true and the Idempotency-Key', async () => {
    const { fetch, seen } = fakeFetch([json(200, DONE)])
    const client = new GraderClient({ url: 'http://grader.test/', apiKey: 'k1', ...FAST, fetch })
    const answer = await client.submit({ language: 'python', files: {}, tests: {} }, { wait: true, idempotencyKey: 'idem-1' })
    expect(answer.state).toBe('done')
    expect(seen[0]).toMatchObject({ method: 'POST', url: 'http://grader.test/v1/submissions?wait=true', body: '{"language":"python","files":{},"tests":{}}' })
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer k1')
    expect(seen[0]!.headers.get('idempotency-key')).toBe('idem-1')
    expect(seen[0]!.headers.get('content-type')).toBe('application/json')
  })

  it('throws the API error with status, code and Retry-After, and its own code for a foreign answer', async () => {
    const { fetch } = fakeFetch([
      json(429, { error: { code: 'feedback_budget', message: 'spent' } }, { 'retry-after': '42' }),
      () => new Response('<html>bad gateway</html>', { status: 502 }),
    ])
    const client = new GraderClient({ url: 'http://grader.test', apiKey: 'k', ...FAST, fetch })
    const spent = await failure(client.get('s1'))
    expect([spent.status, spent.code, spent.message, spent.retryAfterS]).toEqual([429, 'feedback_budget', 'spent', 42])
    const foreign = await failure(client.get('s1'))
    expect([foreign.status, foreign.code]).toEqual([502, 'unexpected'])
  })

  it('polls GET until done in wait', async () => {
    const { fetch, seen } = fakeFetch([json(200, { ...DONE, state: 'queued', result: undefined }), json(200, { ...DONE, state: 'running', result: undefined }), json(200, DONE)])
    const client = new GraderClient({ url: 'http://grader.test', apiKey: 'k', ...FAST, fetch })
    expect((await client.wait('s1', { view: 'student' })).result.status).toBe('pass')
    expect(seen.map(s => s.url)).toEqual(Array(3).fill('http://grader.test/v1/submissions/s1?view=student'))
  })

  it('streams events to done, ignoring comments and unknown events', async () => {
    const { fetch, seen } = fakeFetch([events(`: keep-alive\n\nid: 1\nevent: queued\ndata: {"id":"s1","state":"queued"}\n\nevent: other\ndata: {}\n\nid: 2\nevent: running\ndata: {"id":"s1","state":"running","test":"t::a","done":0,"total":2}\n\nid: 3\nevent: done\ndata: ${JSON.stringify(DONE)}\n\n`)])
    const client = new GraderClient({ url: 'http://grader.test', apiKey: 'k', ...FAST, fetch })
    expect(await collect(client.stream('s1'))).toEqual(['queued', 'running', 'done'])
    expect(seen[0]!.headers.get('accept')).toBe('text/event-stream')
  })

  it('reconnects with Last-Event-ID after a stream that ended early or said unavailable', async () => {
    const { fetch, seen } = fakeFetch([
      events('id: 4\nevent: queued\ndata: {"id":"s1","state":"queued"}\n\n'),
      events('id: 5\nevent: error\ndata: {"error":{"code":"unavailable","message":"redis away"}}\n\n'),
      events(`id: 6\nevent: done\ndata: ${JSON.stringify(DONE)}\n\n`),
    ])
    const client = new GraderClient({ url: 'http://grader.test', apiKey: 'k', ...FAST, fetch })
    expect(await collect(client.stream('s1'))).toEqual(['queued', 'done'])
    expect(seen.map(s => s.headers.get('last-event-id'))).toEqual([null, '4', '5'])
  })

  it('gives up after three reconnections, and at once on an internal error event or a refused stream', async () => {
    const early = () => events('event: queued\ndata: {"id":"s1","state":"queued"}\n\n')()
    const client = new GraderClient({ url: 'http://grader.test', apiKey: 'k', ...FAST, fetch: fakeFetch([early, early, early, early]).fetch })
    expect((await failure(collect(client.stream('s1')))).code).toBe('unreachable')

    const internal = new GraderClient({ url: 'http://grader.test', apiKey: 'k', ...FAST, fetch: fakeFetch([events('event: error\ndata: {"error":{"code":"internal","message":"ours"}}\n\n')]).fetch })
    const ours = await failure(collect(internal.stream('s1')))
    expect([ours.status, ours.code, ours.message]).toEqual([500, 'internal', 'ours'])

    const missing = new GraderClient({ url: 'http://grader.test', apiKey: 'k', ...FAST, fetch: fakeFetch([json(404, { error: { code: 'not_found', message: 'no such' } })]).fetch })
    expect((await failure(collect(missing.stream('s1')))).code).toBe('not_found')
  })
})
