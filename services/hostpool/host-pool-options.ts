import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { ConfigError } from '../shared/config/config.js'

/**
 * How hosts are probed, judged and recycled (environment, one schema for the
 * host pool). A wedged daemon is detected within about
 * `probeIntervalMs × unhealthyAfterFailures + probeTimeoutMs`: 3 s by default.
 */
export const HostPoolEnvSchema = Type.Object({
  /** Between two probes of a host, in ms. @defaultValue 1000 */
  GRADER_PROBE_INTERVAL_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 1000 }),
  /** A probe call slower than this counts as failed, in ms. @defaultValue 1500 */
  GRADER_PROBE_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 1500 }),
  /** Every Nth probe also creates and removes a tiny container (the call that wedges under churn). @defaultValue 5 */
  GRADER_PROBE_CREATE_EVERY: Type.Integer({ minimum: 1, maximum: 1000, default: 5 }),
  /** p95 of probe latency above which a host is `degraded`, in ms. @defaultValue 800 */
  GRADER_HOST_DEGRADED_MS: Type.Integer({ minimum: 1, default: 800 }),
  /** Consecutive failed probes that make a host `unhealthy`. @defaultValue 2 */
  GRADER_HOST_UNHEALTHY_AFTER: Type.Integer({ minimum: 1, maximum: 100, default: 2 }),
  /** Consecutive good probes that re-admit an unhealthy or recycled host. @defaultValue 2 */
  GRADER_HOST_RECOVER_AFTER: Type.Integer({ minimum: 1, maximum: 100, default: 2 }),
  /** Runs in flight on a host that turned unhealthy get this long before they are retried elsewhere, in ms. @defaultValue 3000 */
  GRADER_HOST_GRACE_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 3000 }),
  /** Shell command that recycles a host, run with GRADER_HOST_ID and GRADER_HOST_ENDPOINT; exit 0 when the daemon is back. @defaultValue none (hosts recover by themselves or stay out) */
  GRADER_RECYCLE_COMMAND: Type.String({ default: '' }),
  /** Longest a recycle command may run, in ms. @defaultValue 120000 */
  GRADER_RECYCLE_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 120_000 }),
  /**
   * A host missing a runtime image that another host has gets it copied over the Docker API
   * (save from one, load into the other) instead of simply never being chosen for that language. @defaultValue false
   */
  GRADER_IMAGE_SYNC: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'false' }),
  /** First wait before recycling a host again that fell over soon after its last recycle, in ms; doubles each time. @defaultValue 10000 */
  GRADER_RECYCLE_BACKOFF_MS: Type.Integer({ minimum: 0, default: 10_000 }),
})

export interface HostPoolOptions {
  probeIntervalMs: number
  probeTimeoutMs: number
  probeCreateEvery: number
  degradedMs: number
  unhealthyAfter: number
  recoverAfter: number
  graceMs: number
  recycleCommand: string | null
  recycleTimeoutMs: number
  recycleBackoffMs: number
  imageSync: boolean
}

export function loadHostPoolOptions (env: NodeJS.ProcessEnv = process.env): HostPoolOptions {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(HostPoolEnvSchema.properties)) {
    if (env[key] !== undefined && env[key] !== '') raw[key] = env[key]
  }
  const value = Value.Default(HostPoolEnvSchema, Value.Convert(HostPoolEnvSchema, raw))
  const problems = [...Value.Errors(HostPoolEnvSchema, value)].map(e => `${e.instancePath.slice(1)} ${e.message}`)
  if (problems.length > 0) throw new ConfigError(problems)
  const e = value as Static<typeof HostPoolEnvSchema>
  return Object.freeze({
    probeIntervalMs: e.GRADER_PROBE_INTERVAL_MS,
    probeTimeoutMs: e.GRADER_PROBE_TIMEOUT_MS,
    probeCreateEvery: e.GRADER_PROBE_CREATE_EVERY,
    degradedMs: e.GRADER_HOST_DEGRADED_MS,
    unhealthyAfter: e.GRADER_HOST_UNHEALTHY_AFTER,
    recoverAfter: e.GRADER_HOST_RECOVER_AFTER,
    graceMs: e.GRADER_HOST_GRACE_MS,
    recycleCommand: e.GRADER_RECYCLE_COMMAND === '' ? null : e.GRADER_RECYCLE_COMMAND,
    recycleTimeoutMs: e.GRADER_RECYCLE_TIMEOUT_MS,
    recycleBackoffMs: e.GRADER_RECYCLE_BACKOFF_MS,
    imageSync: e.GRADER_IMAGE_SYNC === 'true',
  })
}
