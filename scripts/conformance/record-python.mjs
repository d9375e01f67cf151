// Rebuilds test/conformance/python/expected.json: what plain pytest, in the grading
// image, reports for every exercise of the corpus and each of its variants
// (example, stub, mutant). No grader code is involved: each run is a throw-away
// container of the image with the variant's files bind-mounted read-only, running
// `python3 -m pytest` directly, with no pytest.ini, no plugin and no harness.
//
//   node scripts/conformance/record-python.mjs [slug ...]   (npm run conformance:record)
//
// Needs the image `npm run provision` builds. Deterministic: every variant is run
// twice and must give the same outcomes both times, and the file is written in a
// fixed order holding nothing about the machine or the time of the run.
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import Docker from 'dockerode'

const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '')
const CORPUS = join(ROOT, 'test/conformance/python')
const IMAGE = JSON.parse(readFileSync(join(ROOT, 'images/python/image.json'), 'utf8')).tag
const VARIANTS = ['example', 'stub', 'mutant']
/** What is run, in the variant's folder; the verbose lines give every node id with its outcome. */
const PYTEST_ARGS = ['-m', 'pytest', '-p', 'no:cacheprovider', '-v', '-rA', '--color=no']
/** A run longer than this is a broken corpus entry, not a result. */
const RUN_TIMEOUT_MS = 60_000
const OUTCOMES = { PASSED: 'passed', FAILED: 'failed', ERROR: 'error', SKIPPED: 'skipped', XFAIL: 'xfailed', XPASS: 'xpassed' }
const COUNT_WORDS = { passed: 'passed', failed: 'failed', error: 'error', errors: 'error', skipped: 'skipped', xfailed: 'xfailed', xpassed: 'xpassed' }

const docker = new Docker()

/** Collects a container's stdout and stderr from its attach stream (Docker's multiplexed frames). */
function collect (stream) {
  const out = []
  const err = []
  const sink = (chunks) => new Writable({ write (chunk, _enc, done) { chunks.push(chunk); done() } })
  docker.modem.demuxStream(stream, sink(out), sink(err))
  return new Promise((resolve, reject) => {
    stream.on('end', () => resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }))
    stream.on('error', reject)
  })
}

/** Runs python3 with `args` in the image, `dir` mounted read-only at /w, as the grader's student uid. */
async function runInImage (args, dir = null) {
  const container = await docker.createContainer({
    Image: IMAGE,
    Entrypoint: ['python3'],
    Cmd: args,
    User: '10002:10002',
    WorkingDir: dir ? '/w' : '/tmp',
    // A fixed width keeps pytest's lines the same on every machine.
    Env: ['COLUMNS=200'],
    Labels: { 'grader.conformance': 'record' },
    HostConfig: {
      Binds: dir ? [`${dir}:/w:ro`] : [],
      NetworkMode: 'none',
      Memory: 512 * 1024 * 1024,
      NanoCpus: 1e9,
      PidsLimit: 256,
    },
  })
  try {
    // Attached before the start, so no output is missed (the engine may keep no logs).
    const output = collect(await container.attach({ stream: true, stdout: true, stderr: true }))
    await container.start()
    const timer = setTimeout(() => { container.kill().catch(() => {}) }, RUN_TIMEOUT_MS)
    const { StatusCode } = await container.wait()
    clearTimeout(timer)
    return { exitCode: StatusCode, ...await output }
  } finally {
    await container.remove({ force: true }).catch(() => {})
  }
}

/** Turns pytest's verbose output into exit code, counts and outcome per node id; throws when it does not add up. */
function parsePytest ({ exitCode, stdout }, what) {
  const lines = stdout.split('\n')
  const tests = {}
  const tally = { passed: 0, failed: 0, error: 0, skipped: 0, xfailed: 0, xpassed: 0 }
  // The verbose lines come between "collected N items" and the first section header.
  let i = lines.findIndex(l => /^collect(ing|ed)\b/.test(l) || /\bcollected \d+ items?/.test(l))
  for (i += 1; i > 0 && i < lines.length && !/^={3,} /.test(lines[i]); i++) {
    const m = /^(\S.*?::.*?) (PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)(?: \(.*\))?\s*(?:\[\s*\d+%\])?$/.exec(lines[i])
    if (!m) continue
    const [, id, word] = m
    const outcome = OUTCOMES[word]
    tally[outcome]++
    // A test that passes and then errors in teardown has two lines; the error is what counts for it.
    tests[id] = tests[id] === undefined || outcome === 'error' ? outcome : tests[id]
  }
  const collectErrors = []
  for (const l of lines) {
    const m = /^ERROR (\S+?)(?: - .*)?$/.exec(l)
    if (m && !m[1].includes('::')) collectErrors.push(m[1])
  }
  const summary = lines.map(l => /^={3,} (.*) in [\d.]+s(?: \([^)]*\))? ={3,}$/.exec(l)).filter(Boolean).pop()
  if (!summary) throw new Error(`${what}: no pytest summary line (exit code ${exitCode})\n${stdout}`)
  const counts = { passed: 0, failed: 0, error: 0, skipped: 0, xfailed: 0, xpassed: 0 }
  for (const part of summary[1].split(', ')) {
    const m = /^(\d+) (\w+)$/.exec(part)
    if (m && COUNT_WORDS[m[2]]) counts[COUNT_WORDS[m[2]]] += Number(m[1])
  }
  const expectedErrors = tally.error + collectErrors.length
  for (const k of Object.keys(counts)) {
    const seen = k === 'error' ? expectedErrors : tally[k]
    if (counts[k] !== seen) throw new Error(`${what}: pytest says ${counts[k]} ${k}, its lines say ${seen}\n${stdout}`)
  }
  return { exitCode, counts, collectErrors, tests }
}

