import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyBaseLogger } from 'fastify'
import { GraderError } from '../../../../shared/errors/grader-error.js'
import type { HostControl, HostRegistry, HostView } from '../../../../shared/store/host-registry.js'
import {
  CommandAcceptedSchema, ControlAcceptedSchema, HostListSchema, HostParamsSchema, HostPatchSchema,
} from '../../../schemas/host-routes-schema.js'

/** What the host routes need; passed in, never imported as singletons. */
export interface HostRoutesOptions {
  /** Views the workers publish, controls ops set, commands to workers. */
  hosts: Pick<HostRegistry, 'views' | 'controls' | 'setControl' | 'command'>
}

/**
 * Refuses a host no live worker reports. Controls are keyed by id and kept
 * for good, so a typo would otherwise leave a control no host ever reads.
 */
async function checkKnownHost (hosts: HostRoutesOptions['hosts'], id: string): Promise<void> {
  const views = await hosts.views()
  if (views.some(v => v.id === id)) return
  throw new GraderError('not_found', `no host with id ${JSON.stringify(id.slice(0, 100))}: no live worker reports it (GET /v1/hosts lists them)`)
}

/**
 * The hosts as `GET /v1/hosts` lists them: each worker's view of a host plus
 * the control ops set for it (empty when none). The ops page reads the same list.
 */
export async function hostList (hosts: Pick<HostRoutesOptions['hosts'], 'views' | 'controls'>): Promise<Array<HostView & { control: HostControl }>> {
  const [views, controls] = await Promise.all([hosts.views(), hosts.controls()])
  return views.map(view => ({ ...view, control: controls[view.id] ?? {} }))
}

/**
 * Routes of `/v1/hosts`: list the Docker hosts the workers report, and
 * drain, undrain, recycle or resize one. Changes are stored in Redis and
 * announced to every worker, which applies them; the answer is 202 because
 * the worker applies them after the request ends. Authentication (an admin
 * key) is applied by the enclosing scope.
 */
export const hostRoutes: FastifyPluginAsyncTypebox<HostRoutesOptions> = async (app, opts) => {
  const { hosts } = opts

  const changeControl = async (id: string, change: HostControl, log: FastifyBaseLogger): Promise<{ id: string, control: HostControl }> => {
    await checkKnownHost(hosts, id)
    const control = await hosts.setControl(id, change)
    log.info({ host: id, change, control }, 'host control changed')
    return { id, control }
  }

  app.get('/', {
    schema: { response: { 200: HostListSchema } },
  }, async () => ({ hosts: await hostList(hosts) }))

  app.post('/:id/drain', {
    schema: { params: HostParamsSchema, response: { 202: ControlAcceptedSchema } },
  }, async (request, reply) => reply.code(202).send(await changeControl(request.params.id, { draining: true }, request.log)))

  app.post('/:id/undrain', {
    schema: { params: HostParamsSchema, response: { 202: ControlAcceptedSchema } },
  }, async (request, reply) => reply.code(202).send(await changeControl(request.params.id, { draining: false }, request.log)))

  app.patch('/:id', {
    schema: { params: HostParamsSchema, body: HostPatchSchema, response: { 202: ControlAcceptedSchema } },
  }, async (request, reply) => reply.code(202).send(await changeControl(request.params.id, { concurrency: request.body.concurrency }, request.log)))

  app.post('/:id/recycle', {
    schema: { params: HostParamsSchema, response: { 202: CommandAcceptedSchema } },
  }, async (request, reply) => {
    const { id } = request.params
    await checkKnownHost(hosts, id)
    await hosts.command({ hostId: id, action: 'recycle' })
    request.log.info({ host: id }, 'host recycle requested')
    return reply.code(202).send({ id, action: 'recycle' as const })
  })
}
