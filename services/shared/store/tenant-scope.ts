import { BOOTSTRAP_TENANT } from '../contracts/vocabulary.js'

/**
 * The key prefix of a tenant's own data (its challenges, their feedback
 * budgets and submission index). The bootstrap tenant keeps the grader's
 * prefix itself, so data written before tenants existed stays where it was;
 * every other tenant gets `<prefix>:tenant:<id>`, so a challenge id names a
 * different challenge in each tenant and no lookup can cross over.
 */
export function tenantKeyPrefix (prefix: string, tenant: string | undefined): string {
  return tenant === undefined || tenant === BOOTSTRAP_TENANT ? prefix : `${prefix}:tenant:${tenant}`
}
