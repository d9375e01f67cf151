import type { Submission } from '../shared/contracts/submission-schema.js'
import type { ChallengeStore } from '../shared/store/challenge-store.js'
import { scoreResult, studentTestName, studentView } from './grading-policy.js'

/** Which view of a submission a client reads: `full` (platform backend) or `student` (hidden tests redacted). */
export type SubmissionViewName = 'full' | 'student'

/**
 * The submission as a client reads it: for a challenge submission, scored
 * with the policy of the version graded (and, for `student`, with hidden
 * tests' details removed). A challenge deleted since is answered unscored
 * (or, in the student view, with no test details at all).
 * Every student-facing answer also leaves out the platform's own details
 * (see `withoutPlatformDetails`).
 *
 * `GET /v1/submissions/:id`, the `done` event of
 * `GET /v1/submissions/:id/events` and the webhook payload (full view) all
 * use this one function, so they carry exactly the same submission.
 */
export async function submissionView (submission: Submission, challenges: Pick<ChallengeStore, 'get'>, view: SubmissionViewName): Promise<Submission> {
  const shown = await scoredView(submission, challenges, view)
  return view === 'student' ? withoutPlatformDetails(shown) : shown
}

async function scoredView (submission: Submission, challenges: Pick<ChallengeStore, 'get'>, view: SubmissionViewName): Promise<Submission> {
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

/**
 * What the platform backend told us or ops need, and a student must not
 * read: the callback URL (platforms put tokens in its query string), the
 * key that posted it, the Docker host that ran the grading (an infrastructure name) and whether its
 * container was warm.
 */
function withoutPlatformDetails (submission: Submission): Submission {
  const { callbackUrl: _callbackUrl, submittedBy: _submittedBy, ...rest } = submission
  if (rest.result === undefined) return rest
  const { host: _host, container: _container, ...result } = rest.result
  return { ...rest, result }
}

/**
 * How a test's id is shown in `view` while the submission runs (the
 * `running` events of its stream), the same way its result names it:
 * in the student view, a hidden parametrized test's parameters are redacted
 * (see `studentTestName`). A challenge deleted since: every test's
 * parameters, as its policy is gone.
 */
export async function testNamer (submission: Submission, challenges: Pick<ChallengeStore, 'get'>, view: SubmissionViewName): Promise<(name: string) => string> {
  if (view === 'full' || submission.challenge === undefined) return name => name
  const challenge = await challenges.get(submission.challenge, submission.version)
  if (challenge === null) return name => (name.includes('[') ? `${name.slice(0, name.indexOf('['))}[hidden]` : name)
  return name => studentTestName(challenge.policy, name, new Date())
}
