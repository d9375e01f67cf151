import { Type, type Static } from 'typebox'
import { LANES, ROLES, type Lane, type Role } from './vocabulary.js'

/**
 * Tenants and their API keys, as `POST /v1/tenants` and
 * `POST /v1/tenants/:id/keys` take and answer them. A tenant is a platform
 * (or a course of one) sharing the grader's pool with others: its
 * submissions, challenges and deliveries are its own, and it gets a share of
 * the pool by weight.
 */

/** Requests per minute: the limit of a tenant, or of one of its keys. */
export const RateLimitSchema = Type.Object({
  perMinute: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
}, { additionalProperties: false })
export type RateLimit = Static<typeof RateLimitSchema>

/** A tenant's share of the pool against other tenants with work waiting (weighted round robin). */
export const WeightSchema = Type.Integer({ minimum: 1, maximum: 1000 })

/** Webhook headers of a tenant: name → value, like `GRADER_WEBHOOK_HEADERS` for the bootstrap tenant. */
export const WebhookHeadersSchema = Type.Record(Type.String({ pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$" }), Type.String({ maxLength: 4096, pattern: '^[^\\r\\n\\u0000]*$' }), { maxProperties: 20 })

/** Body of `POST /v1/tenants`. */
export const TenantRequestSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  /** @defaultValue 1 */
  weight: Type.Optional(WeightSchema),
  /** @defaultValue `{"perMinute": 600}` */
  rateLimit: Type.Optional(RateLimitSchema),
  /** Sent with every webhook attempt of this tenant's submissions; cannot replace the signature headers. */
  webhookHeaders: Type.Optional(WebhookHeadersSchema),
}, { additionalProperties: false })
export type TenantRequest = Static<typeof TenantRequestSchema>

/** Body of `PATCH /v1/tenants/:id`: the fields to change. */
export const TenantPatchSchema = Type.Partial(TenantRequestSchema, { additionalProperties: false, minProperties: 1 })
export type TenantPatch = Static<typeof TenantPatchSchema>

/** A tenant as answered. `webhookSecret` signs its webhooks (Standard Webhooks); shown to its admins only. */
export const TenantSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  weight: Type.Integer(),
  /** Absent: no limit (the bootstrap tenant, unless set). */
  rateLimit: Type.Optional(RateLimitSchema),
  webhookHeaders: Type.Optional(Type.Record(Type.String(), Type.String())),
  webhookSecret: Type.Optional(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
})
export type Tenant = Static<typeof TenantSchema>

/** A role (see `ROLES`). */
export const RoleSchema = Type.Unsafe<Role>(Type.Union(ROLES.map(role => Type.Literal(role))))
/** A lane a key may use (see `LANES`). */
export const KeyLaneSchema = Type.Unsafe<Lane>(Type.Union(LANES.map(lane => Type.Literal(lane))))

/** Body of `POST /v1/tenants/:id/keys`. */
export const KeyRequestSchema = Type.Object({
  roles: Type.Array(RoleSchema, { minItems: 1, maxItems: ROLES.length, uniqueItems: true }),
  /** Lanes its submissions may use. @defaultValue every lane */
  lanes: Type.Optional(Type.Array(KeyLaneSchema, { minItems: 1, maxItems: LANES.length, uniqueItems: true })),
  /** This key's own limit, within the tenant's. @defaultValue only the tenant's */
  rateLimit: Type.Optional(RateLimitSchema),
  /** A note for people: which service holds it. */
  label: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
}, { additionalProperties: false })
export type KeyRequest = Static<typeof KeyRequestSchema>

/** A key as listed: never its secret part. */
export const KeySchema = Type.Object({
  id: Type.String(),
  tenant: Type.String(),
  roles: Type.Array(RoleSchema),
  lanes: Type.Optional(Type.Array(KeyLaneSchema)),
  rateLimit: Type.Optional(RateLimitSchema),
  label: Type.Optional(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
})
export type ApiKey = Static<typeof KeySchema>

/** `201` of `POST /v1/tenants/:id/keys`: the only answer that ever shows `key`. */
export const KeyCreatedSchema = Type.Intersect([KeySchema, Type.Object({ key: Type.String() })])
export type KeyCreated = Static<typeof KeyCreatedSchema>
