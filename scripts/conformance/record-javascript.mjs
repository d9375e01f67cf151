// Rebuilds test/conformance/javascript/expected.json: what real Jest reports for every
// exercise of the corpus and each of its variants (example, stub, mutant). No grader
// code is involved. Each variant's files are copied into a fresh folder set up the way
// Exercism's JavaScript track sets up an exercise (its babel.config.js and its
// jest.config.js, verbatim), the spec un-skipped the way Exercism's test runner does
// it (`xtest(` → `test(`, `xit(` → `it(`, `xdescribe(` → `describe(`, which is what
// the grader's `options.runSkipped: true` does), and Jest is run there directly:
// no harness, no reporter of ours.
//
//   node scripts/conformance/record-javascript.mjs [--image <tag>] [slug ...]
//   node scripts/conformance/record-javascript.mjs --host [--jest-dir <dir>] [slug ...]
//
// --image (the default, with the tag from images/javascript/image.json): each run is a
//   throw-away container of the grading image, the folder bind-mounted read-only, as the
//   grader's student uid, no network, with the image's own node and Jest (in /opt/grader,
//   or --image-jest-dir), not its harness.
// --host: the host's Node, with Jest from <dir>/node_modules; without --jest-dir, the
//   pinned versions (PINS, or the image's package-lock.json when there is one) are
//   installed into a temporary folder first.
//
// Deterministic: every variant is run twice and must give the same outcomes both times,
// and the file is written in a fixed order holding nothing about the machine or the time.
import { execFileSync, spawn } from 'node:child_process'
import { copyFileSync, chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { pathToFileURL } from 'node:url'
import { unskip } from './exercism-unskip.mjs'

const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '')
export const CORPUS = join(ROOT, 'test/conformance/javascript')
const VARIANTS = ['example', 'stub', 'mutant']

/** The versions Exercism's track runs, as the grading image pins them. */
export const PINS = {
  jest: '30.2.0',
  'babel-jest': '30.2.0',
  '@jest/globals': '30.2.0',
  '@exercism/babel-preset-javascript': '0.5.1',
  'core-js': '3.46.0',
}

/** Exercism's babel.config.js and jest.config.js of every JavaScript exercise, verbatim (kept in the corpus, MIT). */
const EXERCISM_CONFIG = join(CORPUS, 'exercism-config')
/**
 * What is run in the variant's folder (after `node <jest>/bin/jest.js`). `--json` with
 * `--testLocationInResults` gives every test's ancestor titles, title, full name and
 * status in file order; `--no-cache` keeps one run from reusing another's transforms.
 */
export const JEST_ARGS = ['--ci', '--json', '--testLocationInResults', '--no-cache', '--no-watchman', '--runInBand']
/** Where images/javascript/Dockerfile installs the pinned packages (package.json + lock). */
const IMAGE_JEST_DIR = '/opt/grader'
/** A run longer than this is a broken corpus entry, not a result. */
const RUN_TIMEOUT_MS = 120_000


/**
 * Where Jest runs. `host`: the host's node, Jest in `jestDir/node_modules`.
 * `image`: a container of `image`, Jest in `jestDir/node_modules` inside it.
 */
