import type { Submission } from '../shared/contracts/submission-schema.js'
import { GraderError } from '../shared/errors/grader-error.js'
import type { SubmissionStore } from '../shared/store/submission-store.js'
import { BOOTSTRAP_TENANT } from '../shared/contracts/vocabulary.js'
import { hasRole } from './plugins/auth.js'
import type { Principal } from './plugins/principal.js'

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

/**
 * Whether `principal` may see a submission (or a batch): it must be of the
 * principal's tenant, and either posted by this very key or read with the
 * `read` role (an admin reads too). Records made before tenants existed
 * belong to the bootstrap tenant.
 */
export function canSee (principal: Principal, owner: { tenant?: string, submittedBy?: string }): boolean {
  if ((owner.tenant ?? BOOTSTRAP_TENANT) !== principal.tenantId) return false
  return hasRole(principal, 'read') || (owner.submittedBy !== undefined && owner.submittedBy === principal.keyId)
}

/**
 * The stored submission `id` as `principal` may see it, or `404 not_found`:
 * another tenant's submission is answered exactly like one that does not
 * exist, so existence does not leak.
 */
export async function readSubmission (store: Pick<SubmissionStore, 'get'>, id: string, principal: Principal): Promise<Submission> {
  const submission = isGeneratedId(id) ? await store.get(id) : null
  if (submission === null || !canSee(principal, submission)) throw submissionNotFound(id)
  return submission
}
