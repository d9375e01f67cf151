import { Type, type Static } from 'typebox'
import { LaneSchema } from '../../../../shared/contracts/submission-schema.js'

/** Pending jobs of one lane. */
const LanePendingSchema = Type.Object({
  lane: LaneSchema,
  pending: Type.Integer({ minimum: 0, description: 'Jobs waiting in the fair queue in this lane, and those being accepted this moment' }),
})

/** One lane as the caller's next submission would see it. */
export const CapacityLaneSchema = Type.Object({
  lane: LaneSchema,
  pending: Type.Integer({ minimum: 0, description: 'Jobs of every tenant waiting in the fair queue in this lane, and those being accepted this moment' }),
  estimatedWaitMs: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description: 'Estimated time from accepting a new submission of the caller in this lane to its result, in ms; null when no host can take work',
  }),
  slaMs: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'The lane\'s SLA (GRADER_SLA_MS), in ms; null = none (never refused, never late)' }),
  accepting: Type.Boolean({ description: 'Whether a new submission of the caller in this lane is accepted now (else 503 over_capacity)' }),
  retryAfterS: Type.Optional(Type.Integer({ minimum: 1, description: 'When not accepting: the Retry-After a submission would get, in seconds' })),
})

/** Pending jobs of one tenant. */
const TenantPendingSchema = Type.Object({
  id: Type.String({ description: 'The tenant' }),
  weight: Type.Number({ exclusiveMinimum: 0, description: 'Its weight in the fair queue' }),
  pending: Type.Integer({ minimum: 0, description: 'Its jobs waiting in the fair queue (and being accepted this moment), every lane' }),
  lanes: Type.Array(LanePendingSchema, { description: 'Its waiting jobs per lane, highest lane first' }),
})

/** `GET /v1/capacity`. */
export const CapacitySchema = Type.Object({
  ratePerMinute: Type.Number({ minimum: 0, description: 'Gradings per minute the estimates assume: the trusted measured rate, or the floor the slots manage when that is higher' }),
  measuredPerMinute: Type.Integer({ minimum: 0, description: 'Gradings finished in the last 60 s' }),
  trustedPerMinute: Type.Number({ minimum: 0, description: 'The slower of the last minute and the mean of the last 3: the measured rate the estimate trusts (a fast minute counts only as far as the ones before bear it out)' }),
  floorPerMinute: Type.Number({ minimum: 0, description: 'What the slots manage whatever the demand: slots / mean slot hold of the recent runs × 0.8 (before 5 runs were recorded: slots / grading time × 0.5), per minute' }),
  slotHoldMs: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Mean time the recent runs held their slot (lease to release), in ms; null before 5 runs were recorded' }),
  gradingMs: Type.Integer({ minimum: 0, description: 'Grading time the estimates add (95th percentile of the recent ones), in ms' }),
  slots: Type.Integer({ minimum: 0, description: 'Gradings the usable Docker hosts can run at once' }),
  inFlight: Type.Integer({ minimum: 0, description: 'Gradings running now' }),
  queued: Type.Integer({ minimum: 0, description: 'Jobs already handed to the workers, waiting for a slot: they go before every pending one' }),
  lanes: Type.Array(CapacityLaneSchema, { description: 'Every lane, highest first; estimates are for a new submission of the caller\'s tenant' }),
  tenant: TenantPendingSchema,
  tenants: Type.Optional(Type.Array(TenantPendingSchema, { description: 'Every tenant with waiting jobs; only for a global admin' })),
}, { description: 'The grader\'s capacity: measured rate, queue per lane and estimated wait' })
export type CapacityView = Static<typeof CapacitySchema>
