import { Type, type Static } from 'typebox'
import { ConfigError, readEnv } from '../shared/config/config.js'

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
  /**
   * Run slots per host, on top of GRADER_HOST_CONCURRENCY, that only the
   * `interactive` lane may take: a student at the keyboard does not wait for
   * a slot behind an exam or a flood. `0` turns them off. @defaultValue 1
   */
  GRADER_INTERACTIVE_SLOTS: Type.Integer({ minimum: 0, maximum: 64, default: 1 }),
  /** First wait before recycling a host again that fell over soon after its last recycle, in ms; doubles each time. @defaultValue 10000 */
  GRADER_RECYCLE_BACKOFF_MS: Type.Integer({ minimum: 0, default: 10_000 }),
})

/**
 * The pool's budgets that are not set from the environment: fixed here so
 * that every time the pool waits for something is in this one file.
 */
export const HOST_POOL_BUDGETS = {
  /** Longest an image copy between hosts may take, in ms. */
  imageSyncTimeoutMs: 10 * 60_000,
  /** How long a run waits for a host that is unhealthy or recycling to come back before it is failed (and retried), in ms. */
  acquireWaitMs: 30_000,
  /** While it waits for such a host, a run looks again at least this often, in ms (a state change wakes it sooner). */
  acquireRecheckMs: 1000,
  /** A host that needs a recycle again within this long of the last one is flapping, in ms (at least; see `flapWindowMs`). */
  flapWindowMinMs: 60_000,
  /** A recycle claim (in Redis, shared by the workers on a host) outlives the grace plus the action by this much, in ms. */
  recycleClaimMarginMs: 5_000,
} as const

/** Every budget of the host pool, in one table: the environment's (see HostPoolEnvSchema) and the fixed ones. */
export interface HostPoolOptions {
  /** Between two probes of a host, in ms. */
  probeIntervalMs: number
  /** Each probe call's budget, in ms. */
  probeTimeoutMs: number
  /** Every Nth probe also creates and removes a container. */
  probeCreateEvery: number
  /** p95 probe latency above which a host is degraded, in ms. */
  degradedMs: number
  /** Consecutive failed probes that make a host unhealthy. */
  unhealthyAfter: number
  /** Consecutive good probes that re-admit a host. */
  recoverAfter: number
  /** Grace of the runs on an unhealthy or recycling host, in ms. */
  graceMs: number
  /** The recycle action, or null when hosts are never recycled. */
  recycleCommand: string | null
  /** Longest the recycle action may run, in ms. */
  recycleTimeoutMs: number
  /** First back-off before recycling a flapping host again, in ms; doubles with each flap. */
  recycleBackoffMs: number
  /** Copy missing runtime images between hosts. */
  imageSync: boolean
  /** Slots per host only the interactive lane may take, on top of its concurrency. */
  interactiveSlots: number
  /** See HOST_POOL_BUDGETS. */
  imageSyncTimeoutMs: number
  acquireWaitMs: number
  acquireRecheckMs: number
  /** A recycle needed again within this long of the last one is a flap, in ms: max(flapWindowMinMs, 6 × recycleBackoffMs). */
  flapWindowMs: number
  /** How long a worker's claim on a host's recycle is held, in ms: the grace, the action, and a margin. */
  recycleClaimMs: number
}

export function loadHostPoolOptions (env: NodeJS.ProcessEnv = process.env): HostPoolOptions {
  const { value, problems } = readEnv(HostPoolEnvSchema, env)
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
    interactiveSlots: e.GRADER_INTERACTIVE_SLOTS,
    imageSyncTimeoutMs: HOST_POOL_BUDGETS.imageSyncTimeoutMs,
    acquireWaitMs: HOST_POOL_BUDGETS.acquireWaitMs,
    acquireRecheckMs: HOST_POOL_BUDGETS.acquireRecheckMs,
    flapWindowMs: Math.max(HOST_POOL_BUDGETS.flapWindowMinMs, e.GRADER_RECYCLE_BACKOFF_MS * 6),
    recycleClaimMs: e.GRADER_HOST_GRACE_MS + e.GRADER_RECYCLE_TIMEOUT_MS + HOST_POOL_BUDGETS.recycleClaimMarginMs,
  })
}