/** The line the mutant changed, found by comparing it with the example. */
function mutation (example, mutant) {
  const a = example.split('\n')
  const b = mutant.split('\n')
  let first = 0
  while (first < a.length && a[first] === b[first]) first++
  let lastA = a.length - 1
  let lastB = b.length - 1
  while (lastA > first && lastB > first && a[lastA] === b[lastB]) { lastA--; lastB-- }
  return { line: first + 1, example: a.slice(first, lastA + 1).join('\n'), mutant: b.slice(first, lastB + 1).join('\n') }
}

const only = (dir) => {
  const names = readdirSync(dir)
  if (names.length !== 1) throw new Error(`${dir} should hold exactly one solution file, has ${names.join(', ')}`)
  return names[0]
}

async function recordVariant (slug, variant) {
  const exercise = join(CORPUS, 'exercises', slug)
  const work = mkdtempSync(join(tmpdir(), `conformance-${slug}-${variant}-`))
  try {
    for (const name of readdirSync(join(exercise, 'tests')).sort()) copyFileSync(join(exercise, 'tests', name), join(work, name))
    const solution = only(join(exercise, variant))
    copyFileSync(join(exercise, variant, solution), join(work, solution))
    // The container runs as the student's uid; the folder and its files only need to be readable.
    chmodSync(work, 0o755)
    for (const name of readdirSync(work)) chmodSync(join(work, name), 0o644)
    const what = `${slug}/${variant}`
    const first = parsePytest(await runInImage(PYTEST_ARGS, work), what)
    // Expectations must not depend on luck: a second run has to say the same.
    const again = parsePytest(await runInImage(PYTEST_ARGS, work), what)
    if (JSON.stringify(again) !== JSON.stringify(first)) throw new Error(`${what}: two pytest runs disagree; the variant is not deterministic`)
    return first
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/** Runs `jobs` with at most `limit` at once, keeping their order in the result. */
async function inPool (jobs, limit) {
  const results = new Array(jobs.length)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, async () => {
    while (next < jobs.length) {
      const i = next++
      results[i] = await jobs[i]()
    }
  }))
  return results
}

async function main (args) {
  const all = readdirSync(join(CORPUS, 'exercises')).sort()
  const slugs = args.length > 0 ? args : all
  const unknown = slugs.filter(s => !all.includes(s))
  if (unknown.length > 0) throw new Error(`not in the corpus: ${unknown.join(', ')}`)

  const version = await runInImage(['-c', 'import sys, pytest; print(pytest.__version__, sys.version.split()[0])'])
  const [pytestVersion, pythonVersion] = version.stdout.trim().split(' ')

  const path = join(CORPUS, 'expected.json')
  // Recording some slugs keeps the others as they were.
  let previous = { exercises: {} }
  try { previous = JSON.parse(readFileSync(path, 'utf8')) } catch {}

  // An exercise may lack a mutant: make-mutants.py writes none when no mutation fails a test every time.
  const variantsOf = (slug) => VARIANTS.filter(v => existsSync(join(CORPUS, 'exercises', slug, v)))
  const jobs = slugs.flatMap(slug => variantsOf(slug).map(variant => async () => {
    const r = await recordVariant(slug, variant)
    process.stderr.write(`${slug}/${variant}: exit ${r.exitCode}, ${Object.entries(r.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ')}\n`)
    return { slug, variant, r }
  }))
  const results = await inPool(jobs, Math.max(1, Math.min(4, availableParallelism())))

  const exercises = {}
  for (const slug of all) {
    if (!slugs.includes(slug)) {
      if (previous.exercises?.[slug]) exercises[slug] = previous.exercises[slug]
      continue
    }
    const dir = join(CORPUS, 'exercises', slug)
    const solution = only(join(dir, 'example'))
    const variants = {}
    for (const { variant, r } of results.filter(x => x.slug === slug)) variants[variant] = r
    if (variants.mutant) {
      variants.mutant.mutation = mutation(
        readFileSync(join(dir, 'example', solution), 'utf8'),
        readFileSync(join(dir, 'mutant', solution), 'utf8'),
      )
    }
    exercises[slug] = { solution, tests: readdirSync(join(dir, 'tests')).sort(), variants }
  }
  const expected = {
    comment: 'Recorded by scripts/conformance/record-python.mjs: plain pytest in the grading image. Do not edit by hand.',
    image: IMAGE,
    python: pythonVersion,
    pytest: pytestVersion,
    command: ['python3', ...PYTEST_ARGS].join(' '),
    exercises,
  }
  writeFileSync(path, JSON.stringify(expected, null, 2) + '\n')
  process.stderr.write(`wrote ${Object.keys(exercises).length} exercises to ${path.slice(ROOT.length + 1)}\n`)
}

main(process.argv.slice(2)).catch(err => {
  process.stderr.write(`${err.stack ?? err}\n`)
  process.exit(1)
})