function hostRunner (jestDir) {
  return {
    where: 'host',
    modules: join(jestDir, 'node_modules'),
    async run (dir, timeoutMs = RUN_TIMEOUT_MS) {
      return await new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [join(jestDir, 'node_modules/jest/bin/jest.js'), ...JEST_ARGS], {
          cwd: dir,
          // What Exercism's runner and the image set; nothing else of the caller's leaks in.
          env: { PATH: process.env.PATH, HOME: dir, CI: 'true', NODE_ENV: 'test', LANG: 'C.UTF-8', TZ: 'UTC' },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        const out = []
        const err = []
        child.stdout.on('data', c => out.push(c))
        child.stderr.on('data', c => err.push(c))
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
        child.on('error', reject)
        child.on('close', (code, signal) => {
          clearTimeout(timer)
          resolve({ exitCode: code ?? 128, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') })
        })
      })
    },
    async versions () {
      const v = (name) => JSON.parse(readFileSync(join(jestDir, 'node_modules', name, 'package.json'), 'utf8')).version
      return { node: process.versions.node, jest: v('jest'), packages: Object.fromEntries(Object.keys(PINS).map(n => [n, v(n)])) }
    },
  }
}

async function imageRunner (image, jestDir) {
  const { default: Docker } = await import('dockerode')
  const docker = new Docker()
  /** Collects a container's stdout and stderr from its attach stream (Docker's multiplexed frames). */
  const collect = (stream) => {
    const out = []
    const err = []
    const sink = (chunks) => new Writable({ write (chunk, _enc, done) { chunks.push(chunk); done() } })
    docker.modem.demuxStream(stream, sink(out), sink(err))
    return new Promise((resolve, reject) => {
      stream.on('end', () => resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }))
      stream.on('error', reject)
    })
  }
  const inImage = async (cmd, dir = null, timeoutMs = RUN_TIMEOUT_MS) => {
    const container = await docker.createContainer({
      Image: image,
      // The image's own node, not its harness.
      Entrypoint: ['node'],
      Cmd: cmd,
      User: '10002:10002',
      WorkingDir: dir ? '/w' : '/tmp',
      Env: ['CI=true', 'NODE_ENV=test', 'HOME=/tmp', 'LANG=C.UTF-8', 'TZ=UTC'],
      Labels: { 'grader.conformance': 'record' },
      HostConfig: {
        // Jest writes nothing into the folder (--no-cache, --json to stdout).
        Binds: dir ? [`${dir}:/w:ro`] : [],
        NetworkMode: 'none',
        Memory: 1024 * 1024 * 1024,
        NanoCpus: 1e9,
        PidsLimit: 256,
        Tmpfs: { '/tmp': 'rw,size=64m' },
      },
    })
    try {
      const output = collect(await container.attach({ stream: true, stdout: true, stderr: true }))
      await container.start()
      const timer = setTimeout(() => { container.kill().catch(() => {}) }, timeoutMs)
      const { StatusCode } = await container.wait()
      clearTimeout(timer)
      return { exitCode: StatusCode, ...await output }
    } finally {
      await container.remove({ force: true }).catch(() => {})
    }
  }
  return {
    where: `image ${image}`,
    modules: join(jestDir, 'node_modules'),
    run: (dir, timeoutMs) => inImage([join(jestDir, 'node_modules/jest/bin/jest.js'), ...JEST_ARGS], dir, timeoutMs),
    async versions () {
      const script = `const v = n => require(${JSON.stringify(jestDir)} + '/node_modules/' + n + '/package.json').version;` +
        `console.log(JSON.stringify({ node: process.versions.node, jest: v('jest'), packages: Object.fromEntries(${JSON.stringify(Object.keys(PINS))}.map(n => [n, v(n)])) }))`
      const r = await inImage(['-e', script])
      if (r.exitCode !== 0) throw new Error(`cannot read versions in ${image}: ${r.stderr}`)
      return JSON.parse(r.stdout)
    },
  }
}

/**
 * Installs the pinned Jest into a temporary folder: from the image's package.json and
 * package-lock.json when the image folder has them (the same tree the image holds),
 * else from PINS. Returns the folder; the caller removes it.
 */
export function installPinned () {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-jest-'))
  const lock = findImageLock()
  if (lock) {
    copyFileSync(join(lock, 'package.json'), join(dir, 'package.json'))
    copyFileSync(join(lock, 'package-lock.json'), join(dir, 'package-lock.json'))
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] })
  } else {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'conformance-jest', private: true, devDependencies: PINS }, null, 2))
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--save-exact'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] })
  }
  return dir
}

/** images/javascript, when it holds the image's package.json and package-lock.json. */
function findImageLock () {
  const dir = join(ROOT, 'images/javascript')
  return existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'package-lock.json')) ? dir : null
}

/** Jest's status for a test as the corpus records it (Jest's own words). */
const STATUSES = new Set(['passed', 'failed', 'pending', 'skipped', 'todo', 'disabled', 'focused'])

/**
 * Turns Jest's --json report into exit code, counts and the ordered list of tests
 * (Jest's full name and status); throws when the report does not add up.
 */
