/**
 * What the bench reads of `GET /v1/capacity` (services/api/routes/v1/capacity):
 * per lane the jobs pending in the fair queue, the caller's estimated wait
 * and the lane's SLA; and the rate the estimates assume. Checked against a
 * schema of just those fields, so a grader that answers more still reads.
 */
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

const Nullable = (t: ReturnType<typeof Type.Integer>) => Type.Union([t, Type.Null()])
const CapacityReadSchema = Type.Object({
  ratePerMinute: Type.Number(),
  measuredPerMinute: Type.Number(),
  inFlight: Type.Integer(),
  queued: Type.Integer(),
  lanes: Type.Array(Type.Object({
    lane: Type.String(),
    pending: Type.Integer(),
    estimatedWaitMs: Nullable(Type.Integer()),
    slaMs: Nullable(Type.Integer()),
    accepting: Type.Boolean(),
  })),
})
export type CapacityRead = Static<typeof CapacityReadSchema>

/** One lane at one second: pending in the fair queue (every tenant), the caller's estimated wait, the SLA (ms). */
export interface CapacityLane {
  queued: number | null
  estimatedWaitMs: number | null
  slaMs?: number | null
  accepting?: boolean
}

/** The answer's lanes by name, or undefined when it is not a capacity view. */
export function capacityByLane (json: unknown): Record<string, CapacityLane> | undefined {
  if (!Value.Check(CapacityReadSchema, json)) return undefined
  return Object.fromEntries(json.lanes.map(l => [l.lane, { queued: l.pending, estimatedWaitMs: l.estimatedWaitMs, slaMs: l.slaMs, accepting: l.accepting }]))
}

/** The rate fields of the answer (gradings per minute), or undefined. */
export function capacityRate (json: unknown): { ratePerMinute: number, measuredPerMinute: number, inFlight: number, queued: number } | undefined {
  if (!Value.Check(CapacityReadSchema, json)) return undefined
  const { ratePerMinute, measuredPerMinute, inFlight, queued } = json
  return { ratePerMinute, measuredPerMinute, inFlight, queued }
}
