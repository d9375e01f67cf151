import { Webhook } from 'standardwebhooks'
import type { BatchProgress } from '../../services/shared/contracts/batch-schema.js'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'

export { WebhookVerificationError } from 'standardwebhooks'

/**
 * What the grader POSTs to a submission's `callbackUrl` once it is done
 * (Standard Webhooks' payload shape): `data` is the submission as
 * `GET /v1/submissions/:id` answers it, full view.
 */
export interface SubmissionDoneWebhook {
  type: 'submission.done'
  /** When the submission was done (ISO 8601). */
  timestamp: string
  data: Submission & { state: 'done' }
}

/**
 * What the grader POSTs to a batch's `callbackUrl` once every member is done:
 * `data` is the batch's progress as `GET /v1/batches/:id` answers it.
 */
export interface BatchDoneWebhook {
  type: 'batch.done'
  /** When the batch was done (ISO 8601). */
  timestamp: string
  data: BatchProgress
}

/** Any webhook of the grader; branch on `type`. */
export type GraderWebhook = SubmissionDoneWebhook | BatchDoneWebhook

/** Request headers as Node's `http` gives them, or as a fetch `Headers`. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>

/** The three Standard Webhooks headers, lower-cased, first value of each. */
function signatureHeaders (headers: WebhookHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  const entries: Iterable<[string, string | string[] | undefined]> = headers instanceof Headers ? headers.entries() : Object.entries(headers)
  for (const [name, value] of entries) {
    const first = Array.isArray(value) ? value[0] : value
    if (first !== undefined) out[name.toLowerCase()] = first
  }
  return out
}

/**
 * Checks a webhook's signature (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`, Standard Webhooks) with the grader's signing secret
 * (`whsec_…`, the grader's `GRADER_WEBHOOK_SECRET`) and returns its payload
 * (`submission.done` or `batch.done`).
 *
 * Pass the body exactly as received, before any JSON parsing: the signature
 * covers those bytes. A timestamp more than 5 minutes away from now is
 * refused, so a captured delivery cannot be replayed later; the same
 * `webhook-id` comes on every retry of one delivery, so dedupe on it.
 *
 * @throws WebhookVerificationError when a header is missing, the signature does not match or the timestamp is too old or too new
 */
export function verifyWebhook (secret: string, rawBody: string | Uint8Array, headers: WebhookHeaders): GraderWebhook {
  const payload = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength)
  return new Webhook(secret).verify(payload, signatureHeaders(headers)) as GraderWebhook
}