export function parseJest ({ exitCode, stdout, stderr }, what) {
  let report
  try {
    report = JSON.parse(stdout)
  } catch {
    throw new Error(`${what}: Jest printed no JSON report (exit code ${exitCode})\n${stdout.slice(0, 2000)}\n${stderr.slice(-4000)}`)
  }
  if (report.testResults.length !== 1) throw new Error(`${what}: expected one spec file, Jest ran ${report.testResults.length}`)
  const [file] = report.testResults
  const tests = []
  for (const a of file.assertionResults) {
    if (!STATUSES.has(a.status)) throw new Error(`${what}: unknown Jest status ${a.status}`)
    // Jest's own full name is the ancestors' titles and the title, joined by one space.
    const joined = [...a.ancestorTitles, a.title].join(' ')
    if (a.fullName !== joined) throw new Error(`${what}: full name ${JSON.stringify(a.fullName)} is not ${JSON.stringify(joined)}`)
    tests.push({ name: a.fullName, status: a.status })
  }
  const counts = {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    pending: report.numPendingTests,
    todo: report.numTodoTests,
  }
  const tally = (s) => tests.filter(t => t.status === s || (s === 'pending' && (t.status === 'skipped' || t.status === 'disabled'))).length
  for (const k of Object.keys(counts)) {
    if (counts[k] !== tally(k)) throw new Error(`${what}: Jest says ${counts[k]} ${k}, its tests say ${tally(k)}`)
  }
  // "Test suite failed to run": the spec (or the solution it imports) threw while tests were collected.
  const suiteFailed = report.numRuntimeErrorTestSuites > 0
  if (suiteFailed && tests.length > 0) throw new Error(`${what}: the suite failed to run but lists ${tests.length} tests`)
  return { exitCode, suiteFailed, counts, tests }
}

/** Writes a variant's folder: Exercism's two configs, the un-skipped spec and helpers, the variant's solution. */
export function prepare (slug, variant, modules, solutionText = null) {
  const exercise = join(CORPUS, 'exercises', slug)
  const work = mkdtempSync(join(tmpdir(), `conformance-${slug}-${variant}-`))
  for (const name of readdirSync(join(exercise, 'tests')).sort()) {
    const text = readFileSync(join(exercise, 'tests', name), 'utf8')
    writeFileSync(join(work, name), name.endsWith('.spec.js') ? unskip(text) : text)
  }
  const solution = only(join(exercise, 'example'))
  writeFileSync(join(work, solution), solutionText ?? readFileSync(join(exercise, variant, solution), 'utf8'))
  for (const name of ['babel.config.js', 'jest.config.js']) copyFileSync(join(EXERCISM_CONFIG, name), join(work, name))
  // Babel resolves the preset from the config's folder; the link points where Jest lives
  // (a path inside the image in image mode, dangling on the host, which is fine).
  symlinkSync(modules, join(work, 'node_modules'))
  // The container runs as the student's uid; the folder and its files only need to be readable.
  chmodSync(work, 0o755)
  for (const name of readdirSync(work)) if (name !== 'node_modules') chmodSync(join(work, name), 0o644)
  return work
}

export const only = (dir) => {
  const names = readdirSync(dir)
  if (names.length !== 1) throw new Error(`${dir} should hold exactly one solution file, has ${names.join(', ')}`)
  return names[0]
}

