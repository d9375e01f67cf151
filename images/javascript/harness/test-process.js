'use strict'
// The test process: runs the challenge's suite with Jest, as `grader` (uid 10001).
//
// Started by the agent as soon as the container starts, it loads Jest and
// Babel while the job is still on its way, then waits for the run's settings
// and the student side's connection (a socket the agent passes over Node's IPC
// channel). The suite lives in /suite, which the student's uid cannot read;
// the student's modules are reached only through proxies (resolver.js,
// proxy-client.js), in student processes the launcher starts on request
// (session.js). Jest runs in band, with a pinned configuration of ours: no
// configuration file of the run is read. Events go to the agent over IPC.
const path = require('node:path')

const HARNESS = __dirname
const SUITE = process.env.GRADER_SUITE || '/suite'
const NODE_MODULES = path.join(HARNESS, '..', 'node_modules')
const RUN_DIR = process.env.GRADER_RUN || '/run/grader'
const TEST_TMP = path.join(RUN_DIR, 'tmp')
const escape = text => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

// Loaded now, before there is a job: most of a cold run is Jest's start-up.
const { runCLI } = require('jest')
require('jest-environment-node')
require('babel-jest')
require('@babel/core')
require('@exercism/babel-preset-javascript')
const sessions = require('./session.js')

function jestConfig (config) {
  return {
    // Collect-only: every test is collected and none runs (a name pattern nothing matches).
    ...(config.mode === 'collect' ? { testNamePattern: '(?!)' } : {}),
    rootDir: SUITE,
    roots: [SUITE],
    testEnvironment: path.join(HARNESS, 'jest-environment.js'),
    testMatch: ['**/__tests__/**/*.?([mc])[jt]s?(x)', '**/?(*.)+(spec|test).?([mc])[jt]s?(x)'],
    testPathIgnorePatterns: ['/node_modules/'],
    // Exercism's track: Babel for ESM, and `import … from './two-fer.js'` finds ./two-fer.
    transform: { '\\.[cm]?[jt]sx?$': [require.resolve('babel-jest'), { configFile: path.join(HARNESS, 'babel.config.js'), babelrc: false }] },
    // The harness and the student modules' stand-ins are loaded as they are.
    transformIgnorePatterns: ['/node_modules/', `^${escape(path.dirname(HARNESS))}/`, `^${escape(RUN_DIR)}/`],
    // node:test suites run on Jest through node-test.js (what maps, and what does not, is there).
    moduleNameMapper: { '^node:test$': path.join(HARNESS, 'node-test.js'), '^(\\.\\/.+)\\.js$': '$1' },
    resolver: path.join(HARNESS, 'resolver.js'),
    modulePaths: [NODE_MODULES],
    testSequencer: path.join(HARNESS, 'sequencer.js'),
    testTimeout: config.testTimeoutMs,
    cacheDirectory: path.join(TEST_TMP, 'jest-cache'),
    reporters: [],
    watchman: false,
    injectGlobals: true,
    maxWorkers: 1,
  }
}

/**
 * One Jest run of a suite of ours, before the job comes: Jest's first run in a process costs
 * about half a second more than the next ones (its runner, circus, the module registry and
 * Babel's plugins load lazily, on first use). A warm container has that done while it waits;
 * a cold one overlaps it with the upload of the job. It uses Jest's plain node environment,
 * so no student side is involved, and never fails the run: the job waits for it, then goes on.
 */
async function warmUp () {
  const dir = path.join(TEST_TMP, 'warm-up')
  try {
    const fs = require('node:fs')
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
    fs.writeFileSync(path.join(dir, 'warm.js'), 'export const greet = (name = `you`) => `One for ${name}, one for me.`\n')
    fs.writeFileSync(path.join(dir, 'warm.spec.js'), "import { greet } from './warm'\ndescribe('warm', () => { test('up', () => { expect(greet()).toEqual(expect.stringContaining('you')) }) })\n")
    await runCLI({
      _: [], $0: 'jest', runInBand: true, ci: true, cache: false, watchman: false, silent: true,
      config: JSON.stringify({
        ...jestConfig({ testTimeoutMs: 5000 }),
        rootDir: dir, roots: [dir], testEnvironment: require.resolve('jest-environment-node'),
        // transformed as a suite is (the suite's own patterns leave the run folder alone)
        transformIgnorePatterns: ['/node_modules/', `^${escape(path.dirname(HARNESS))}/`],
        cacheDirectory: path.join(dir, 'cache'),
      }),
    }, [dir])
  } catch {}
}
const warmedUp = warmUp()

function relative (file) {
  return path.relative(SUITE, file)
}

async function run (config, socket) {
  await warmedUp
  const emit = event => process.send(event)
  if (config.mode === 'collect') process.env.GRADER_COLLECT_ONLY = '1'
  const session = sessions.start({ emit, socket, config })
  let results
  try {
    ({ results } = await runCLI({
      _: [], $0: 'jest', config: JSON.stringify(jestConfig(config)), runInBand: true, ci: true, cache: false,
      watchman: false, passWithNoTests: true, silent: true, testLocationInResults: false,
    }, [SUITE]))
  } catch (err) {
    emit({ e: 'collect_error', path: '', message: String(err && err.message).slice(0, 4000) })
    await new Promise(resolve => process.send({ e: 'end', exitstatus: 2 }, resolve))
    return
  }
  for (const file of results.testResults) {
    if (file.testExecError !== undefined && file.testExecError !== null) {
      const message = String(file.failureMessage || file.testExecError.message || 'the test file failed to run')
      emit({ e: 'collect_error', path: relative(file.testFilePath).slice(0, 900), message: message.slice(-4000) })
    }
  }
  if (session.collected.length === 0) emit({ e: 'collected', ids: [], code: [], tasks: [] })
  // The last event is on its way before the process may end.
  await new Promise(resolve => process.send({ e: 'end', exitstatus: results.success ? 0 : 1 }, resolve))
}

process.on('message', (message, handle) => {
  if (message === null || typeof message !== 'object') return
  if (!(message.mode === 'split' && handle !== undefined) && message.mode !== 'collect') return
  run(message, handle ?? null).then(
    () => process.exit(0),
    err => {
      process.stderr.write(`the test process failed: ${err && err.stack}\n`)
      process.exit(1)
    })
})
