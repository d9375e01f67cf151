import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { CHALLENGE_ID_PATTERN, ChallengeRequestSchema, ChallengeSchema } from '../../../../shared/contracts/challenge-schema.js'
import { GraderError } from '../../../../shared/errors/grader-error.js'
import type { ChallengeStore } from '../../../../shared/store/challenge-store.js'
import { checkSubmissionFiles } from '../../../file-paths.js'
import { challengeVersion } from '../../../grading-policy.js'

/** What the challenge routes need. */
export interface ChallengeRoutesOptions {
  challenges: ChallengeStore
}

const ParamsSchema = Type.Object({ id: Type.String({ pattern: CHALLENGE_ID_PATTERN }) })

export const challengeNotFound = (id: string, version?: string): GraderError =>
  new GraderError('not_found', version === undefined
    ? `no challenge with id ${JSON.stringify(id.slice(0, 64))}`
    : `challenge ${JSON.stringify(id.slice(0, 64))} has no version ${JSON.stringify(version.slice(0, 32))}`)

/**
 * Routes of `/v1/challenges` (admin keys only, applied by the enclosing
 * scope): store a version, read the latest, list versions, delete.
 */
export const challengeRoutes: FastifyPluginAsyncTypebox<ChallengeRoutesOptions> = async (app, opts) => {
  const { challenges } = opts

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
    await challenges.put(id, version, body)
    request.log.info({ challenge: id, version }, 'challenge stored')
    return { id, version }
  })

  app.get('/:id', {
    schema: { params: ParamsSchema, response: { 200: ChallengeSchema } },
  }, async request => {
    const challenge = await challenges.get(request.params.id)
    if (challenge === null) throw challengeNotFound(request.params.id)
    return challenge
  })

  app.get('/:id/versions', {
    schema: { params: ParamsSchema, response: { 200: Type.Array(Type.Object({ version: Type.String(), createdAt: Type.String() })) } },
  }, async request => {
    const versions = await challenges.versions(request.params.id)
    if (versions.length === 0) throw challengeNotFound(request.params.id)
    return versions
  })

  app.delete('/:id', {
    schema: { params: ParamsSchema },
  }, async (request, reply) => {
    if (!await challenges.remove(request.params.id)) throw challengeNotFound(request.params.id)
    return await reply.code(204).send()
  })
}
