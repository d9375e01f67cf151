// What the conformance tests of every language share: the row of a disagreement, the
// table that shows them, an exercise's grading.json, and the run of all gradings a
// few at a time with its summary. Each language keeps its own comparison (what its
// framework recorded differs: pytest's node ids, Jest's ordered full names).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** One way a grading disagrees with the framework's recording. */
export interface Mismatch { exercise: string, variant: string, test: string, expected: string, got: string }

/** The rows as an aligned text table with a header. */
export function table (rows: Mismatch[], testHeader = 'test id'): string {
  const head: Mismatch = { exercise: 'exercise', variant: 'variant', test: testHeader, expected: 'expected', got: 'got' }
  const cols = ['exercise', 'variant', 'test', 'expected', 'got'] as const
  const width = Object.fromEntries(cols.map(c => [c, Math.max(...[head, ...rows].map(r => r[c].length))])) as Record<typeof cols[number], number>
  const line = (r: Mismatch) => cols.map(c => r[c].padEnd(width[c])).join('  ').trimEnd()
  return [line(head), cols.map(c => '-'.repeat(width[c])).join('  '), ...rows.map(line)].join('\n')
}

/**
 * `{ options }` from an exercise's grading.json (in `corpus/exercises/<slug>/`), which
 * must also say why; nothing for the rest.
 */
export function gradingOptions (corpus: string, slug: string): { options?: Record<string, unknown> } {
  const file = join(corpus, 'exercises', slug, 'grading.json')
  if (!existsSync(file)) return {}
  const grading = JSON.parse(readFileSync(file, 'utf8')) as { options: Record<string, unknown>, why: string }
  if (typeof grading.why !== 'string' || grading.why.length < 20) throw new Error(`${file} must say why it needs options`)
  return { options: grading.options }
}

/** One grading of the corpus: an exercise and one of its variants. */
export interface Job<V extends string> { slug: string, variant: V }

/**
 * Grades every job, `concurrency` at a time, each through `gradeOne` (which returns its
 * mismatches), and returns the mismatches sorted (so two runs print the same table
 * whatever order the gradings finished in), the gradings that agree and the seconds taken.
 */
export async function gradeAll<V extends string> (
  jobs: Array<Job<V>>, variants: readonly V[], concurrency: number, gradeOne: (job: Job<V>) => Promise<Mismatch[]>,
): Promise<{ mismatches: Mismatch[], agreeing: string[], seconds: number }> {
  const mismatches: Mismatch[] = []
  const agreeing: string[] = []
  const started = Date.now()
  for (let i = 0; i < jobs.length; i += concurrency) {
    await Promise.all(jobs.slice(i, i + concurrency).map(async (job) => {
      const found = await gradeOne(job)
      mismatches.push(...found)
      if (found.length === 0) agreeing.push(`${job.slug}/${job.variant}`)
    }))
  }
  const order = (m: Mismatch) => `${m.exercise}\0${variants.indexOf(m.variant as V)}\0${m.test}`
  mismatches.sort((a, b) => order(a).localeCompare(order(b)))
  return { mismatches, agreeing, seconds: Math.round((Date.now() - started) / 1000) }
}

/** The summary lines: a head line, then how many gradings of each variant agree. */
export function summary<V extends string> (head: string, jobs: Array<Job<V>>, variants: readonly V[], agreeing: string[]): string {
  return [
    head,
    ...variants.map(v => `  ${v}: ${agreeing.filter(a => a.endsWith(`/${v}`)).length}/${jobs.filter(j => j.variant === v).length} agree`),
  ].join('\n')
}
