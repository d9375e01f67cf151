import { Type, type Static } from 'typebox'

/**
 * Route-level schemas of `/v1/hosts`. A host's view is what its worker
 * publishes (`HostView` in the shared host registry); the API passes it
 * through, so fields a newer worker adds still reach the client.
 */

/** What ops asked of a host (`HostControl`); empty when nothing was asked. */
export const HostControlSchema = Type.Object({
  /** Take no new work; runs in progress finish. */
  draining: Type.Optional(Type.Boolean()),
  /** Gradings at once on the host, overriding `GRADER_HOST_CONCURRENCY`. */
  concurrency: Type.Optional(Type.Integer()),
})
export type HostControlBody = Static<typeof HostControlSchema>

const NullableNumber = Type.Union([Type.Number(), Type.Null()])
const NullableString = Type.Union([Type.String(), Type.Null()])

/** One host in `GET /v1/hosts`: its worker's view plus the control ops set. */
export const HostViewSchema = Type.Object({
  id: Type.String(),
  endpoint: Type.String(),
  /** `healthy`, `degraded`, `unhealthy` or `recycling` (a string, so a state added later still passes through). */
  state: Type.String(),
  /** Whether the worker has applied a drain. */
  draining: Type.Boolean(),
  /** Gradings at once the worker allows on the host now. */
  concurrency: Type.Integer(),
  /** Gradings running on it now. */
  inFlight: Type.Integer(),
  /** Probe latency quantiles, in ms; null until measured. */
  latencyMs: Type.Object({ p50: NullableNumber, p95: NullableNumber }, { additionalProperties: true }),
  /** Languages with a runtime image on the host. */
  images: Type.Array(Type.String()),
  /** Worker that grades on it. */
  worker: Type.String(),
  /** ISO time of the last recycle, or null. */
  lastRecycleAt: NullableString,
  errors: Type.Optional(Type.Integer()),
  lastError: Type.Optional(NullableString),
  /**
   * The warm pool on the host (absent with `GRADER_POOL_SIZE=0`): containers
   * ready, in use and aimed for now, and counts since the worker started.
   */
  pool: Type.Optional(Type.Object({
    target: Type.Integer(),
    ready: Type.Integer(),
    inUse: Type.Integer(),
    created: Type.Integer(),
    discarded: Type.Integer(),
    /** Submissions that got a warm container. */
    hits: Type.Integer(),
    /** Submissions that ran cold (no warm container, or limits, image or runtime it could not serve). */
    misses: Type.Integer(),
  }, { additionalProperties: true })),
  /** What ops asked (may not be applied yet: compare with `draining` and `concurrency`). */
  control: HostControlSchema,
}, { additionalProperties: true })

/** `200` answer of `GET /v1/hosts`. */
export const HostListSchema = Type.Object({
  hosts: Type.Array(HostViewSchema),
})

/** `:id` of a host. */
export const HostParamsSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200 }),
})

/** Body of `PATCH /v1/hosts/:id`. */
export const HostPatchSchema = Type.Object({
  /** Gradings at once on the host. */
  concurrency: Type.Integer({ minimum: 1, maximum: 256 }),
}, { additionalProperties: false })

/** `202` answer of drain, undrain and `PATCH`: the host's control after the change. */
export const ControlAcceptedSchema = Type.Object({
  id: Type.String(),
  control: HostControlSchema,
})

/** `202` answer of `POST /v1/hosts/:id/recycle`. */
export const CommandAcceptedSchema = Type.Object({
  id: Type.String(),
  action: Type.Literal('recycle'),
})
