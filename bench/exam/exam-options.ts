/**
 * Options of `npm run bench -- --scenario exam`: flags on the command line,
 * checked against one TypeBox schema with every problem listed at once.
 */
import { parseArgs } from 'node:util'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

export const ExamFlagsSchema = Type.Object({
  /** Fraction of every count of the scenario (700 exam students, 2,000 practice, 50 interactive). @defaultValue 1 */
  scale: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 1 }),
  /** The run's time bound, in s: past it every client gives up and the report is written with what was measured. @defaultValue 1800 */
  timeLimitS: Type.Number({ minimum: 30, default: 1800 }),
  /** Seed of the schedule (who submits when, which suite) and of the retry jitter. @defaultValue 1 */
  seed: Type.Integer({ default: 1 }),
})
export type ExamFlags = Static<typeof ExamFlagsSchema>

export interface ExamOptions extends ExamFlags {
  /** A running grader to drive instead of starting one; `key` must be a global admin key of it. */
  url?: string
  key?: string
  /** A second place for the JSON record, besides docs/bench/exam.json. */
  out?: string
  /** Draw the chart and the table again from a record already written, without measuring. */
  redraw?: string
  /** Skip writing docs/ (record, table, chart). */
  noDocs: boolean
}

export const EXAM_USAGE = `npm run bench -- --scenario exam [--scale <0..1>] [--time-limit-s <s>] [--seed <n>] [--out <path>] [--no-docs] [--redraw <exam.json>] [--url <base> --key <admin key>]
  the started grader takes GRADER_* from the environment (e.g. GRADER_SLA_MS=30000,interactive=10000)`

export function parseExamOptions (argv: string[]): ExamOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string' },
      'time-limit-s': { type: 'string' },
      seed: { type: 'string' },
      url: { type: 'string' },
      key: { type: 'string' },
      out: { type: 'string' },
      redraw: { type: 'string' },
      'no-docs': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  })
  if (values.help === true) throw new Error(EXAM_USAGE)
  const raw: Record<string, unknown> = {}
  if (values.scale !== undefined) raw.scale = values.scale
  if (values['time-limit-s'] !== undefined) raw.timeLimitS = values['time-limit-s']
  if (values.seed !== undefined) raw.seed = values.seed
  const flags = Value.Default(ExamFlagsSchema, Value.Convert(ExamFlagsSchema, raw))
  const problems = [...Value.Errors(ExamFlagsSchema, flags)].map(e => `--${e.instancePath.slice(1).replace(/[A-Z]/g, c => `-${c.toLowerCase()}`) || 'flags'} ${e.message}`)
  if ((values.url === undefined) !== (values.key === undefined)) problems.push('--url and --key go together')
  if (problems.length > 0) throw new Error(`exam bench options:\n  - ${problems.join('\n  - ')}\n${EXAM_USAGE}`)
  return {
    ...flags as ExamFlags,
    url: values.url?.replace(/\/$/, ''),
    key: values.key,
    out: values.out,
    redraw: values.redraw,
    noDocs: values['no-docs'] === true,
  }
}
