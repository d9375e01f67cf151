/**
 * The bench's options: flags on the command line, sizes from the environment
 * (BENCH_*), checked against one TypeBox schema with every problem listed at once.
 */
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

export const BenchEnvSchema = Type.Object({
  /** Sequential gradings per series (baseline, cold, warm). @defaultValue 40 (--quick: 8) */
  BENCH_RUNS: Type.Integer({ minimum: 3, default: 40 }),
  /**
   * Pause between sequential gradings, in ms: students submit one at a time with
   * pauses, and a warm pool refills in them (the same pause for every series). @defaultValue 250
   */
  BENCH_GAP_MS: Type.Integer({ minimum: 0, default: 250 }),
  /** Gradings in each fixed batch (baseline concurrency sweep, host CPU). @defaultValue 32 (--quick: 8) */
  BENCH_BATCH: Type.Integer({ minimum: 2, default: 32 }),
  /** Arrival window of each load step, in seconds. @defaultValue 15 (--quick: 4) */
  BENCH_STEP_S: Type.Number({ minimum: 1, default: 15 }),
  /** First offered rate, per second; 0 = half the baseline's best throughput. @defaultValue 0 */
  BENCH_START_RATE: Type.Number({ minimum: 0, default: 0 }),
  /** Each load step offers this many times the last one's rate. @defaultValue 1.25 (--quick: 1.6) */
  BENCH_RATE_FACTOR: Type.Number({ exclusiveMinimum: 1, default: 1.25 }),
  /** Tries more at a rate that fell short before the sweep stops (a shared machine has bursts). @defaultValue 1 (--quick: 0) */
  BENCH_STEP_REPEATS: Type.Integer({ minimum: 0, default: 1 }),
  /** Highest rate the sweep offers, per second. @defaultValue 40 */
  BENCH_MAX_RATE: Type.Number({ exclusiveMinimum: 0, default: 40 }),
  /** How arrivals are spaced under load. @defaultValue poisson */
  BENCH_ARRIVALS: Type.Union([Type.Literal('poisson'), Type.Literal('fixed')], { default: 'poisson' }),
  /** Seed of the arrival times, so two runs offer the same load. @defaultValue 1 */
  BENCH_SEED: Type.Integer({ default: 1 }),
  /** Runs of each isolation figure (--isolation). @defaultValue 10 (--quick: 3) */
  BENCH_ISOLATION_RUNS: Type.Integer({ minimum: 1, default: 10 }),
  /** Image of the baseline; by default the Python image the grader builds (images/python/image.json). */
  BENCH_IMAGE: Type.Optional(Type.String({ minLength: 1 })),
  /** The SLA of the load sweep (and of the started graders), in ms. @defaultValue 2000 */
  GRADER_SLA_MS: Type.Integer({ minimum: 1, default: 2000 }),
  /** Grading runs at once per host in the started graders. @defaultValue the core count */
  GRADER_HOST_CONCURRENCY: Type.Integer({ minimum: 1, default: availableParallelism() }),
  /** Pool size of the warm grader; absent: the grader's own default. */
  GRADER_POOL_SIZE: Type.Optional(Type.Integer({ minimum: 1 })),
})
export type BenchEnv = Static<typeof BenchEnvSchema>

const QUICK: Partial<Record<keyof BenchEnv, string>> = {
  BENCH_RUNS: '8', BENCH_BATCH: '8', BENCH_STEP_S: '4', BENCH_RATE_FACTOR: '1.6', BENCH_ISOLATION_RUNS: '3', BENCH_STEP_REPEATS: '0',
}

export interface BenchOptions extends BenchEnv {
  /** A running grader to drive instead of starting two. */
  url?: string
  key?: string
  /** With --url: whether that grader's pool is on, which names its series warm or cold. @defaultValue on */
  urlPool: 'on' | 'off'
  quick: boolean
  isolation: boolean
  /** A second place for the JSON record, besides docs/bench/latest.json. */
  out?: string
  /** Draw the charts and the table again from a record already written, without measuring. */
  redraw?: string
  /** Skip writing docs/ (record, charts, table): for a run that must not replace the README's. */
  noDocs: boolean
}

/**
 * `--scenario <name>`: today's bench (`default`), the exam peak of issue 10 (`exam`, bench/exam/),
 * or JavaScript gradings against docker run of Jest (`javascript`, bench/javascript/).
 */
export const SCENARIOS = ['default', 'exam', 'javascript'] as const
export type Scenario = typeof SCENARIOS[number]

/** Takes `--scenario <name>` (or `--scenario=<name>`) out of the arguments; the rest belong to that scenario's own parser. */
export function splitScenario (argv: readonly string[]): { scenario: Scenario, rest: string[] } {
  const rest: string[] = []
  let scenario: string = 'default'
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--scenario') scenario = argv[++i] ?? ''
    else if (arg.startsWith('--scenario=')) scenario = arg.slice('--scenario='.length)
    else rest.push(arg)
  }
  if (!(SCENARIOS as readonly string[]).includes(scenario)) throw new Error(`--scenario is one of ${SCENARIOS.join(', ')}, not ${JSON.stringify(scenario)}`)
  return { scenario: scenario as Scenario, rest }
}

export const USAGE = `npm run bench -- [--scenario default|exam|javascript] [--quick] [--isolation] [--out <path>] [--no-docs] [--redraw <record.json>] [--url <base> --key <key> [--url-pool on|off]]
  env: ${Object.keys(BenchEnvSchema.properties).join(', ')}`

export function parseBenchOptions (argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      'url-pool': { type: 'string', default: 'on' },
      quick: { type: 'boolean', default: false },
      isolation: { type: 'boolean', default: false },
      out: { type: 'string' },
      'no-docs': { type: 'boolean', default: false },
      redraw: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  })
  if (values.help === true) throw new Error(USAGE)
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(BenchEnvSchema.properties) as Array<keyof BenchEnv>) {
    const value = env[key] ?? (values.quick === true ? QUICK[key] : undefined)
    if (value !== undefined && value !== '') raw[key] = value
  }
  const withDefaults = Value.Default(BenchEnvSchema, Value.Convert(BenchEnvSchema, raw))
  const problems = [...Value.Errors(BenchEnvSchema, withDefaults)].map(e => `${e.instancePath.slice(1) || 'env'} ${e.message}`)
  if ((values.url === undefined) !== (values.key === undefined)) problems.push('--url and --key go together')
  if (values['url-pool'] !== 'on' && values['url-pool'] !== 'off') problems.push('--url-pool is on or off')
  if (problems.length > 0) throw new Error(`bench options:\n  - ${problems.join('\n  - ')}\n${USAGE}`)
  return {
    ...withDefaults as BenchEnv,
    url: values.url?.replace(/\/$/, ''),
    key: values.key,
    urlPool: values['url-pool'] as 'on' | 'off',
    quick: values.quick === true,
    isolation: values.isolation === true,
    out: values.out,
    noDocs: values['no-docs'] === true,
    redraw: values.redraw,
  }
}
