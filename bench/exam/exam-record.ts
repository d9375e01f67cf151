/**
 * The JSON record of one exam run (docs/bench/exam.json, and --out), as a
 * TypeBox schema: checked after its JSON round trip before it is written, so
 * a record always reads back (and `--redraw` can draw it again).
 * Times in ms unless the name says s; t = 0 is the start of the alone phase.
 */
import { Type, type Static } from 'typebox'
import { LaneSchema } from '../../services/shared/contracts/submission-schema.js'

/** A number, or null where nothing was measured (JSON has no NaN). */
const Num = Type.Union([Type.Number(), Type.Null()])
const PhaseSchema = Type.Union([Type.Literal('alone'), Type.Literal('flood')])

export const SummarySchema = Type.Object({ n: Type.Integer(), min: Num, p50: Num, p95: Num, p99: Num, max: Num, mean: Num })

/** One tenant, lane and phase: what its clients saw. */
export const GroupSchema = Type.Object({
  tenant: Type.String(),
  lane: LaneSchema,
  phase: PhaseSchema,
  /** Submissions planned (each a client). */
  submitted: Type.Integer(),
  /** Accepted at some try (the grader answered them, or the time bound came while they waited). */
  accepted: Type.Integer(),
  /** Submissions refused at least once with `503 over_capacity` and `Retry-After`. */
  refused: Type.Integer(),
  /** All such refusals (a submission may be refused several times). */
  refusals: Type.Integer(),
  /** Of the refused ones, accepted at the try right after honouring the first `Retry-After`. */
  acceptedAtNextTry: Type.Integer(),
  /** Of the refused ones, how many tries each accepted one needed in all: "2", "3", "4", "5+" → count. */
  triesOfRefused: Type.Record(Type.String(), Type.Integer()),
  /** Most tries any one submission needed. */
  maxTries: Type.Integer(),
  /** The `Retry-After` values given, in s. */
  retryAfterS: SummarySchema,
  /** 503 answers without a usable `Retry-After`. */
  refusalsWithoutRetryAfter: Type.Integer(),
  /** 429 answers (a rate limit: the bench's limits are set so none should come). */
  rateLimited: Type.Integer(),
  /** From sending the accepted POST to the verdict, in ms, of every answered submission. */
  latency: SummarySchema,
  /** Of the answered ones, the share whose run took a warm container (null: none answered). */
  warmShare: Type.Optional(Num),
  /** The grader's own time from accepted to started, in ms (the result's `timings.queueMs`). */
  graderQueueMs: Type.Optional(SummarySchema),
  /** The grader's own grading time, container create to collect, in ms (the result's `durationMs`). */
  graderGradingMs: Type.Optional(SummarySchema),
  /** The lane's SLA, in ms; null = none. */
  slaMs: Num,
  /** Answered later than the SLA after being accepted. */
  late: Type.Integer(),
  /** Answered with a verdict other than pass (the answers are correct: each is a fault). */
  faults: Type.Integer(),
  /** No verdict: an HTTP error or a refusal other than over_capacity. */
  errors: Type.Integer(),
  /** Still refused, or accepted and waiting, when the time bound came. */
  unfinished: Type.Integer(),
  /** Up to three messages of faults and errors. */
  errorSamples: Type.Array(Type.String()),
  /** From the phase's start to the last verdict of the group, in s. */
  drainedS: Num,
})
export type GroupRecord = Static<typeof GroupSchema>

export const ExamTargetSchema = Type.Object({
  name: Type.Union([Type.Literal('noLateAccepted'), Type.Literal('interactiveP95Ratio'), Type.Literal('retryAfterHonoured')]),
  label: Type.String(),
  /** The measured value: late count, p95 ratio, or share of refused ones accepted at the next try. */
  value: Num,
  target: Type.String(),
  met: Type.Boolean(),
  /** Numbers that say why (or why not). */
  reason: Type.String(),
})
export type ExamTarget = Static<typeof ExamTargetSchema>

/** One second of the run as the clients (and `GET /v1/capacity`) saw it. */
export const TimelinePointSchema = Type.Object({
  tS: Type.Number(),
  /** POSTs out per lane: accepted submissions waiting for their verdict (a refusal comes back at once). */
  held: Type.Record(Type.String(), Type.Integer()),
  /** Refused submissions waiting out `Retry-After`, per lane. */
  retrying: Type.Record(Type.String(), Type.Integer()),
  /**
   * `GET /v1/capacity` at that second, per lane, when it answered: pending in
   * the fair queue (every tenant), the estimated wait (ms) and whether it
   * accepted, as the lane's own tenant was told.
   */
  capacity: Type.Optional(Type.Record(Type.String(), Type.Object({
    queued: Num, estimatedWaitMs: Num, slaMs: Type.Optional(Num), accepting: Type.Optional(Type.Boolean()),
  }))),
  /** The rate `GET /v1/capacity` assumed (gradings per minute) and what it measured, with the gradings running and handed out. */
  rate: Type.Optional(Type.Object({ ratePerMinute: Type.Number(), measuredPerMinute: Type.Number(), inFlight: Type.Integer(), queued: Type.Integer() })),
})
export type TimelinePoint = Static<typeof TimelinePointSchema>

