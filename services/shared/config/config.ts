import { isIP } from 'node:net'
import { hostname } from 'node:os'
import { Type, type Static, type TObject } from 'typebox'
import { Value } from 'typebox/value'
import { parseSlaByLane, type SlaByLane } from './sla-by-lane.js'

/**
 * Process configuration from the environment. Loaded once at start-up in
 * stages (raw env → with defaults → compiled), every problem listed in one
 * message, then frozen.
 */
export const EnvSchema = Type.Object({
  /** Interface the API listens on. @defaultValue 127.0.0.1 */
  HOST: Type.String({ default: '127.0.0.1' }),
  /** Port the API listens on. @defaultValue 8080 */
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  /**
   * Interface of the metrics listener (`GET /metrics`, no key): loopback by
   * default, so only a scraper on the machine reads it. @defaultValue 127.0.0.1
   */
  GRADER_METRICS_HOST: Type.String({ default: '127.0.0.1' }),
  /** Port of the metrics listener; `0` = a free port (logged). @defaultValue 9464 (Prometheus' exporter range) */
  GRADER_METRICS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 9464 }),
  /** Redis shared by API and workers. `npm start` starts a private one when unset. */
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379' }),
  /** Comma-separated Docker endpoints: `unix:///path`, `tcp://host:2376`, `ssh://user@host`. */
  DOCKER_HOSTS: Type.String({ default: 'unix:///var/run/docker.sock' }),
  /** Comma-separated API keys; each has full access. */
  GRADER_API_KEYS: Type.String({ default: '' }),
  /**
   * Comma-separated admin keys: the only keys allowed to read and change Docker
   * hosts (`/v1/hosts`). An admin key is also a valid API key. When unset, every
   * API key is an admin key. @defaultValue none
   */
  GRADER_ADMIN_KEYS: Type.String({ default: '' }),
  /**
   * Target end-to-end time of one submission (accepted to graded), in ms, per
   * lane: a whole number for every lane, then `lane=ms` or `lane=off`
   * overrides, e.g. `30000,interactive=10000,regrade=off`. A submission the
   * pool cannot grade within its lane's SLA is refused (503 `over_capacity`);
   * an accepted one answered later counts in `grader_sla_misses_total`.
   * `regrade` has no SLA unless named: background work waits by design.
   * @defaultValue 30000 (exam, interactive, practice; regrade off)
   */
  GRADER_SLA_MS: Type.String({ default: '30000' }),
  /** Grading runs at once on each Docker host. @defaultValue 2 */
  GRADER_HOST_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 2 }),
  /** Attempts per submission for infrastructure faults (never for verdicts). @defaultValue 3 */
  GRADER_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
  /** Longest a `?wait=true` request is held, in ms. @defaultValue 30000 */
  GRADER_WAIT_MAX_MS: Type.Integer({ minimum: 0, maximum: 300_000, default: 30_000 }),
  /** Submissions waiting in the queue past which the API answers 429. @defaultValue 10000 */
  GRADER_QUEUE_MAX: Type.Integer({ minimum: 1, default: 10_000 }),
  /** How long a finished submission stays readable, in seconds. @defaultValue 86400 */
  GRADER_RESULT_TTL_S: Type.Integer({ minimum: 60, default: 86_400 }),
  /** Most submissions in one `POST /v1/submissions/batch`; more is 413 `batch_too_large`. @defaultValue 100 */
  GRADER_BATCH_MAX: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
  /** Name of this worker in container labels and logs. @defaultValue the host name + pid */
  GRADER_WORKER_ID: Type.String({ default: `${hostname()}-${process.pid}` }),
  /** Prefix of Redis keys and the queue, so several graders can share a Redis. @defaultValue grader */
  GRADER_PREFIX: Type.String({ default: 'grader', pattern: '^[a-zA-Z0-9_-]+$' }),
  /**
   * Seccomp profile of grading containers: `default` (the daemon's own, never
   * disabled), `strict` (deploy/seccomp/grader-strict.json) or a path to a
   * profile file. @defaultValue default
   */
  GRADER_SECCOMP: Type.String({ default: 'default' }),
  /**
   * OCI runtime per language, used on hosts that have it: `python=runsc,java=kata`.
   * A language's image may also ask for one with the `grader.runtime` label. @defaultValue none
   */
  GRADER_RUNTIMES: Type.String({ default: '' }),
  /**
   * How long a worker's claim on a job lasts without renewal, in ms. A worker
   * that dies mid-run loses its jobs to another worker about this long after. @defaultValue 30000
   */
  GRADER_JOB_LOCK_MS: Type.Integer({ minimum: 1000, maximum: 600_000, default: 30_000 }),
  /**
   * Secret webhooks are signed with (Standard Webhooks), `whsec_` + base64 of 24 to 64 bytes.
   * When unset, one is generated once and kept in Redis, so every process signs alike.
   * @defaultValue generated
   */
  GRADER_WEBHOOK_SECRET: Type.String({ default: '' }),
  /**
   * Headers sent with every webhook attempt, as a JSON object of name → value (e.g. an
   * `Authorization` the receiver expects). Per grader until tenants exist. They cannot
   * replace the signature headers. @defaultValue none
   */
  GRADER_WEBHOOK_HEADERS: Type.String({ default: '' }),
  /**
   * Where callbacks may go: comma-separated host names (`hooks.example.com`, `*.example.com`),
   * IP addresses or CIDRs, and `public` for every public address. @defaultValue public
   */
  GRADER_CALLBACK_ALLOW: Type.String({ default: 'public' }),
  /** First webhook retry delay, in ms; each next one doubles, up to the max. @defaultValue 30000 */
  GRADER_WEBHOOK_RETRY_BASE_MS: Type.Integer({ minimum: 10, default: 30_000 }),
  /** Longest delay between two webhook attempts, in ms. @defaultValue 14400000 (4 h) */
  GRADER_WEBHOOK_RETRY_MAX_MS: Type.Integer({ minimum: 10, default: 14_400_000 }),
  /** Webhook attempts continue until their delays add up to at least this, in seconds. @defaultValue 86400 (24 h) */
  GRADER_WEBHOOK_RETRY_FOR_S: Type.Integer({ minimum: 0, maximum: 30 * 86_400, default: 86_400 }),
  /** Longest one webhook attempt may take (connect, send, answer), in ms. @defaultValue 10000 */
  GRADER_WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
  /**
   * Longest a grader process takes to stop after SIGTERM or SIGINT, in ms: its
   * runs in flight and held requests get until then, then it exits whatever
   * still hangs (a run cut short is retried by another worker, its container
   * left to the reaper). The one stop budget of the API, the worker and both. @defaultValue 10000
   */
  GRADER_STOP_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 10_000 }),
  /** pino level. @defaultValue info */
  LOG_LEVEL: Type.Union([
    Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'),
    Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent'),
  ], { default: 'info' }),
})
export type Env = Static<typeof EnvSchema>

