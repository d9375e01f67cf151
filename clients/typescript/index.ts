// The grader's TypeScript client: `new GraderClient({ url, apiKey })`; see README.md.
export { GraderClient, type Deliveries, type RegradeAccepted, type DoneSubmission, type GraderClientOptions, type SubmissionEvent, type SubmissionView, type SubmitAnswer } from './grader-client.js'
export { GraderApiError } from './grader-api-error.js'
export { readServerSentEvents, type ServerSentEvent } from './server-sent-events.js'
export { verifyWebhook, WebhookVerificationError, type BatchDoneWebhook, type GraderWebhook, type SubmissionDoneWebhook, type WebhookHeaders } from './verify-webhook.js'
export type { Result, Submission, SubmissionRequest, TestResult } from '../../services/shared/contracts/submission-schema.js'
export type { ChallengeRequest, GradingPolicy } from '../../services/shared/contracts/challenge-schema.js'
export type { BatchProgress } from '../../services/shared/contracts/batch-schema.js'
export type { BatchAccepted } from '../../services/api/routes/v1/batches/batch-schema.js'
