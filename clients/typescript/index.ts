// The grader's TypeScript client: `new GraderClient({ url, apiKey })`; see README.md.
export { GraderClient, type Deliveries, type DoneSubmission, type GraderClientOptions, type SubmissionEvent, type SubmissionView, type SubmitAnswer } from './grader-client.js'
export { GraderApiError } from './grader-api-error.js'
export { readServerSentEvents, type ServerSentEvent } from './server-sent-events.js'
export { verifyWebhook, WebhookVerificationError, type SubmissionDoneWebhook, type WebhookHeaders } from './verify-webhook.js'
export type { Result, Submission, SubmissionRequest, TestResult } from '../../services/shared/contracts/submission-schema.js'
export type { ChallengeRequest, GradingPolicy } from '../../services/shared/contracts/challenge-schema.js'
