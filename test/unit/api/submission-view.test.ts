import { describe, expect, it } from 'vitest'
import { submissionView } from '../../../services/api/submission-view.js'
import type { Challenge } from '../../../services/shared/contracts/challenge-schema.js'
import type { Submission } from '../../../services/shared/contracts/submission-schema.js'

const DONE: Submission = {
  id: '00000000-0000-4000-8000-000000000001',
  state: 'done',
  language: 'python',
  createdAt: '2026-12-01T00:00:00.000Z',
  metadata: { course: 'cs1' },
  callbackUrl: 'https://platform.example/hooks/grader?token=s3cret',
  result: {
    status: 'fail',
    tests: [{ name: 'test_solution.py::test_one', status: 'fail', message: 'assert 1 == 2' }],
    durationMs: 10,
    host: 'unix:///var/run/docker-7.sock',
    attempts: 1,
  },
}

const noChallenges = { get: async (): Promise<Challenge | null> => null }

describe('submissionView', () => {
  it('leaves the callback URL and the Docker host out of the student view', async () => {
    const view = await submissionView(DONE, noChallenges, 'student')
    const json = JSON.stringify(view)
    expect(json).not.toContain('s3cret')
    expect(json).not.toContain('docker-7')
    expect(view.callbackUrl).toBeUndefined()
    expect(view.result?.host).toBeUndefined()
    // what the student does need stays
    expect(view.result?.tests[0]?.message).toBe('assert 1 == 2')
  })

  it('keeps them in the full view, for the platform backend and ops', async () => {
    const view = await submissionView(DONE, noChallenges, 'full')
    expect(view.callbackUrl).toBe(DONE.callbackUrl)
    expect(view.result?.host).toBe(DONE.result?.host)
  })

  it('leaves the callback URL out of a queued submission in the student view', async () => {
    const { result: _result, ...queued } = { ...DONE, state: 'queued' as const }
    expect((await submissionView(queued, noChallenges, 'student')).callbackUrl).toBeUndefined()
  })
})