/** Runs one variant (or the given solution text in its place) twice; both runs must agree. */
export async function recordVariant (runner, slug, variant, solutionText = null, runs = 2) {
  const work = prepare(slug, variant, runner.modules, solutionText)
  try {
    const what = `${slug}/${variant}`
    const first = parseJest(await runner.run(work), what)
    for (let i = 1; i < runs; i++) {
      // Expectations must not depend on luck: another run has to say the same.
      const again = parseJest(await runner.run(work), what)
      if (JSON.stringify(again) !== JSON.stringify(first)) throw new Error(`${what}: two Jest runs disagree; the variant is not deterministic`)
    }
    return first
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/** The lines the mutant changed, found by comparing it with the example. */
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

/** Runs `jobs` with at most `limit` at once, keeping their order in the result. */
export async function inPool (jobs, limit) {
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

/** `--host [--jest-dir d]` or `--image <tag>` (default: the tag in images/javascript/image.json), then slugs. */
export async function runnerFromArgs (args) {
  const rest = []
  let mode = 'image'
  let image = null
  let jestDir = null
  let imageJestDir = null
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--host') mode = 'host'
    else if (args[i] === '--image') { mode = 'image'; image = args[++i] }
    else if (args[i] === '--jest-dir') jestDir = args[++i]
    else if (args[i] === '--image-jest-dir') imageJestDir = args[++i]
    else if (args[i].startsWith('--')) throw new Error(`unknown option ${args[i]}`)
    else rest.push(args[i])
  }
  let cleanup = () => {}
  let runner
  if (mode === 'host') {
    if (!jestDir) {
      jestDir = installPinned()
      const dir = jestDir
      cleanup = () => rmSync(dir, { recursive: true, force: true })
    }
    runner = hostRunner(jestDir)
  } else {
    const meta = join(ROOT, 'images/javascript/image.json')
    const json = existsSync(meta) ? JSON.parse(readFileSync(meta, 'utf8')) : {}
    image ??= json.tag
    if (!image) throw new Error('no image: pass --image <tag>, or --host to run the host\'s node')
    // Where the image keeps its Jest install (the folder holding node_modules/jest):
    // its Dockerfile runs `npm ci` in IMAGE_JEST_DIR.
    imageJestDir ??= json.jestDir ?? IMAGE_JEST_DIR
    runner = await imageRunner(image, imageJestDir)
  }
  const versions = await runner.versions()
  for (const [name, want] of Object.entries(PINS)) {
    if (versions.packages[name] !== want) throw new Error(`${runner.where}: ${name} is ${versions.packages[name]}, the pin is ${want}`)
  }
  return { runner, versions, slugs: rest, cleanup }
}

async function main (args) {
  const { runner, versions, slugs: asked, cleanup } = await runnerFromArgs(args)
  try {
    const all = readdirSync(join(CORPUS, 'exercises')).sort()
    const slugs = asked.length > 0 ? asked : all
    const unknown = slugs.filter(s => !all.includes(s))
    if (unknown.length > 0) throw new Error(`not in the corpus: ${unknown.join(', ')}`)

    const path = join(CORPUS, 'expected.json')
    // Recording some slugs keeps the others as they were.
    let previous = { exercises: {} }
    try { previous = JSON.parse(readFileSync(path, 'utf8')) } catch {}
    if (asked.length > 0 && previous.recordedIn && previous.recordedIn !== runner.where) {
      throw new Error(`expected.json was recorded in ${previous.recordedIn}; record all exercises to switch to ${runner.where}`)
    }

    const variantsOf = (slug) => VARIANTS.filter(v => existsSync(join(CORPUS, 'exercises', slug, v)))
    const jobs = slugs.flatMap(slug => variantsOf(slug).map(variant => async () => {
      const r = await recordVariant(runner, slug, variant)
      const tally = Object.entries(r.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ')
      process.stderr.write(`${slug}/${variant}: exit ${r.exitCode}${r.suiteFailed ? ', suite failed to run' : ''}${tally ? `, ${tally}` : ''}\n`)
      return { slug, variant, r }
    }))
    // Two at a time: promises' timers (0, 10 and 20 ms apart) must keep their order on a busy machine.
    const results = await inPool(jobs, Math.max(1, Math.min(2, availableParallelism())))

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
      comment: 'Recorded by scripts/conformance/record-javascript.mjs: real Jest, run directly on each variant. Do not edit by hand.',
      recordedIn: runner.where,
      node: versions.node,
      jest: versions.jest,
      packages: versions.packages,
      command: ['jest', ...JEST_ARGS].join(' '),
      unskip: 'xtest( → test(, xit( → it(, xdescribe( → describe( in *.spec.js (options.runSkipped: true)',
      exercises,
    }
    writeFileSync(path, JSON.stringify(expected, null, 2) + '\n')
    process.stderr.write(`wrote ${Object.keys(exercises).length} exercises to ${path.slice(ROOT.length + 1)}\n`)
  } finally {
    cleanup()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch(err => {
    process.stderr.write(`${err.stack ?? err}\n`)
    process.exit(1)
  })
}
