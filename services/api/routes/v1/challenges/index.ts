import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { principalOf, requireRole } from '../../../plugins/auth.js'
import { Type } from 'typebox'
import { CHALLENGE_ID_PATTERN, ChallengeRequestSchema, ChallengeSchema, type ChallengeRequest } from '../../../../shared/contracts/challenge-schema.js'
import { GraderError } from '../../../../shared/errors/grader-error.js'
import type { ChallengeStore } from '../../../../shared/store/challenge-store.js'
import { checkSubmissionFiles } from '../../../file-paths.js'
import { challengeVersion, unknownPolicyKeys } from '../../../grading-policy.js'
import type { CollectTests } from '../../../suite-collector.js'

/** What the challenge routes need. */
export interface ChallengeRoutesOptions {
  challenges: ChallengeStore
  /** The test ids of a suite, as pytest collects them in a grading container: checks `policy.tests`. */
  collectTests: CollectTests
}

/** Most unknown keys, and known ids, a refusal lists. */
const LISTED_MAX = 20

const listed = (names: string[]): string =>
  names.slice(0, LISTED_MAX).map(n => JSON.stringify(n.slice(0, 200))).join(', ') + (names.length > LISTED_MAX ? ` and ${names.length - LISTED_MAX} more` : '')

const ParamsSchema = Type.Object({ id: Type.String({ pattern: CHALLENGE_ID_PATTERN }) })

export const challengeNotFound = (id: string, version?: string): GraderError =>
  new GraderError('not_found', version === undefined
    ? `no challenge with id ${JSON.stringify(id.slice(0, 64))}`
    : `challenge ${JSON.stringify(id.slice(0, 64))} has no version ${JSON.stringify(version.slice(0, 32))}`)

/**
 * Routes of `/v1/challenges`: store a version, read the latest, list
 * versions, delete. Each answers from the caller's tenant's challenges only
 * (another tenant's id is `404`), to a key holding `admin`: a challenge
 * holds its hidden tests, which no key that merely submits or reads
 * results may see.
 */
export const challengeRoutes: FastifyPluginAsyncTypebox<ChallengeRoutesOptions> = async (app, opts) => {
  const { collectTests } = opts
  const challengesOf = (request: FastifyRequest): ChallengeStore => opts.challenges.inTenant(principalOf(request).tenantId)
  app.addHook('onRequest', requireRole('admin'))

  /**
   * Refuses a policy whose `policy.tests` keys name no test of the suite. Only
   * pytest knows the ids (parametrize, unittest classes, subfolders), so the
   * suite is collected in a real grading container; a version already stored
   * was checked when it was first put.
   */
  async function checkPolicyTests (challenges: ChallengeStore, id: string, version: string, body: ChallengeRequest): Promise<void> {
    if (Object.keys(body.policy?.tests ?? {}).length === 0) return
    if (await challenges.get(id, version) !== null) return
    const collection = await collectTests({ language: body.language, tests: body.tests, starter: body.starter, limits: body.limits })
    if (!collection.ok) {
      throw new GraderError('invalid_suite', `the suite does not collect, so policy.tests cannot be checked against it: ${collection.problem}`)
    }
    const unknown = unknownPolicyKeys(body.policy, collection.tests)
    if (unknown.length > 0) {
      throw new GraderError('unknown_tests', `policy.tests names ${unknown.length === 1 ? 'a test' : `${unknown.length} tests`} the suite does not have: ${listed(unknown)}. The suite's tests are: ${listed(collection.tests)}`)
    }
  }

  app.put('/:id', {
    schema: {
      params: ParamsSchema,
      body: ChallengeRequestSchema,
      response: { 200: Type.Object({ id: Type.String(), version: Type.String() }) },
    },
  }, async request => {
    const { id } = request.params
    const body = request.body
    // the same path rules as a submission's tests (and starter files beside them)
    checkSubmissionFiles(body.starter ?? {}, body.tests)
    const dueAt = body.policy?.dueAt
    if (dueAt !== undefined && Number.isNaN(Date.parse(dueAt))) {
      throw new GraderError('invalid_request', 'policy.dueAt must be an ISO 8601 date-time')
    }
    const version = challengeVersion(body)
    const challenges = challengesOf(request)
    await checkPolicyTests(challenges, id, version, body)
    await challenges.put(id, version, body)
    request.log.info({ challenge: id, version }, 'challenge stored')
    return { id, version }
  })

  app.get('/:id', {
    schema: { params: ParamsSchema, response: { 200: ChallengeSchema } },
  }, async request => {
    const challenge = await challengesOf(request).get(request.params.id)
    if (challenge === null) throw challengeNotFound(request.params.id)
    return challenge
  })

  app.get('/:id/versions', {
    schema: { params: ParamsSchema, response: { 200: Type.Array(Type.Object({ version: Type.String(), createdAt: Type.String() })) } },
  }, async request => {
    const versions = await challengesOf(request).versions(request.params.id)
    if (versions.length === 0) throw challengeNotFound(request.params.id)
    return versions
  })

  app.delete('/:id', {
    schema: { params: ParamsSchema },
  }, async (request, reply) => {
    if (!await challengesOf(request).remove(request.params.id)) throw challengeNotFound(request.params.id)
    return await reply.code(204).send()
  })
}
