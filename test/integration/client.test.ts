import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GraderApiError, GraderClient, type SubmissionEvent } from '../../clients/typescript/index.js'
import { python, startTestGrader, TEST_KEY, type TestGrader } from '../helpers/grader.js'

const ADD = 'def add(a, b):\n    return a + b\n'
const TESTS = 'from solution import add\n\ndef test_add():\n    assert add(2, 3) == 5\n\ndef test_zero():\n    assert add(0, 0) == 0\n'

/** The error a promise rejects with, to assert on its fields. */
async function failure (promise: Promise<unknown>): Promise<GraderApiError> {
  const err = await promise.then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(GraderApiError)
  return err as GraderApiError
}

describe('the TypeScript client against a real grader', () => {
  let grader: TestGrader
  let client: GraderClient

  beforeAll(async () => {
    grader = await startTestGrader()
    client = new GraderClient({ url: grader.url, apiKey: TEST_KEY })
  })
  afterAll(async () => { await grader?.close() })

  it('submits, waits for the verdict, reads it back in every format, and deletes it', async () => {
    const accepted = await client.submit(python(ADD, TESTS))
    expect(accepted.state).toBe('queued')
    const done = await client.wait(accepted.id, { timeoutMs: 60_000 })
    expect(done.result.status).toBe('pass')
    expect(done.result.tests.map(t => t.name)).toEqual(['test_solution.py::test_add', 'test_solution.py::test_zero'])
    expect(await client.get(accepted.id)).toEqual(done)
    expect(await client.exercismResults(accepted.id)).toMatchObject({ version: 2, status: 'pass' })
    const v3 = await client.exercismResults(accepted.id, { version: 3 })
    expect(v3).toMatchObject({ version: 3, status: 'pass' })
    expect((await client.gradescopeResults(accepted.id)).tests).toHaveLength(2)
    // no callbackUrl: nothing to deliver
    expect(await client.deliveries(accepted.id)).toMatchObject({ submissionId: accepted.id, state: 'none', attempts: [] })
    await client.delete(accepted.id)
    expect((await failure(client.get(accepted.id))).code).toBe('not_found')
  })

  it('submits with wait and gets the finished submission in one call', async () => {
    const answer = await client.submit(python('def add(a, b):\n    return a - b\n', TESTS), { wait: true })
    expect(answer.state).toBe('done')
    if (answer.state !== 'done') return
    expect(answer.result.status).toBe('fail')
    expect(answer.result.tests.find(t => t.name.endsWith('test_add'))?.status).toBe('fail')
  })

  it('streams queued or running, then done with the submission as GET answers it', async () => {
    const { id } = await client.submit(python(ADD, TESTS))
    const events: SubmissionEvent[] = []
    for await (const event of client.stream(id)) events.push(event)
    const names = events.map(e => e.event)
    expect(names.at(-1)).toBe('done')
    expect(['queued', 'running']).toContain(names[0])
    // nothing after done, and done once
    expect(names.filter(n => n === 'done')).toHaveLength(1)
    const done = events.at(-1)!
    if (done.event !== 'done') return
    expect(done.data).toEqual(await client.get(id))
    for (const e of events) expect(e.data.id).toBe(id)
  })

  it('turns refusals into GraderApiError with the API code and status', async () => {
    const missing = await failure(client.get('00000000-0000-4000-8000-000000000000'))
    expect([missing.status, missing.code]).toEqual([404, 'not_found'])

    const badKey = await failure(new GraderClient({ url: grader.url, apiKey: 'not-a-key' }).get('x'))
    expect([badKey.status, badKey.code]).toEqual([401, 'unauthorized'])

    const badPath = await failure(client.submit(python(ADD, TESTS, { files: { '../escape.py': 'x = 1\n' } })))
    expect([badPath.status, badPath.code]).toEqual([400, 'invalid_path'])

    const nobody = await failure(new GraderClient({ url: 'http://127.0.0.1:9', apiKey: TEST_KEY }).get('x'))
    expect([nobody.status, nobody.code]).toEqual([0, 'unreachable'])
  })

  it('reads Retry-After into retryAfterS when a feedback budget is spent, and regrades the challenge', async () => {
    const challenge = `client-budget-${Date.now()}`
    const { version } = await client.putChallenge(challenge, {
      language: 'python',
      tests: { 'test_solution.py': TESTS },
      policy: { feedback: { max: 1, windowS: 3600 } },
    })
    expect(version).toMatch(/^[0-9a-f]{16}$/)
    const first = await client.submit({ challenge, files: { 'solution.py': ADD }, student: 's-1' })
    const refused = await failure(client.submit({ challenge, files: { 'solution.py': ADD }, student: 's-1' }))
    expect([refused.status, refused.code]).toEqual([429, 'feedback_budget'])
    expect(refused.retryAfterS).toBeGreaterThan(3500)
    expect(refused.retryAfterS).toBeLessThanOrEqual(3600)
    await client.wait(first.id, { timeoutMs: 60_000 })

    // a regrade grades the kept submission again, as a batch
    const regrade = await client.regrade(challenge)
    expect(regrade).toMatchObject({ count: 1, version })
    const deadline = Date.now() + 60_000
    let progress = await client.getBatch(regrade.id)
    while (progress.state !== 'done' && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 200))
      progress = await client.getBatch(regrade.id)
    }
    expect(progress).toMatchObject({ kind: 'regrade', state: 'done', total: 1, submissions: [{ regradeOf: first.id, status: 'pass' }] })
  })

  it('replays a submission with the same Idempotency-Key, and refuses the key with another body', async () => {
    const key = `client-idem-${Date.now()}`
    const first = await client.submit(python(ADD, TESTS), { idempotencyKey: key })
    const again = await client.submit(python(ADD, TESTS), { idempotencyKey: key })
    expect(again.id).toBe(first.id)
    const conflict = await failure(client.submit(python(ADD, TESTS, { metadata: { other: true } }), { idempotencyKey: key }))
    expect([conflict.status, conflict.code]).toEqual([409, 'idempotency_conflict'])
    await client.wait(first.id, { timeoutMs: 60_000 })
  })

  it('submits a batch with a bad entry, answered entry by entry, and reads its progress', async () => {
    const batch = await client.submitBatch([python(ADD, TESTS), python(ADD, TESTS, { files: { '../escape.py': 'x = 1\n' } })])
    expect(batch.accepted).toBe(1)
    const [good, bad] = batch.submissions
    expect(bad).toMatchObject({ error: { code: 'invalid_path' } })
    if (good === undefined || !('id' in good)) throw new Error(`the valid entry was refused: ${JSON.stringify(good)}`)
    await client.wait(good.id, { timeoutMs: 60_000 })
    // the batch counts its member once the worker recorded it
    const deadline = Date.now() + 10_000
    let progress = await client.getBatch(batch.id)
    while (progress.state !== 'done' && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 100))
      progress = await client.getBatch(batch.id)
    }
    expect(progress).toMatchObject({ id: batch.id, state: 'done', total: 1, done: 1, submissions: [{ id: good.id, state: 'done', status: 'pass' }] })
  })

  it('gives up waiting with a timeout error when the verdict is late', async () => {
    const { id } = await client.submit(python('import time\ntime.sleep(2)\n' + ADD, TESTS))
    const late = await failure(client.wait(id, { timeoutMs: 300 }))
    expect([late.status, late.code]).toEqual([0, 'timeout'])
    await client.wait(id, { timeoutMs: 60_000 })
  })

  it('makes a tenant and a key, submits with it in a lane, reads the capacity, and revokes the key', async () => {
    const tenant = await client.createTenant({ name: 'client course', weight: 2 })
    expect(tenant).toMatchObject({ name: 'client course', weight: 2, webhookSecret: expect.stringMatching(/^whsec_/) })
    const made = await client.createKey(tenant.id, { roles: ['submit', 'read'], lanes: ['interactive'] })
    const theirs = new GraderClient({ url: grader.url, apiKey: made.key })
    const done = await theirs.submit(python(ADD, TESTS, { priority: 'interactive' }), { wait: true })
    expect(done).toMatchObject({ state: 'done', tenant: tenant.id, priority: 'interactive', result: { status: 'pass' } })
    const refused = await failure(theirs.submit(python(ADD, TESTS, { priority: 'exam' })))
    expect([refused.status, refused.code]).toEqual([403, 'forbidden'])
    const capacity = await theirs.capacity()
    expect(capacity.tenant.id).toBe(tenant.id)
    expect(capacity.lanes.map(l => l.lane)).toEqual(['exam', 'interactive', 'practice', 'regrade'])
    // the bootstrap tenant cannot read it: another tenant's submission does not exist for it
    expect((await failure(client.get(done.id))).status).toBe(404)
    await client.deleteKey(made.id)
    expect((await failure(theirs.get(done.id))).status).toBe(401)
  })
})
