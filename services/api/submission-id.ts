import type { Submission } from '../shared/contracts/submission-schema.js'
import { GraderError } from '../shared/errors/grader-error.js'
import type { SubmissionStore } from '../shared/store/submission-store.js'

const GENERATED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Whether `id` could be one the grader made (submissions and batches get a
 * random UUID): anything else cannot exist, so Redis is not asked.
 */
export function isGeneratedId (id: string): boolean {
  return GENERATED_ID.test(id)
}

/** The one `not_found` of every submission route; the id is quoted cut, as it is the client's text. */
export function submissionNotFound (id: string): GraderError {
  return new GraderError('not_found', `no submission with id ${JSON.stringify(id.slice(0, 60))} (finished submissions expire)`)
}

/** The stored submission `id`, or `404 not_found`. */
export async function readSubmission (store: Pick<SubmissionStore, 'get'>, id: string): Promise<Submission> {
  const submission = isGeneratedId(id) ? await store.get(id) : null
  if (submission === null) throw submissionNotFound(id)
  return submission
}
