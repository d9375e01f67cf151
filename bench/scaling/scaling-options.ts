/**
 * The scaling benchmark's options: flags on the command line, checked against one TypeBox
 * schema with every problem listed at once. `--quick` changes only the sizes.
 */
import { parseArgs } from 'node:util'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

export const ScalingOptionsSchema = Type.Object({
  /** Host counts to compare; the first must be 1 (the reference). @defaultValue [1, 2, 4] (--quick: [1, 2]) */
  hosts: Type.Array(Type.Integer({ minimum: 1, maximum: 8 }), { minItems: 2 }),
  /** The total CPU share, in cores, split evenly over the hosts of a configuration. @defaultValue 0.5 */
  shareCores: Type.Number({ exclusiveMinimum: 0, maximum: 2 }),
  /** Grading slots in total (GRADER_HOST_CONCURRENCY × hosts), the same in every configuration. @defaultValue 8 */
  slots: Type.Integer({ minimum: 1, maximum: 64 }),
  /** Submissions kept in flight by the closed loop (above `slots`, so the queue never runs dry). @defaultValue 2 × slots */
  inFlight: Type.Integer({ minimum: 1, maximum: 256 }),
  /** GRADER_POOL_SIZE of the graders (0: every run cold, so every grading pays its container's whole cost while it is measured). @defaultValue 0 */
  poolSize: Type.Integer({ minimum: 0, maximum: 8 }),
  /** Measured gradings per configuration. @defaultValue 60 (--quick: 24) */
  gradings: Type.Integer({ minimum: 4 }),
  /** Unmeasured gradings first, per configuration. @defaultValue 16 (--quick: 8) */
  warmup: Type.Integer({ minimum: 0 }),
  /** Jobs per Redis/BullMQ measurement. @defaultValue 2000 (--quick: 500) */
  redisJobs: Type.Integer({ minimum: 10 }),
  /** What to measure. @defaultValue both */
  only: Type.Union([Type.Literal('both'), Type.Literal('hosts'), Type.Literal('redis')]),
  quick: Type.Boolean(),
  /** Where the JSON record goes, from the repository root. @defaultValue docs/bench/scaling.json */
  out: Type.String({ minLength: 1 }),
  /** Where the chart goes, from the repository root. @defaultValue docs/images/scaling-throughput.svg */
  chart: Type.String({ minLength: 1 }),
  /** Draw the chart and print the tables again from this record, measuring nothing. */
  redraw: Type.Optional(Type.String({ minLength: 1 })),
})
export type ScalingOptions = Static<typeof ScalingOptionsSchema>

export const USAGE = 'npm run bench:scaling -- [--quick] [--hosts 1,2,4] [--share-cores 0.5] [--slots 8] [--in-flight 16] [--pool-size 0] [--gradings 60] [--warmup 16] [--redis-jobs 2000] [--only both|hosts|redis] [--out docs/bench/scaling.json] [--chart docs/images/scaling-throughput.svg] [--redraw <record.json>]'

/** Parses and checks the flags; throws one error naming every problem. */
export function parseScalingOptions (argv: string[]): ScalingOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      hosts: { type: 'string' },
      'share-cores': { type: 'string' },
      slots: { type: 'string' },
      'in-flight': { type: 'string' },
      'pool-size': { type: 'string' },
      gradings: { type: 'string' },
      warmup: { type: 'string' },
      'redis-jobs': { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      chart: { type: 'string' },
      redraw: { type: 'string' },
    },
  })
  const quick = values.quick === true
  const num = (text: string | undefined, fallback: number): number => text === undefined ? fallback : Number(text)
  const slots = num(values.slots, 8)
  const options = {
    hosts: values.hosts === undefined ? (quick ? [1, 2] : [1, 2, 4]) : values.hosts.split(',').map(Number),
    shareCores: num(values['share-cores'], 0.5),
    slots,
    inFlight: num(values['in-flight'], 2 * slots),
    poolSize: num(values['pool-size'], 0),
    gradings: num(values.gradings, quick ? 24 : 60),
    warmup: num(values.warmup, quick ? 8 : 16),
    redisJobs: num(values['redis-jobs'], quick ? 500 : 2000),
    only: values.only ?? 'both',
    quick,
    out: values.out ?? 'docs/bench/scaling.json',
    chart: values.chart ?? 'docs/images/scaling-throughput.svg',
    ...(values.redraw !== undefined ? { redraw: values.redraw } : {}),
  }
  const problems = [...Value.Errors(ScalingOptionsSchema, options)].map(e => `${e.instancePath || '/'} ${e.message}`)
  if (options.hosts[0] !== 1) problems.push('/hosts must start with 1: the one host holding the whole share is the reference')
  if (options.hosts.some(n => Number.isInteger(n) && slots % n !== 0)) problems.push(`/slots (${slots}) must divide evenly over every host count`)
  if (options.shareCores / Math.max(...options.hosts) < 0.1) problems.push('/shareCores over the most hosts is below 0.1 core, the smallest CPU limit a submission may ask for')
  if (problems.length > 0) throw new Error(`bad options:\n  ${problems.join('\n  ')}\n${USAGE}`)
  return options as ScalingOptions
}
