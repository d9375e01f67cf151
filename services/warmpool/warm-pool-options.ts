import { Type, type Static } from 'typebox'
import { ConfigError, readEnv } from '../shared/config/config.js'

/** The warm pool's settings from the environment (one schema, read by the worker). */
export const WarmPoolEnvSchema = Type.Object({
  /**
   * Warm containers kept per host and runtime image; `0` turns the pool off
   * (every run is cold). On by default, so a grader started with no
   * configuration answers fast from its first submission. @defaultValue 2
   */
  GRADER_POOL_SIZE: Type.Integer({ minimum: 0, maximum: 64, default: 2 }),
  /** A warm container not used within this long is removed and replaced, in ms. @defaultValue 300000 */
  GRADER_POOL_MAX_IDLE_MS: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 300_000 }),
})

/**
 * The pool's budgets that are not set from the environment, in one table so
 * that everything the pool waits for or sizes by is in this file.
 */
export const WARM_POOL_BUDGETS = {
  /** Longest a new warm container may take to be created, started and ready, in ms. */
  warmTimeoutMs: 20_000,
  /** The pool looks at every host this often (a take or a host change makes it look sooner), in ms. */
  refillIntervalMs: 500,
  /** A host whose last warm container failed to start gets no other attempt for this long, in ms. */
  fillBackoffMs: 5_000,
  /** Demand counts runs this far back: with none, a host keeps one warm container instead of the full size, in ms. */
  demandWindowMs: 5 * 60_000,
  /** Warm containers plus runs in flight may hold at most this share of a host's memory (by their memory limits). */
  memoryShare: 0.5,
} as const

export interface WarmPoolOptions {
  /** Warm containers per host and image; 0 = off. */
  size: number
  maxIdleMs: number
  warmTimeoutMs: number
  refillIntervalMs: number
  fillBackoffMs: number
  demandWindowMs: number
  memoryShare: number
}

/** Reads the pool's settings from the environment; throws ConfigError naming every problem. */
export function loadWarmPoolOptions (env: NodeJS.ProcessEnv = process.env): WarmPoolOptions {
  const { value, problems } = readEnv(WarmPoolEnvSchema, env)
  if (problems.length > 0) throw new ConfigError(problems)
  const e = value as Static<typeof WarmPoolEnvSchema>
  return { size: e.GRADER_POOL_SIZE, maxIdleMs: e.GRADER_POOL_MAX_IDLE_MS, ...WARM_POOL_BUDGETS }
}
