import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../../../shared/config/config.js'
import { BOOTSTRAP_TENANT, LANES } from '../../../../shared/contracts/vocabulary.js'
import { readCapacity, type CapacitySources } from '../../../admission.js'
import { DEFAULT_WEIGHT, estimateLane, estimateRate, SLA_HEADROOM, type CapacityInput } from '../../../capacity-estimate.js'
import { CapacitySchema, type CapacityView } from './capacity-schema.js'

/** What `GET /v1/capacity` needs; passed in, never imported as singletons. */
export interface CapacityRoutesOptions {
  config: Pick<Config, 'slaByLane'>
  /** The same sources admission reads (see `capacitySources`). */
  sources: CapacitySources
}

type TenantPending = CapacityView['tenant']

/** One tenant's pending jobs, every lane listed (zeros too) so a client need not fill gaps. */
function tenantPending (reading: CapacityInput, id: string): TenantPending {
  const lanes = LANES.map(lane => ({
    lane,
    pending: reading.depths.filter(d => d.tenant === id && d.lane === lane).reduce((n, d) => n + d.pending, 0),
  }))
  return { id, weight: reading.weights[id] ?? DEFAULT_WEIGHT, pending: lanes.reduce((n, l) => n + l.pending, 0), lanes }
}

/**
 * `GET /v1/capacity`: the measured rate, the queue per lane and the wait a
 * new submission of the caller's tenant would have in each lane, so a
 * platform can show students "about 40 s". The same reading and estimate as
 * admission, so `accepting: false` is what a POST would get. Any role may
 * read it; other tenants appear only as totals, and by name only to a
 * global admin.
 */
export const capacityRoutes: FastifyPluginAsyncTypebox<CapacityRoutesOptions> = async (app, opts) => {
  app.get('/', {
    schema: { response: { 200: CapacitySchema } },
  }, async request => {
    const tenant = request.principal?.tenantId ?? BOOTSTRAP_TENANT
    const reading = await readCapacity(opts.sources, opts.config.slaByLane)
    const rate = estimateRate(reading)
    // as admission counts them: the room promised to clients refused before is held for them
    const lanes = await Promise.all(LANES.map(async lane => {
      const slaMs = opts.config.slaByLane[lane]
      const held = slaMs === null ? undefined : await opts.sources.promises?.held(slaMs * SLA_HEADROOM)
      return estimateLane({ ...reading, depths: [...reading.depths, ...(held ?? [])] }, tenant, lane)
    }))
    const view: CapacityView = {
      ratePerMinute: Math.round(rate.ratePerMinute * 100) / 100,
      measuredPerMinute: rate.measuredPerMinute,
      trustedPerMinute: Math.round(rate.trustedPerMinute * 100) / 100,
      floorPerMinute: Math.round(rate.floorPerMinute * 100) / 100,
      slotHoldMs: rate.slotHoldMs === null ? null : Math.round(rate.slotHoldMs),
      gradingMs: Math.round(rate.gradingMs),
      slots: reading.slots,
      inFlight: reading.inFlight,
      queued: reading.queued,
      lanes: lanes.map(l => ({
        lane: l.lane,
        pending: reading.depths.filter(d => d.lane === l.lane).reduce((n, d) => n + d.pending, 0),
        estimatedWaitMs: l.estimatedWaitMs,
        slaMs: l.slaMs,
        accepting: l.accepting,
        ...(l.retryAfterS !== undefined ? { retryAfterS: l.retryAfterS } : {}),
      })),
      tenant: tenantPending(reading, tenant),
    }
    if (request.principal?.globalAdmin === true) {
      const ids = [...new Set(reading.depths.map(d => d.tenant))].sort()
      view.tenants = ids.map(id => tenantPending(reading, id))
    }
    return view
  })
}
