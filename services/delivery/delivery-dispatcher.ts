import { UnrecoverableError, Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { Webhook } from 'standardwebhooks'
import { RESERVED_WEBHOOK_HEADERS, type Config } from '../shared/config/config.js'
import type { Submission } from '../shared/contracts/submission-schema.js'
import type { MetricsStore, WebhookOutcome } from '../shared/observability/metrics-store.js'
import { CallbackAllowList } from './callback-allow-list.js'
import { DELIVERY_QUEUE_NAME, type DeliveryJob, type WebhookPayload } from './delivery-job-schema.js'
import { DeliveryLog } from './delivery-log.js'
import { retryDelaysMs } from './delivery-schedule.js'
import { resolveWebhookSecret, type WebhookSecret } from './webhook-secret.js'
import { deliveryAgent, MAX_REDIRECTS, postWebhook } from './webhook-sender.js'
import { BOOTSTRAP_TENANT } from '../shared/contracts/vocabulary.js'
import { TenantStore } from '../shared/store/tenant-store.js'

/** Headers without the reserved ones: refused when set (config, tenant routes), dropped here again should one slip through. */
function withoutReserved (headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !RESERVED_WEBHOOK_HEADERS.has(name.toLowerCase())))
}

/** Deliveries in flight at once per dispatcher: each mostly waits on a receiver. */
const CONCURRENCY = 16
const USER_AGENT = 'challenge-grader-webhooks/1'

export interface DispatcherDeps {
  config: Config
  /** Command connection for the delivery log and the generated secret. */
  redis: Redis
  log: Logger
  /**
   * The submission as `GET /v1/submissions/:id` answers it (full view), or null once expired.
   * Passed in: the view (challenge scoring) is the API's.
   */
  render: (submissionId: string) => Promise<Submission | null>
  /**
   * Where each attempt's outcome is counted (`grader_webhook_attempts_total`).
   * @defaultValue none: attempts are only logged
   */
  metrics?: Pick<MetricsStore, 'webhookAttempted'>
}

export interface RunningDispatcher {
  secret: WebhookSecret
  close: () => Promise<void>
}

/**
 * Takes deliveries from their queue and POSTs them, signed per Standard Webhooks with the same
 * `webhook-id` on every attempt, retried on any answer but 2xx (and on no answer) along
 * `retryDelaysMs`. Every attempt is recorded in the delivery log. Delayed retries live in
 * Redis, so a dispatcher that stops mid-schedule loses nothing: the next one carries on.
 */
