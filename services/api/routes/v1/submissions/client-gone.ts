import type { FastifyReply, FastifyRequest } from 'fastify'

/** An abort signal for a held request, and the way to stop listening once it is answered. */
export interface ClientGone {
  signal: AbortSignal
  dispose (): void
}

/**
 * Aborts when the client disconnects before it is answered, so a held
 * `?wait=true` request stops waiting (and frees its waiter) at once.
 *
 * Listens on the response, not the request: since Node 16 a request's
 * `close` fires as soon as its body is read, while the response's `close`
 * fires when the connection goes away or after the answer was sent.
 */
export function untilClientGone (request: FastifyRequest, reply: FastifyReply): ClientGone {
  const controller = new AbortController()
  const onClose = (): void => {
    if (!reply.raw.writableEnded) controller.abort()
  }
  if (request.raw.socket?.destroyed === true) controller.abort()
  reply.raw.once('close', onClose)
  return { signal: controller.signal, dispose: () => { reply.raw.off('close', onClose) } }
}