/** Latency of the verdicts that arrived within one bucket of time, per lane. */
export const LatencyPointSchema = Type.Object({ tS: Type.Number(), lane: LaneSchema, n: Type.Integer(), p50: Num, p95: Num, max: Num })
export type LatencyPoint = Static<typeof LatencyPointSchema>

export const ExamRecordSchema = Type.Object({
  version: Type.Literal(1),
  scenario: Type.Literal('exam'),
  startedAt: Type.String(),
  durationS: Type.Number(),
  /** The fraction of every count of the issue's scenario (1 = 700 / 2,000 / 50). */
  scale: Type.Number(),
  seed: Type.Integer(),
  /** The run's time bound, in s, and whether it came before every client was done. */
  timeLimitS: Type.Number(),
  timedOut: Type.Boolean(),
  machine: Type.Object({
    cores: Type.Integer(), os: Type.String(), kernel: Type.String(), docker: Type.String(), cpuModel: Type.String(), memoryGiB: Type.Number(),
    /** Cores busy over 3 s before the run (other work on a shared machine). */
    backgroundBusyCores: Type.Number(),
  }),
  grader: Type.Object({
    mode: Type.Union([Type.Literal('started'), Type.Literal('target')]),
    /** The GRADER_* environment of a started grader (keys left out), or `target`. */
    env: Type.Record(Type.String(), Type.String()),
    /** `tenants`: each tenant and key made through the API; `labels-only`: the tenant routes were missing, every client used the bootstrap key. */
    tenancy: Type.Union([Type.Literal('tenants'), Type.Literal('labels-only')]),
    slaMsByLane: Type.Record(Type.String(), Num),
  }),
  tenants: Type.Array(Type.Object({ name: Type.String(), lane: LaneSchema, weight: Type.Integer(), id: Type.Optional(Type.String()) })),
  /** When the flood phase started, in s from the run's start. */
  floodStartS: Type.Number(),
  /** When the exam hall's and the practice flood's last verdict came (or the time bound), in s from the run's start. */
  floodEndS: Num,
  /** From the flood's start to the exam hall's last verdict, in s. */
  examDrainedS: Num,
  groups: Type.Array(GroupSchema),
  interactive: Type.Object({
    alone: SummarySchema,
    /** Interactive submissions of the flood phase accepted while the exam or the flood still had work. */
    during: SummarySchema,
    /** Those accepted after both had drained: not counted as during the flood. */
    afterFlood: Type.Integer(),
    /** during p95 / alone p95. */
    ratio: Num,
  }),
  /** What the run cost the machine: its busy cores over the flood phase (everything: grader, Docker, the bench, other work), and the bench process's own CPU (its clients), in core-seconds. */
  load: Type.Object({ floodBusyCores: Type.Number(), benchCpuS: Type.Number() }),
  /** The grader's own `grader_sla_misses_total` at the end, per lane and cause; null when its metrics were not readable (--url). */
  serverSlaMisses: Type.Union([Type.Array(Type.Object({ lane: Type.String(), cause: Type.String(), count: Type.Number() })), Type.Null()]),
  /** Faults and errors of the whole run, for the targets' footnote. */
  problems: Type.Array(Type.String()),
  targets: Type.Array(ExamTargetSchema),
  timeline: Type.Array(TimelinePointSchema),
  /** @see LatencyPointSchema; buckets of `latencyBucketS`. */
  latencyTimeline: Type.Array(LatencyPointSchema),
  latencyBucketS: Type.Number(),
})
export type ExamRecord = Static<typeof ExamRecordSchema>

/**
 * The record as JSON text: indented, but one line per second of the timeline
 * and per latency bucket, so a long run's record stays readable and its diff
 * small.
 */
export function recordText (r: ExamRecord): string {
  const oneLinePerItem = (xs: unknown[]) => xs.length === 0 ? '[]' : `[\n${xs.map(x => `    ${JSON.stringify(x)}`).join(',\n')}\n  ]`
  return JSON.stringify({ ...r, timeline: '\u0000timeline', latencyTimeline: '\u0000latencyTimeline' }, null, 2)
    .replace('"\\u0000timeline"', () => oneLinePerItem(r.timeline))
    .replace('"\\u0000latencyTimeline"', () => oneLinePerItem(r.latencyTimeline)) + '\n'
}