export interface Config {
  readonly host: string
  readonly port: number
  /** Interface and port of the metrics listener (`GRADER_METRICS_HOST`, `GRADER_METRICS_PORT`). */
  readonly metricsHost: string
  readonly metricsPort: number
  readonly redisUrl: string
  readonly dockerHosts: readonly string[]
  readonly apiKeys: readonly string[]
  /** Keys allowed on the host routes; empty means every API key is one. */
  readonly adminKeys: readonly string[]
  /** Target end-to-end time of a submission of a lane no override names, in ms (the bare number of `GRADER_SLA_MS`). */
  readonly slaMs: number
  /** Target end-to-end time of a submission per lane, in ms; null = no SLA (see `GRADER_SLA_MS`). */
  readonly slaByLane: SlaByLane
  readonly hostConcurrency: number
  readonly attempts: number
  readonly waitMaxMs: number
  readonly queueMax: number
  readonly resultTtlS: number
  /** Most submissions in one batch. */
  readonly batchMax: number
  readonly workerId: string
  readonly prefix: string
  readonly logLevel: string
  readonly seccomp: string
  readonly jobLockMs: number
  /** language → OCI runtime name */
  readonly runtimes: Readonly<Record<string, string>>
  /** Webhook signing secret (`whsec_…`); undefined = generated once and kept in Redis. */
  readonly webhookSecret?: string
  /** Extra headers of every webhook attempt (lower-case names). */
  readonly webhookHeaders: Readonly<Record<string, string>>
  /** `GRADER_CALLBACK_ALLOW` entries: `public`, host names, IPs, CIDRs. */
  readonly callbackAllow: readonly string[]
  /** Webhook retry schedule: delays from `baseMs` doubling up to `maxMs`, until they add up to `forS`. */
  readonly webhookRetry: Readonly<{ baseMs: number, maxMs: number, forS: number }>
  /** Longest one webhook attempt may take, in ms. */
  readonly webhookTimeoutMs: number
  /** Longest a stop (SIGTERM/SIGINT) may take before the process exits anyway, in ms. */
  readonly stopTimeoutMs: number
}

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
  }
}

