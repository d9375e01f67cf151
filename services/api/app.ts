import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Queue } from 'bullmq'
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import type { Registry } from 'prom-client'
import { DeliveryLog } from '../delivery/delivery-log.js'
import type { Config } from '../shared/config/config.js'
import type { GradingJob } from '../shared/contracts/job-schema.js'
import { SUBMISSION_BOUNDS } from '../shared/contracts/submission-schema.js'
import { GraderError } from '../shared/errors/grader-error.js'
import { BatchStore } from '../shared/store/batch-store.js'
import { ChallengeStore } from '../shared/store/challenge-store.js'
import { IdempotencyStore } from '../shared/store/idempotency-store.js'
import type { HostRegistry } from '../shared/store/host-registry.js'
import type { SubmissionStore } from '../shared/store/submission-store.js'
import { SubmissionProgress } from '../shared/store/submission-progress.js'
import type { WorkerRegistry } from '../shared/store/worker-registry.js'
import { ApiKeyStore } from '../shared/store/api-key-store.js'
import { TenantStore } from '../shared/store/tenant-store.js'
import { FairQueue } from '../shared/queue/fair-queue.js'
import { processLoggerOptions, withRedaction, type ApiLoggerOptions } from '../shared/observability/logger-options.js'
import { MetricsCollector, processMetricsRegistry } from '../shared/observability/metrics-collector.js'
import { MetricsStore } from '../shared/observability/metrics-store.js'
import { capacitySources } from './admission.js'
import { authenticate, requireGlobalAdmin, requireRole } from './plugins/auth.js'
import { installErrorHandling, replyWithError } from './plugins/error-handler.js'
import { installJsonBodyParser } from './plugins/json-body-parser.js'
import { installRateLimits } from './plugins/rate-limit.js'
import { registerOpenApi } from './plugins/openapi.js'
import { ResultWaiter, type DoneSubscriber } from './plugins/result-waiter.js'
import { formatSchemaErrors } from './plugins/schema-error-formatter.js'
import { healthRoutes } from './routes/health.js'
import { metricsRoutes, requireMetricsReader } from './routes/metrics.js'
import { opsRoutes } from './routes/ops/index.js'
import { batchRoutes } from './routes/v1/batches/index.js'
import { capacityRoutes } from './routes/v1/capacity/index.js'
import { challengeRoutes } from './routes/v1/challenges/index.js'
import { regradeRoutes } from './routes/v1/challenges/regrade.js'
import { hostRoutes } from './routes/v1/hosts/index.js'
import { keyRoutes } from './routes/v1/keys/index.js'
import { tenantRoutes } from './routes/v1/tenants/index.js'
import { submissionRoutes } from './routes/v1/submissions/index.js'
import { submissionEventRoutes } from './routes/v1/submissions/events.js'
import { resultFormatRoutes } from './routes/v1/submissions/result-formats.js'
import { deliveryRoutes } from './routes/v1/submissions/deliveries.js'
import { metadataProblem } from './submission-metadata.js'
import { queueCollector, type CollectTests } from './suite-collector.js'

/**
 * Everything the API needs, built by the caller (server.ts or a test) and
 * passed in: the app owns none of these connections and closes none of them.
 */
