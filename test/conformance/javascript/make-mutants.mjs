// Writes exercises/<slug>/mutant/<solution>: the reference solution with one small
// change that real Jest fails every time. Candidates are single-token changes of the
// example, in source order (tokens from Babel's parser, so strings, comments and
// regular expressions are never touched):
//   ===/!==, ==/!= swapped; < ↔ <=, > ↔ >=; + ↔ -; * ↔ /; && ↔ ||; ++ ↔ --;
//   a `!` dropped; a decimal integer plus one; true ↔ false.
// The first candidate that makes at least one test fail and at least one pass (with
// the suite still collected) is kept, else the first that makes any test fail. A
// candidate is kept only if three runs agree and none is slow. A mutant already in
// place is left alone unless --force; the hand-written ones (HAND_WRITTEN) always are.
//
//   node test/conformance/javascript/make-mutants.mjs --host --jest-dir <dir> [--force] [slug ...]
//   (the runner options are record-javascript.mjs's)
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { CORPUS, inPool, only, parseJest, prepare, recordVariant, runnerFromArgs } from '../../../scripts/conformance/record-javascript.mjs'

/** Token label → the replacements tried, in order. */
const SWAPS = {
  '===': ['!=='], '!==': ['==='], '==': ['!='], '!=': ['=='],
  '<': ['<='], '<=': ['<'], '>': ['>='], '>=': ['>'],
  '+': ['-'], '-': ['+'], '*': ['/'], '/': ['*'],
  '&&': ['||'], '||': ['&&'], '++': ['--'], '--': ['++'],
  '!': [''], true: ['false'], false: ['true'],
}
/**
 * Mutants written by hand (README: The mutants): six solutions whose behaviour is all
 * in strings, regular expressions or templates, where no token change applies, and two
 * where every token change failed all tests (one now leaves some passing).
 */
const HAND_WRITTEN = new Set(['acronym', 'atbash-cipher', 'hello-world', 'matrix', 'pig-latin', 'resistor-color', 'rna-transcription', 'two-fer'])
/** A candidate slower than this (or than 4 times the example) is rejected as a hang. */
const SLOW_MS = 15_000

function candidates (source, parser) {
  const ast = parser.parse(source, { sourceType: 'unambiguous', tokens: true, errorRecovery: false })
  const out = []
  for (const t of ast.tokens) {
    const text = source.slice(t.start, t.end)
    const label = t.type?.label ?? t.type
    if (label === 'num' && /^\d+$/.test(text)) out.push({ start: t.start, end: t.end, from: text, to: String(Number(text) + 1) })
    else if (label !== 'template' && label !== 'string' && label !== 'regexp' && label !== 'name' && Object.hasOwn(SWAPS, text)) {
      for (const to of SWAPS[text]) out.push({ start: t.start, end: t.end, from: text, to })
    }
  }
  return out
}

async function runOnce (runner, slug, text, timeoutMs) {
  const work = prepare(slug, 'mutant', runner.modules, text)
  const started = Date.now()
  try {
    const raw = await runner.run(work, timeoutMs)
    return { ms: Date.now() - started, r: parseJest(raw, `${slug}/mutant`) }
  } catch {
    return { ms: Date.now() - started, r: null }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

async function mutate (runner, parser, slug) {
  const dir = join(CORPUS, 'exercises', slug)
  const solution = only(join(dir, 'example'))
  const example = readFileSync(join(dir, 'example', solution), 'utf8')
  const base = await runOnce(runner, slug, example, 60_000)
  if (!base.r || base.r.exitCode !== 0) throw new Error(`${slug}: the example does not pass`)
  const limit = Math.min(SLOW_MS, Math.max(5_000, 4 * base.ms))
  let fallback = null
  let tried = 0
  for (const c of candidates(example, parser)) {
    // Past a fallback, a few more tries for one that leaves a test passing; then stop.
    if (fallback && tried >= fallback.tried + 15) break
    if (tried >= 80) break
    const text = example.slice(0, c.start) + c.to + example.slice(c.end)
    tried++
    const { ms, r } = await runOnce(runner, slug, text, limit)
    if (!r || ms > limit || r.suiteFailed || r.counts.failed === 0) continue
    const some = r.counts.passed > 0
    if (!some && fallback) continue
    // Three more runs must agree (recordVariant throws when they do not).
    let stable
    try { stable = await recordVariant(runner, slug, 'mutant', text, 3) } catch { continue }
    if (JSON.stringify(stable) !== JSON.stringify(r)) continue
    if (some) return { text, c, tried, r }
    fallback = { text, c, tried, r }
  }
  if (fallback) return fallback
  throw new Error(`${slug}: no mutation fails a test every time (${tried} tried)`)
}

async function main (args) {
  const force = args.includes('--force')
  const { runner, slugs: asked, cleanup } = await runnerFromArgs(args.filter(a => a !== '--force'))
  try {
    const parser = createRequire(join(runner.modules, 'x.js'))('@babel/parser')
    const slugs = asked.length > 0 ? asked : readdirSync(join(CORPUS, 'exercises')).sort()
    const todo = slugs.filter(s => !HAND_WRITTEN.has(s) && (force || !existsSync(join(CORPUS, 'exercises', s, 'mutant'))))
    await inPool(todo.map(slug => async () => {
      try {
        const { text, c, tried, r } = await mutate(runner, parser, slug)
        const dir = join(CORPUS, 'exercises', slug)
        const solution = only(join(dir, 'example'))
        mkdirSync(join(dir, 'mutant'), { recursive: true })
        writeFileSync(join(dir, 'mutant', solution), text)
        process.stderr.write(`${slug}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)} at ${c.start} (candidate ${tried}): ${r.counts.passed} pass, ${r.counts.failed} fail\n`)
      } catch (err) {
        process.stderr.write(`${slug}: ${err.message}\n`)
      }
    }), 2)
  } finally {
    cleanup()
  }
}

main(process.argv.slice(2)).catch(err => {
  process.stderr.write(`${err.stack ?? err}\n`)
  process.exit(1)
})