/**
 * The environment variables a schema names, coerced from strings, defaulted
 * and checked: the value (valid only when `problems` is empty) and every
 * problem in words. Unset and empty variables take the schema's default.
 */
export function readEnv (schema: TObject, env: NodeJS.ProcessEnv): { value: unknown, problems: string[] } {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(schema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const value = Value.Default(schema, Value.Convert(schema, raw))
  return { value, problems: [...Value.Errors(schema, value)].map(e => `${e.instancePath.slice(1) || 'env'} ${e.message}`) }
}

const list = (s: string): string[] => s.split(',').map(x => x.trim()).filter(Boolean)

/** Reads, coerces, defaults and validates the environment; throws one ConfigError listing every problem. */
export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const { value: withDefaults, problems } = readEnv(EnvSchema, env)
  const dockerHosts = (withDefaults as { DOCKER_HOSTS?: unknown }).DOCKER_HOSTS
  if (typeof dockerHosts === 'string') {
    if (list(dockerHosts).length === 0) problems.push('DOCKER_HOSTS names no Docker endpoint')
    for (const endpoint of list(dockerHosts)) {
      if (!/^(unix|tcp|ssh|http|https):\/\//.test(endpoint)) problems.push(`DOCKER_HOSTS entry "${endpoint}" must start with unix://, tcp://, ssh://, http:// or https://`)
    }
  }
  const runtimes = (withDefaults as { GRADER_RUNTIMES?: unknown }).GRADER_RUNTIMES
  if (typeof runtimes === 'string') {
    for (const entry of list(runtimes)) {
      if (!/^[a-z0-9_-]+=[a-zA-Z0-9_.-]+$/.test(entry)) problems.push(`GRADER_RUNTIMES entry "${entry}" must look like language=runtime`)
    }
  }
  problems.push(...webhookProblems(withDefaults as Partial<Env>))
  const slaText = (withDefaults as { GRADER_SLA_MS?: unknown }).GRADER_SLA_MS
  const sla = parseSlaByLane(typeof slaText === 'string' ? slaText : '')
  problems.push(...sla.problems)
  if (problems.length > 0) throw new ConfigError(problems)
  const e = withDefaults as Env
  return Object.freeze({
    host: e.HOST,
    port: e.PORT,
    metricsHost: e.GRADER_METRICS_HOST,
    metricsPort: e.GRADER_METRICS_PORT,
    redisUrl: e.REDIS_URL,
    dockerHosts: Object.freeze(list(e.DOCKER_HOSTS)),
    apiKeys: Object.freeze(list(e.GRADER_API_KEYS)),
    adminKeys: Object.freeze(list(e.GRADER_ADMIN_KEYS)),
    slaMs: sla.allMs,
    slaByLane: sla.value,
    hostConcurrency: e.GRADER_HOST_CONCURRENCY,
    attempts: e.GRADER_ATTEMPTS,
    waitMaxMs: e.GRADER_WAIT_MAX_MS,
    queueMax: e.GRADER_QUEUE_MAX,
    resultTtlS: e.GRADER_RESULT_TTL_S,
    batchMax: e.GRADER_BATCH_MAX,
    workerId: e.GRADER_WORKER_ID,
    prefix: e.GRADER_PREFIX,
    logLevel: e.LOG_LEVEL,
    seccomp: e.GRADER_SECCOMP,
    jobLockMs: e.GRADER_JOB_LOCK_MS,
    runtimes: Object.freeze(Object.fromEntries(list(e.GRADER_RUNTIMES).map(entry => entry.split('=') as [string, string]))),
    ...(e.GRADER_WEBHOOK_SECRET !== '' ? { webhookSecret: e.GRADER_WEBHOOK_SECRET } : {}),
    webhookHeaders: Object.freeze(parseWebhookHeaders(e.GRADER_WEBHOOK_HEADERS)),
    callbackAllow: Object.freeze(list(e.GRADER_CALLBACK_ALLOW).map(entry => entry.toLowerCase())),
    webhookRetry: Object.freeze({ baseMs: e.GRADER_WEBHOOK_RETRY_BASE_MS, maxMs: e.GRADER_WEBHOOK_RETRY_MAX_MS, forS: e.GRADER_WEBHOOK_RETRY_FOR_S }),
    webhookTimeoutMs: e.GRADER_WEBHOOK_TIMEOUT_MS,
    stopTimeoutMs: e.GRADER_STOP_TIMEOUT_MS,
  })
}

/** Headers a tenant may not set: the signature's, and those the HTTP client owns. */
export const RESERVED_WEBHOOK_HEADERS: ReadonlySet<string> = new Set(['webhook-id', 'webhook-timestamp', 'webhook-signature',
  'content-type', 'content-length', 'host', 'transfer-encoding', 'connection', 'expect', 'upgrade'])
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

function parseWebhookHeaders (json: string): Record<string, string> {
  if (json === '') return {}
  const parsed = JSON.parse(json) as Record<string, string>
  return Object.fromEntries(Object.entries(parsed).map(([name, value]) => [name.toLowerCase(), value]))
}

/** The webhook variables' own rules, past what the schema checks. */
function webhookProblems (e: Partial<Env>): string[] {
  const problems: string[] = []
  const secret = e.GRADER_WEBHOOK_SECRET
  if (typeof secret === 'string' && secret !== '') {
    const bytes = /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret) ? Buffer.from(secret.slice(6), 'base64').length : 0
    // Standard Webhooks: the key is 24 to 64 random bytes, base64 after the `whsec_` prefix.
    if (bytes < 24 || bytes > 64) problems.push('GRADER_WEBHOOK_SECRET must be whsec_ followed by the base64 of 24 to 64 bytes')
  }
  const headers = e.GRADER_WEBHOOK_HEADERS
  if (typeof headers === 'string' && headers !== '') {
    let parsed: unknown
    try { parsed = JSON.parse(headers) } catch { parsed = undefined }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      problems.push('GRADER_WEBHOOK_HEADERS must be a JSON object of header name → value')
    } else {
      for (const [name, value] of Object.entries(parsed)) {
        if (!HEADER_NAME.test(name)) problems.push(`GRADER_WEBHOOK_HEADERS: "${name}" is not a header name`)
        else if (RESERVED_WEBHOOK_HEADERS.has(name.toLowerCase())) problems.push(`GRADER_WEBHOOK_HEADERS: "${name}" is set by the grader itself`)
        // a CR or LF would split the request into headers of the value's choosing
        if (typeof value !== 'string' || /[\r\n\0]/.test(value)) problems.push(`GRADER_WEBHOOK_HEADERS: the value of "${name}" must be a string on one line`)
      }
    }
  }
  const allow = e.GRADER_CALLBACK_ALLOW
  if (typeof allow === 'string') {
    for (const entry of list(allow)) {
      const [address, prefix, extra] = entry.split('/')
      if (prefix !== undefined) {
        const bits = isIP(address!) === 4 ? 32 : isIP(address!) === 6 ? 128 : 0
        if (bits === 0 || extra !== undefined || !/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) problems.push(`GRADER_CALLBACK_ALLOW entry "${entry}" is not a CIDR`)
      } else if (entry !== 'public' && isIP(entry) === 0 && !/^(\*\.)?[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*\.?$/.test(entry)) {
        problems.push(`GRADER_CALLBACK_ALLOW entry "${entry}" must be public, a host name, an IP address or a CIDR`)
      }
    }
  }
  return problems
}