export async function startDeliveryDispatcher (deps: DispatcherDeps): Promise<RunningDispatcher> {
  const { config, log } = deps
  const secret = await resolveWebhookSecret(deps.redis, config.prefix, config.webhookSecret)
  const graderSigner = new Webhook(secret.secret)
  const tenants = new TenantStore(deps.redis, config.prefix)

  /**
   * The signer and extra headers of a tenant's deliveries: the bootstrap
   * tenant's are the grader's (`GRADER_WEBHOOK_SECRET`, `GRADER_WEBHOOK_HEADERS`);
   * every other tenant signs with its own secret, so a receiver of one
   * tenant can never verify (or be sent) another's. Read at each attempt: a
   * changed header applies from the next attempt on.
   */
  async function signingOf (tenantId: string | undefined): Promise<{ signer: Webhook, headers: Readonly<Record<string, string>> }> {
    if (tenantId === undefined || tenantId === BOOTSTRAP_TENANT) return { signer: graderSigner, headers: config.webhookHeaders }
    const tenant = await tenants.get(tenantId)
    // its tenant is gone: nobody is left to verify it
    if (tenant?.webhookSecret === undefined) throw new UnrecoverableError(`the tenant ${tenantId} of this webhook no longer exists`)
    return { signer: new Webhook(tenant.webhookSecret), headers: tenant.webhookHeaders ?? {} }
  }
  const allow = new CallbackAllowList(config.callbackAllow)
  const agent = deliveryAgent(allow)
  const deliveryLog = new DeliveryLog(deps.redis, config.prefix, config.resultTtlS)
  const delays = retryDelaysMs(config.webhookRetry)

  async function payloadOf (job: Job<DeliveryJob>): Promise<WebhookPayload> {
    if (job.data.payload !== undefined) return job.data.payload
    const submission = await deps.render(job.data.submissionId ?? '')
    if (submission === null) throw new UnrecoverableError('the submission expired before its webhook was sent')
    const payload = { type: 'submission.done', timestamp: job.data.doneAt ?? new Date().toISOString(), data: submission }
    // frozen at the first attempt: later ones send the same bytes, even once the submission expired
    await job.updateData({ ...job.data, payload })
    return payload
  }

  async function deliver (job: Job<DeliveryJob>): Promise<void> {
    const attempt = job.attemptsMade + 1
    const jobLog = log.child({ webhookId: job.data.webhookId, logId: job.data.logId, attempt })
    const started = Date.now()
    const at = new Date(started).toISOString()
    let statusCode: number | undefined
    let url = job.data.url
    let error: string | undefined
    let payload: WebhookPayload | undefined
    try {
      payload = await payloadOf(job)
      const tenantId = job.data.tenant ?? (job.data.submissionId !== undefined ? (payload.data as { tenant?: string } | null)?.tenant : undefined)
      const { signer, headers: tenantHeaders } = await signingOf(tenantId)
      const body = JSON.stringify(payload)
      const timestamp = new Date()
      const headers: Record<string, string> = {
        'user-agent': USER_AGENT,
        // set first so the signature's own headers always win
        ...withoutReserved(tenantHeaders),
        'content-type': 'application/json',
        'webhook-id': job.data.webhookId,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signer.sign(job.data.webhookId, timestamp, body),
      }
      const sent = await postWebhook({ url, body, headers, agent, allow, timeoutMs: config.webhookTimeoutMs })
      statusCode = sent.statusCode
      url = sent.url
      if (statusCode < 200 || statusCode > 299) error = `the receiver answered ${statusCode}`
    } catch (err) {
      error = (err as Error).message || String(err)
      if (err instanceof UnrecoverableError) {
        await deliveryLog.record(job.data.logId, { attempt, webhookId: job.data.webhookId, at, url, error, durationMs: Date.now() - started })
        throw err
      }
    }
    const durationMs = Date.now() - started
    const last = attempt >= (job.opts.attempts ?? 1)
    const nextAttemptAt = error === undefined || last ? undefined : new Date(Date.now() + delays[attempt - 1]!).toISOString()
    await deliveryLog.record(job.data.logId, {
      attempt, webhookId: job.data.webhookId, at, url, durationMs,
      ...(statusCode !== undefined ? { statusCode } : {}),
      ...(error !== undefined ? { error: error.slice(0, 500) } : {}),
      ...(nextAttemptAt !== undefined ? { nextAttemptAt } : {}),
    })
    const outcome: WebhookOutcome = error === undefined ? 'delivered' : last ? 'given_up' : 'retrying'
    // counted, never in the way: a metrics write that fails costs a log line, not the delivery
    await deps.metrics?.webhookAttempted({ type: payload?.type ?? 'unknown', outcome })
      .catch((err: unknown) => { jobLog.warn({ err }, 'webhook attempt not counted') })
    if (error === undefined) {
      jobLog.info({ statusCode, durationMs }, 'webhook delivered')
      return
    }
    jobLog.warn({ statusCode, error, durationMs, nextAttemptAt }, last ? 'webhook given up' : 'webhook attempt failed')
    throw new Error(error)
  }

  // BullMQ blocks on this connection: it must retry forever rather than fail commands
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null, connectionName: 'grader-deliveries' })
  connection.on('error', (err: Error) => { log.warn({ err }, 'delivery connection error') })
  const worker = new Worker<DeliveryJob>(DELIVERY_QUEUE_NAME, deliver, {
    connection,
    prefix: config.prefix,
    concurrency: CONCURRENCY,
    // an attempt may take the timeout once per hop; a lock shorter than that would hand it to another dispatcher mid-POST
    lockDuration: config.webhookTimeoutMs * (MAX_REDIRECTS + 1) + 5_000,
    settings: { backoffStrategy: (attemptsMade: number) => delays[Math.min(attemptsMade, delays.length) - 1] ?? delays.at(-1)! },
  })
  worker.on('error', err => { log.warn({ err }, 'delivery worker error') })
  await worker.waitUntilReady()
  log.info({ attempts: delays.length + 1, retryForS: config.webhookRetry.forS, secretGenerated: secret.generated }, 'webhook dispatcher ready')

  let closing: Promise<void> | undefined
  return {
    secret,
    close: () => {
      closing ??= (async () => {
        // attempts in flight finish (each bounded by the timeout); the rest wait in Redis
        await worker.close().catch((err: Error) => { log.warn({ err }, 'delivery worker close failed') })
        await agent.close().catch(() => {})
        await connection.quit().catch(() => {})
      })()
      return closing
    },
  }
}
