/**
 * The JSON record of one bench run (docs/bench/latest.json, and --out), as a
 * TypeBox schema: checked before it is written, so a record always reads back.
 * Times in ms, rates per second, CPU in seconds of one core.
 */
import { Type, type Static, type TSchema } from 'typebox'
import { Value } from 'typebox/value'

/** A number, or null where nothing was measured (JSON has no NaN: a record is checked after its JSON round trip). */
const Num = Type.Union([Type.Number(), Type.Null()])

export const SummarySchema = Type.Object({
  n: Type.Integer(), min: Num, p50: Num, p95: Num, p99: Num, max: Num, mean: Num,
})

const CpuSchema = Type.Object({
  /** Gradings in the measured batch. */
  gradings: Type.Integer(),
  /** Gradings at once in the batch. */
  inFlight: Type.Integer(),
  /** The whole machine's busy CPU over the batch (and its 2 s tail), in core-seconds. */
  busyS: Type.Number(),
  wallS: Type.Number(),
  /** busyS / gradings. */
  perGradingS: Type.Number(),
  /** Gradings of the batch that failed (counted in `gradings`: their cost was spent too). */
  errors: Type.Integer(),
  errorSamples: Type.Array(Type.String()),
})

const SeriesSchema = Type.Object({
  /** How the grader was started (its GRADER_* environment, the key left out), or `target` with --url. */
  env: Type.Record(Type.String(), Type.String()),
  sequential: SummarySchema,
  /** Sequential gradings that did not pass (a correct submission: each is a fault), left out of the latency. */
  errors: Type.Integer(),
  errorSamples: Type.Array(Type.String()),
  /** Every sequential end-to-end time, in ms (for the CDF). */
  samplesMs: Type.Array(Type.Number()),
  /** result.timings per stage over the sequential run. */
  stages: Type.Record(Type.String(), SummarySchema),
  cpu: Type.Optional(CpuSchema),
  /** `GET /v1/hosts` after the series (the pool's counts, once the grader reports them). */
  hosts: Type.Optional(Type.Unknown()),
})

const LoadStepSchema = Type.Object({
  ratePerS: Type.Number(),
  windowMs: Type.Number(),
  sent: Type.Integer(),
  ok: Type.Integer(),
  errors: Type.Integer(),
  errorSamples: Type.Array(Type.String()),
  latency: SummarySchema,
  achievedPerS: Type.Number(),
  drainMs: Type.Number(),
  /** Most submissions in flight during the window. */
  peakInFlight: Type.Integer(),
  /** Why the step was not sustained; empty when it was. */
  shortfalls: Type.Array(Type.String()),
})

const JudgedSchema = Type.Object({
  name: Type.String(), label: Type.String(), op: Type.String(), target: Type.Number(), ratio: Num, met: Type.Boolean(), missBy: Type.Number(),
})

export const BenchRecordSchema = Type.Object({
  version: Type.Literal(1),
  startedAt: Type.String(),
  durationS: Type.Number(),
  machine: Type.Object({
    cores: Type.Integer(), os: Type.String(), kernel: Type.String(), docker: Type.String(), cpuModel: Type.String(), memoryGiB: Type.Number(),
    /** Busy cores before the bench started anything (other work on the machine). */
    backgroundBusyCores: Type.Number(),
  }),
  options: Type.Record(Type.String(), Type.Unknown()),
  image: Type.String(),
  baseline: Type.Object({
    sequential: SummarySchema,
    samplesMs: Type.Array(Type.Number()),
    sweep: Type.Array(Type.Object({ inFlight: Type.Integer(), throughputPerS: Type.Number(), latency: SummarySchema, cpu: CpuSchema })),
    best: Type.Object({ inFlight: Type.Integer(), throughputPerS: Type.Number() }),
    cpu: CpuSchema,
  }),
  grader: Type.Object({
    mode: Type.Union([Type.Literal('started'), Type.Literal('target')]),
    cold: Type.Optional(SeriesSchema),
    warm: Type.Optional(SeriesSchema),
    load: Type.Object({
      slaMs: Type.Number(),
      arrivals: Type.String(),
      /** Which grader took the load: warm (pool on) unless only a cold one was measured. */
      series: Type.String(),
      steps: Type.Array(LoadStepSchema),
      highestSustainedPerS: Type.Number(),
    }),
  }),
  targets: Type.Array(JudgedSchema),
  isolation: Type.Optional(Type.Unknown()),
})
export type BenchRecord = Static<typeof BenchRecordSchema>
export type SeriesRecord = Static<typeof SeriesSchema>
export type CpuRecord = Static<typeof CpuSchema>
export type LoadStepRecord = Static<typeof LoadStepSchema>

/** `json` when it matches `schema` (a record read back or about to be written), else an error naming its first problems. */
export function checkedRecord<T extends TSchema> (schema: T, json: unknown, what: string): Static<T> {
  if (!Value.Check(schema, json)) {
    const first = [...Value.Errors(schema, json)].slice(0, 5).map(e => `${e.instancePath} ${e.message}`)
    throw new Error(`the ${what} does not match its schema: ${first.join('; ')}`)
  }
  return json
}