export interface ApiDeps {
  config: Config
  /** Submissions as answered by the API; built on `redis` with `config.prefix`. */
  store: SubmissionStore
  /** The grading queue: name `QUEUE_NAME`, prefix `config.prefix`. */
  queue: Queue<GradingJob>
  /** Command connection, used by `/readyz` to PING. */
  redis: Redis
  /**
   * A connection dedicated to subscribing to `store.doneChannel` (an ioredis
   * client in subscriber mode can run no other command).
   */
  subscriber: DoneSubscriber
  /** Live workers' heartbeats: which languages can be graded, whether anything can. */
  registry: WorkerRegistry
  /**
   * Challenges and feedback budgets.
   * @defaultValue a `ChallengeStore` on `redis` with `config.prefix`
   */
  challenges?: ChallengeStore
  /**
   * Last progress of running submissions, for `GET /v1/submissions/:id/events`.
   * @defaultValue a `SubmissionProgress` on `redis` with `config.prefix` and `config.resultTtlS`
   */
  progress?: SubmissionProgress
  /**
   * Webhook attempts, for `GET /v1/submissions/:id/deliveries`.
   * @defaultValue a `DeliveryLog` on `redis` with `config.prefix` and `config.resultTtlS`
   */
  deliveryLog?: DeliveryLog
  /**
   * `Idempotency-Key` entries of the POST routes.
   * @defaultValue an `IdempotencyStore` on `redis` with `config.prefix` and `config.resultTtlS`
   */
  idempotency?: IdempotencyStore
  /**
   * Batches and regrades, for `POST /v1/submissions/batch` and `GET /v1/batches/:id`.
   * @defaultValue a `BatchStore` on `redis` with `config.prefix` and `config.resultTtlS`
   */
  batches?: BatchStore
  /** Docker hosts as workers publish them, and the controls ops set; built on `redis` with `config.prefix`. */
  hosts: HostRegistry
  /**
   * Where accepted jobs wait for a free slot, per tenant and lane.
   * @defaultValue a `FairQueue` on `redis` with `config.prefix`
   */
  fair?: FairQueue
  /**
   * Tenants, for keys' limits and `/v1/tenants`.
   * @defaultValue a `TenantStore` on `redis` with `config.prefix`
   */
  tenants?: TenantStore
  /**
   * API keys made through `/v1/tenants/:id/keys`.
   * @defaultValue an `ApiKeyStore` on `redis` with `config.prefix`
   */
  apiKeys?: ApiKeyStore
  /**
   * The test ids pytest collects from a suite, to check a challenge's `policy.tests` on PUT.
   * @defaultValue `queueCollector` on `queue` and `registry`: a collect-only job graded by a worker
   */
  collectTests?: CollectTests
  /**
   * The process's Prometheus registry; `/metrics` renders it after adding
   * the grader's metrics to it.
   * @defaultValue `processMetricsRegistry()`: a new one with the default process metrics
   */
  metricsRegistry?: Registry
  /**
   * A pino logger (used as is: configure its redaction, see `processLoggerOptions`)
   * or pino options (API redaction added).
   * @defaultValue `processLoggerOptions(config.logLevel)`
   */
  logger?: FastifyBaseLogger | ApiLoggerOptions
}

/**
 * Largest request body, in bytes. File contents may take up to
 * `maxTotalBytes`; JSON escaping can grow them (a newline is two bytes, a
 * control character six), so twice that plus room for the rest of the body.
 * A larger body is refused with 413 before it is parsed.
 */
export const BODY_LIMIT_BYTES = SUBMISSION_BOUNDS.maxTotalBytes * 2 + 64 * 1024

/**
 * Deepest nesting of objects and arrays in any JSON body, the body itself
 * counting as one level. Far above what any route accepts (a submission with
 * the deepest metadata allowed is `maxMetadataDepth` + 1), and far below what
 * would overflow the stack of whatever serialises a value recursively.
 * A deeper body is refused with 400 right after parsing.
 */
export const BODY_MAX_DEPTH = 64

/**
 * Keeps the code a body too deep would get from the schema or the route:
 * every route takes an object, so another body is `invalid_json` (as when it
 * is shallow); `metadata`, the one free-form field, is `invalid_metadata`
 * (as when it is only a little too deep for the route's own check).
 */
function bodyTooDeep (body: unknown, path: Array<string | number>): Error | null {
  if (Array.isArray(body)) return new GraderError('invalid_json', 'the body must be a JSON object')
  if (path[0] !== 'metadata') return null
  return metadataProblem((body as { metadata?: unknown }).metadata)
}

const isLoggerInstance = (logger: ApiDeps['logger']): logger is FastifyBaseLogger =>
  typeof (logger as Partial<FastifyBaseLogger> | undefined)?.child === 'function'

