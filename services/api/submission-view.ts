import type { Submission } from '../shared/contracts/submission-schema.js'
import type { ChallengeStore } from '../shared/store/challenge-store.js'
import { scoreResult, studentView } from './grading-policy.js'

/** Which view of a submission a client reads: `full` (platform backend) or `student` (hidden tests redacted). */
export type SubmissionViewName = 'full' | 'student'

/**
 * The submission as a client reads it: for a challenge submission, scored
 * with the policy of the version graded (and, for `student`, with hidden
 * tests' details removed). A challenge deleted since is answered unscored
 * (or, in the student view, with no test details at all).
 *
 * The same function as `GET /v1/submissions/:id` applies (its route keeps a
 * copy until it imports this one), so the `done` event of
 * `GET /v1/submissions/:id/events` carries exactly what a GET returns; the
 * events integration test compares the two.
 */
export async function submissionView (submission: Submission, challenges: Pick<ChallengeStore, 'get'>, view: SubmissionViewName): Promise<Submission> {
  if (submission.challenge === undefined || submission.result === undefined) return submission
  const challenge = await challenges.get(submission.challenge, submission.version)
  if (challenge === null) {
    if (view === 'full') return submission
    const { message: _message, ...rest } = submission.result
    return { ...submission, result: { ...rest, tests: rest.tests.map(t => ({ name: t.name, status: t.status })) } }
  }
  const scored = scoreResult(submission.result, challenge.policy)
  return { ...submission, result: view === 'student' ? studentView(scored, challenge.policy, new Date()) : scored }
}