function createFastify (deps: ApiDeps): FastifyInstance {
  const common = {
    bodyLimit: BODY_LIMIT_BYTES,
    // answered by our own hook, so even shutdown refusals use the one error shape
    return503OnClosing: false,
    schemaErrorFormatter: formatSchemaErrors,
    // the default JSON parser refuses `__proto__` and `constructor.prototype` keys as invalid JSON
    onProtoPoisoning: 'error' as const,
    onConstructorPoisoning: 'error' as const,
    // a URL that does not decode is refused before routing: answered in the one error shape too
    frameworkErrors: (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => replyWithError(err, request, reply, { bodyLimitBytes: BODY_LIMIT_BYTES }),
  }
  if (isLoggerInstance(deps.logger)) return Fastify({ ...common, loggerInstance: deps.logger })
  const logger = deps.logger === undefined ? processLoggerOptions(deps.config.logLevel) : withRedaction(deps.logger)
  return Fastify({ ...common, logger })
}

/**
 * Builds the HTTP API (never listens: `server.ts` does, tests `inject()`).
 *
 * Layout: the error and not-found handlers at the root; `/healthz`,
 * `/readyz` without a key; everything under `/v1` behind a key, which
 * makes the request's principal (a tenant and roles, plugins/auth.ts):
 * each route checks its role and answers only for the caller's tenant
 * (another tenant's data is `404`, so existence does not leak);
 * `/v1/hosts` needs a global admin.
 * The done-channel subscription starts when the app is ready and stops when
 * it closes; held `?wait=true` requests are released first.
 */
export async function buildApp (deps: ApiDeps): Promise<FastifyInstance> {
  const { config } = deps
  const app = createFastify(deps)
    .setValidatorCompiler(TypeBoxValidatorCompiler)
    .withTypeProvider<TypeBoxTypeProvider>()
  installErrorHandling(app, { bodyLimitBytes: BODY_LIMIT_BYTES })
  installJsonBodyParser(app, { maxDepth: BODY_MAX_DEPTH, tooDeep: bodyTooDeep })
  // before every route: the document is collected from routes as they are registered
  await registerOpenApi(app)

  const waiter = new ResultWaiter(deps.subscriber, deps.store.doneChannel)
  let closing = false
  app.addHook('onReady', async () => { await waiter.start() })
  app.addHook('preClose', async () => {
    closing = true
    // held requests answer 202 now instead of keeping the server from closing
    waiter.releaseAll()
  })
  app.addHook('onClose', async instance => {
    await waiter.stop().catch((err: unknown) => { instance.log.warn({ err }, 'could not unsubscribe from the done channel') })
  })
  app.addHook('onRequest', async () => {
    if (closing) throw new GraderError('unavailable', 'the server is shutting down; try again')
  })
  app.addHook('onSend', async (_request, reply, payload) => {
    // an answer sent while closing ends its keep-alive connection: otherwise
    // server.close() waits for the client to hang up (up to keepAliveTimeout)
    if (closing) void reply.header('connection', 'close')
    return payload
  })

  await app.register(healthRoutes, { redis: deps.redis, registry: deps.registry })
  // one set for admission, GET /v1/capacity and /metrics: their cached reads are shared
  const capacity = capacitySources(deps.redis, config.prefix, deps.queue, deps.hosts)
  // one store for /metrics and the ops console: the same counters, read the same way
  const metricsStore = new MetricsStore(deps.redis, config.prefix, { slaMs: config.slaByLane })
  const collector = new MetricsCollector({
    store: metricsStore,
    hosts: deps.hosts,
    queue: deps.queue,
    fair: capacity.fair,
    throughput: capacity.throughput,
    registry: deps.metricsRegistry ?? processMetricsRegistry(),
  })
  const challenges = deps.challenges ?? new ChallengeStore(deps.redis, config.prefix)
  const batches = deps.batches ?? new BatchStore(deps.redis, config.prefix, config.resultTtlS)
  const tenants = deps.tenants ?? new TenantStore(deps.redis, config.prefix)
  const apiKeys = deps.apiKeys ?? new ApiKeyStore(deps.redis, config.prefix)
  const fair = deps.fair ?? new FairQueue(deps.redis, config.prefix)
  // the one collector: the metrics listener (start-api.ts) renders it too, without a key
  app.decorate('metricsCollector', collector)
  // on the API's listener, /metrics needs a key with the metrics role (or a global admin)
  await app.register(async scraped => {
    scraped.addHook('onRequest', authenticate({ apiKeys: config.apiKeys, adminKeys: config.adminKeys, keys: apiKeys, tenants }))
    scraped.addHook('onRequest', requireMetricsReader())
    await scraped.register(metricsRoutes, { collector })
  })
  const authDeps = { apiKeys: config.apiKeys, adminKeys: config.adminKeys, keys: apiKeys, tenants }
  // the ops console: a page, its event stream and bull-board, for the grader's own admins (the same keys as /v1/hosts)
  await app.register(opsRoutes, {
    prefix: '/ops',
    auth: authDeps,
    sources: { hosts: deps.hosts, queue: deps.queue, fair, metrics: metricsStore, workers: deps.registry, slaMs: config.slaByLane },
    queue: deps.queue,
  })
  await app.register(async v1 => {
    // first hook of the scope: every other hook and route reads `request.principal`
    v1.addHook('onRequest', authenticate({ apiKeys: config.apiKeys, adminKeys: config.adminKeys, keys: apiKeys, tenants }))
    // after authentication: the limits are the principal's (its tenant's and its key's)
    await installRateLimits(v1, { redis: deps.redis, prefix: config.prefix })
    await v1.register(submissionRoutes, {
      prefix: '/submissions',
      config,
      store: deps.store,
      queue: deps.queue,
      registry: deps.registry,
      waiter,
      challenges,
      idempotency: deps.idempotency ?? new IdempotencyStore(deps.redis, config.prefix, config.resultTtlS),
      batches,
      redis: deps.redis,
      fair,
    })
    await v1.register(batchRoutes, { prefix: '/batches', batches, store: deps.store })
    // any role: a platform shows its students the wait; other tenants appear only as totals
    await v1.register(capacityRoutes, { prefix: '/capacity', config, sources: capacity })
    // results.json (Exercism v2/v3) and gradescope.json: read-only, apart from the POST path
    await v1.register(resultFormatRoutes, { prefix: '/submissions', store: deps.store, challenges })
    // its own plugin: the stream and its progress subscription live apart from the other submission routes
    await v1.register(submissionEventRoutes, {
      prefix: '/submissions',
      store: deps.store,
      progress: deps.progress ?? new SubmissionProgress(deps.redis, config.prefix, config.resultTtlS),
      subscriber: deps.subscriber,
      waiter,
      challenges,
    })
    await v1.register(deliveryRoutes, {
      prefix: '/submissions',
      store: deps.store,
      deliveryLog: deps.deliveryLog ?? new DeliveryLog(deps.redis, config.prefix, config.resultTtlS),
    })
    // the hosts are every tenant's: only the grader's own admins see and steer them
    await v1.register(async globalAdmin => {
      globalAdmin.addHook('onRequest', requireGlobalAdmin())
      await globalAdmin.register(hostRoutes, { prefix: '/hosts', hosts: deps.hosts })
    })
    // a tenant's admins run its challenges; each route scopes them to the caller's tenant
    await v1.register(async admin => {
      admin.addHook('onRequest', requireRole('admin'))
      // apart from challengeRoutes: the regrade needs the queue and the submission store
      await admin.register(regradeRoutes, {
        prefix: '/challenges', config, store: deps.store, queue: deps.queue, fair, registry: deps.registry, challenges, batches,
      })
    })
    // a tenant's admins only: a challenge holds its hidden tests
    await v1.register(challengeRoutes, {
      prefix: '/challenges',
      challenges,
      collectTests: deps.collectTests ?? queueCollector({ queue: deps.queue, registry: deps.registry }),
    })
    await v1.register(tenantRoutes, { prefix: '/tenants', tenants, apiKeys, fair })
    await v1.register(keyRoutes, { prefix: '/keys', apiKeys })
  }, { prefix: '/v1' })
  return app
}
